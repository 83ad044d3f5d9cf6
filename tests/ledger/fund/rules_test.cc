// One case per rule of docs/fund-rules.md: a refused transaction gets the
// documented code, says why, and changes nothing; accepted ones do what the
// page says, down to the totals kept in the state records.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/transaction.h"
#include "ledger/fund/validation.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "tests/testing/fund_harness.h"
#include "tests/testing/temp_dir.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using absl::StatusCode;
using testing::FundHarness;
using testing::kOrigin;
using testing::kStartMs;
using testing::Must;
using testing::Read;

constexpr uint64_t kHourMs = 3'600'000;
constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

// ---------------------------------------------------------------------------
// Building transactions.

std::string KeyStr(const PublicKey& key) {
  return std::string(key.begin(), key.end());
}

// A real key nobody uses yet, where a payload names one.
PublicKey NewKey() { return SecretKey::Generate().public_key(); }

Bytes Serialize(const google::protobuf::MessageLite& message) {
  return ToBytes(message.SerializeAsString());
}

v1::Envelope ParseEnvelope(const Bytes& bytes) {
  v1::Envelope envelope;
  EXPECT_TRUE(envelope.ParseFromArray(bytes.data(), bytes.size()));
  return envelope;
}

// An envelope over arbitrary body bytes, signed as a client would sign them.
Bytes EnvelopeOver(const SecretKey& key, const std::string& body) {
  v1::Envelope envelope;
  envelope.set_body(body);
  envelope.set_signer(KeyStr(key.public_key()));
  Signature sig = key.Sign(fund::kTxContext, AsBytes(body));
  envelope.set_signature(std::string(sig.begin(), sig.end()));
  return Serialize(envelope);
}

v1::TxBody Proposal(const std::string& title = "Repair cafe",
                    const std::string& district = "north") {
  v1::TxBody body;
  v1::ProposeInitiative* p = body.mutable_propose_initiative();
  p->set_title(title);
  p->set_summary("Fix things together.\nEvery Saturday.");
  p->set_district(district);
  p->set_amount_asked(200);
  p->add_links("https://example.org/repair");
  return body;
}

v1::TxBody Revoke(const PublicKey& key, const std::string& replacement = "",
                  v1::RevocationReason reason = v1::REVOCATION_KEY_LOST) {
  v1::TxBody body;
  body.mutable_revoke_resident()->set_key(KeyStr(key));
  body.mutable_revoke_resident()->set_replacement_key(replacement);
  body.mutable_revoke_resident()->set_reason_code(reason);
  return body;
}

v1::TxBody Suspend(uint64_t initiative,
                   const std::string& reason = "Under review") {
  v1::TxBody body;
  body.mutable_suspend_initiative()->set_initiative_id(initiative);
  body.mutable_suspend_initiative()->set_reason(reason);
  return body;
}

v1::TxBody Reinstate(uint64_t initiative,
                     const std::string& reason = "Review done") {
  v1::TxBody body;
  body.mutable_reinstate_initiative()->set_initiative_id(initiative);
  body.mutable_reinstate_initiative()->set_reason(reason);
  return body;
}

v1::TxBody Settle(uint64_t request, const std::string& reference = "PAY-1") {
  v1::TxBody body;
  body.mutable_settle_redemption()->set_request_id(request);
  body.mutable_settle_redemption()->set_payment_reference(reference);
  return body;
}

v1::TxBody Reject(uint64_t request, const std::string& reason = "No invoice") {
  v1::TxBody body;
  body.mutable_reject_redemption()->set_request_id(request);
  body.mutable_reject_redemption()->set_reason(reason);
  return body;
}

v1::TxBody Report(uint64_t initiative, const std::string& text = "Done.",
                  const std::string& attachments = "") {
  v1::TxBody body;
  body.mutable_post_report()->set_initiative_id(initiative);
  body.mutable_post_report()->set_text(text);
  body.mutable_post_report()->set_attachments_sha256(attachments);
  return body;
}

v1::TxBody Redeem(uint64_t initiative, uint64_t amount,
                  const std::string& purpose = "Buy shelves") {
  v1::TxBody body = FundHarness::RequestRedemption(initiative, amount);
  body.mutable_request_redemption()->set_purpose(purpose);
  return body;
}

v1::TxBody OpenRoundBody(uint64_t allowance, uint64_t opens_at_ms,
                         uint64_t closes_at_ms, uint32_t max_share = 100,
                         uint64_t threshold = 10, uint64_t cents = 100) {
  v1::TxBody body;
  v1::OpenRound* open = body.mutable_open_round();
  open->set_allowance(allowance);
  open->set_credit_value_cents(cents);
  open->set_opens_at_ms(opens_at_ms);
  open->set_closes_at_ms(closes_at_ms);
  open->set_max_share_percent(max_share);
  open->set_trust_threshold(threshold);
  return body;
}

// ---------------------------------------------------------------------------
// Driving the harness.

// Submits a transaction that the setup needs and returns its index.
// Moves time to the round's closing time and closes it.
void CloseNow(FundHarness& h, uint64_t round) {
  h.now_ms = Read(fund::ReadRound(h.state(), round)).rules().closes_at_ms();
  Must(h, h.steward(), FundHarness::CloseRound(round));
}

SecretKey RevokedResident(FundHarness& h) {
  SecretKey key = h.EnrollNew("north");
  Must(h, h.steward(), Revoke(key.public_key()));
  return key;
}

// The fund most cases start from: two residents in two districts, an
// initiative of each, and a round open from now for an hour with an
// allowance of 100, a share cap of 50 % and a trust threshold of 10.
struct Town {
  SecretKey alice;  // District north; owns north_init.
  SecretKey bob;    // District south; owns south_init.
  uint64_t round = 0;
  uint64_t north_init = 0;
  uint64_t south_init = 0;
};

Town OpenTown(FundHarness& h) {
  Town t{h.EnrollNew("north"), h.EnrollNew("south")};
  t.north_init = h.Propose(t.alice, "north");
  t.south_init = h.Propose(t.bob, "south");
  t.round = h.OpenRound(100, 50, 10);
  return t;
}

// OpenTown after bob awarded 50 to north_init and alice 40 to south_init and
// the round closed: north_init can redeem 50, south_init 40.
Town FinalTown(FundHarness& h) {
  Town t = OpenTown(h);
  Must(h, t.bob, FundHarness::Award(t.round, t.north_init, 50));
  Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 40));
  CloseNow(h, t.round);
  return t;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool MentionsAny(absl::string_view message,
                 const std::vector<std::string>& words) {
  std::string lower = Lower(std::string(message));
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return lower.find(Lower(w)) != std::string::npos;
  });
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// ---------------------------------------------------------------------------
// Refusals on a fund after genesis.

struct RefusalCase {
  std::string name;
  StatusCode code;
  // The message must mention one of these (case-insensitive), so that it says
  // what is wrong rather than only that something is.
  std::vector<std::string> words;
  // Builds the state the rule needs and returns the envelope to refuse.
  std::function<Bytes(FundHarness&)> setup;
};

void PrintTo(const RefusalCase& c, std::ostream* os) { *os << c.name; }

std::vector<RefusalCase> EnvelopeCases() {
  return {
      // Step 1: bytes that are not an envelope.
      {"EnvelopeNotProtobuf",
       StatusCode::kInvalidArgument,
       {"envelope", "decode", "parse"},
       [](FundHarness&) {
         return Bytes{0xff, 0xff, 0xff, 0xff};
       }},
      {"EnvelopeEmpty",
       StatusCode::kInvalidArgument,
       {"envelope", "key", "signer", "signature", "body"},
       [](FundHarness&) { return Bytes{}; }},
      {"SignerKeyOf31Bytes",
       StatusCode::kInvalidArgument,
       {"key", "signer"},
       [](FundHarness& h) {
         v1::Envelope e = ParseEnvelope(h.Sign(h.steward(), Proposal()));
         e.mutable_signer()->resize(31);
         return Serialize(e);
       }},
      {"SignatureOf63Bytes",
       StatusCode::kInvalidArgument,
       {"signature"},
       [](FundHarness& h) {
         v1::Envelope e = ParseEnvelope(h.Sign(h.steward(), Proposal()));
         e.mutable_signature()->resize(63);
         return Serialize(e);
       }},
      {"BodyNotProtobuf",
       StatusCode::kInvalidArgument,
       {"body", "decode", "parse"},
       [](FundHarness& h) {
         return EnvelopeOver(h.steward(), "\xff\xff\xff\xff");
       }},
      {"BodyWithoutPayload",
       StatusCode::kInvalidArgument,
       {"payload"},
       [](FundHarness& h) { return h.Sign(h.steward(), v1::TxBody()); }},
      {"EnvelopeOver60000Bytes",
       StatusCode::kInvalidArgument,
       {"60000", "60,000", "size", "large", "long", "bytes"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         v1::TxBody body = Proposal();
         body.mutable_propose_initiative()->set_summary(
             std::string(60'000, 'a'));
         return h.Sign(alice, body);
       }},
      // Step 2: the signature.
      {"SignatureBitFlipped",
       StatusCode::kUnauthenticated,
       {"signature"},
       [](FundHarness& h) {
         v1::Envelope e = ParseEnvelope(
             h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north")));
         (*e.mutable_signature())[10] ^= 0x01;
         return Serialize(e);
       }},
      {"SignedByAnotherKey",
       StatusCode::kUnauthenticated,
       {"signature"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         SecretKey bob = h.EnrollNew("north");
         v1::Envelope e = ParseEnvelope(h.Sign(bob, Proposal()));
         e.set_signer(KeyStr(alice.public_key()));
         return Serialize(e);
       }},
      {"BodySwappedAfterSigning",
       StatusCode::kUnauthenticated,
       {"signature"},
       [](FundHarness& h) {
         v1::Envelope e = ParseEnvelope(
             h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north")));
         v1::Envelope other = ParseEnvelope(
             h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north")));
         e.set_body(other.body());
         return Serialize(e);
       }},
      // The context string separates transaction signatures from every other
      // signature the same key makes (notes sign with an empty context).
      {"SignedWithoutContext",
       StatusCode::kUnauthenticated,
       {"signature"},
       [](FundHarness& h) {
         v1::Envelope e = ParseEnvelope(
             h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north")));
         Signature sig = h.steward().Sign("", AsBytes(e.body()));
         e.set_signature(std::string(sig.begin(), sig.end()));
         return Serialize(e);
       }},
      // Step 3: another ledger's transaction.
      {"WrongOrigin",
       StatusCode::kInvalidArgument,
       {"origin", "ledger"},
       [](FundHarness& h) {
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_origin("other.example/fund");
         return h.Sign(h.steward(), body);
       }},
      {"EmptyOrigin",
       StatusCode::kInvalidArgument,
       {"origin", "ledger"},
       [](FundHarness& h) {
         // The harness fills in an empty origin, so sign by hand.
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_expires_at_ms(h.now_ms + kHourMs);
         return fund::SignEnvelope(h.steward(), body);
       }},
      {"OriginCheckedBeforeNonce",
       StatusCode::kInvalidArgument,
       {"origin", "ledger"},
       [](FundHarness& h) {
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_origin("other.example/fund");
         return h.Sign(h.steward(), body, /*nonce=*/7);
       }},
      // Steps 4 and 5: nonces.
      {"UsedNonceWithOtherBody",
       StatusCode::kAlreadyExists,
       {"nonce"},
       [](FundHarness& h) {
         Must(h, h.steward(), FundHarness::Enroll(NewKey(), "north"));
         return h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north"),
                       /*nonce=*/0);
       }},
      {"UsedNonceCheckedBeforeExpiry",
       StatusCode::kAlreadyExists,
       {"nonce"},
       [](FundHarness& h) {
         Must(h, h.steward(), FundHarness::Enroll(NewKey(), "north"));
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_expires_at_ms(kStartMs);
         return h.Sign(h.steward(), body, /*nonce=*/0);
       }},
      {"NonceAhead",
       StatusCode::kFailedPrecondition,
       {"nonce"},
       [](FundHarness& h) {
         return h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north"),
                       /*nonce=*/1);
       }},
      {"NonceAheadCheckedBeforeFields",
       StatusCode::kFailedPrecondition,
       {"nonce"},
       [](FundHarness& h) {
         return h.Sign(h.steward(), FundHarness::Enroll(NewKey(), ""),
                       /*nonce=*/3);
       }},
      // Step 6: expiry.
      {"ExpiryUnset",
       StatusCode::kInvalidArgument,
       {"expir"},
       [](FundHarness& h) {
         // The harness fills in an unset expiry, so sign by hand.
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_origin(kOrigin);
         return fund::SignEnvelope(h.steward(), body);
       }},
      {"ExpiryAtEntryTime",
       StatusCode::kFailedPrecondition,
       {"expir"},
       [](FundHarness& h) {
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_expires_at_ms(h.now_ms);
         return h.Sign(h.steward(), body);
       }},
      {"ExpiryPast",
       StatusCode::kFailedPrecondition,
       {"expir"},
       [](FundHarness& h) {
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_expires_at_ms(kStartMs);
         return h.Sign(h.steward(), body);
       }},
      {"ExpiryCheckedBeforeFields",
       StatusCode::kFailedPrecondition,
       {"expir"},
       [](FundHarness& h) {
         v1::TxBody body = FundHarness::Enroll(NewKey(), "");
         body.set_expires_at_ms(h.now_ms - 1);
         return h.Sign(h.steward(), body);
       }},
  };
}

// Step 7, one or more cases per row of "Text limits" and per numeric field.
// A resident signs the initiative cases and the steward the rest, so that
// only the field is wrong.
RefusalCase ProposalField(std::string name, std::vector<std::string> words,
                          std::function<void(v1::ProposeInitiative&)> edit) {
  return {std::move(name), StatusCode::kInvalidArgument, std::move(words),
          [edit](FundHarness& h) {
            SecretKey alice = h.EnrollNew("north");
            v1::TxBody body = Proposal();
            edit(*body.mutable_propose_initiative());
            return h.Sign(alice, body);
          }};
}

RefusalCase StewardField(std::string name, std::vector<std::string> words,
                         std::function<v1::TxBody(FundHarness&)> make) {
  return {std::move(name), StatusCode::kInvalidArgument, std::move(words),
          [make](FundHarness& h) { return h.Sign(h.steward(), make(h)); }};
}

RefusalCase OwnerField(std::string name, std::vector<std::string> words,
                       std::function<v1::TxBody(const Town&)> make) {
  return {std::move(name), StatusCode::kInvalidArgument, std::move(words),
          [make](FundHarness& h) {
            Town t = FinalTown(h);
            return h.Sign(t.alice, make(t));
          }};
}

std::vector<RefusalCase> FieldCases() {
  const std::vector<std::string> utf8 = {"utf", "decode", "parse", "body"};
  const std::vector<std::string> control = {"control", "character", "title",
                                            "summary"};
  return {
      ProposalField("TitleEmpty", {"title"}, [](auto& p) { p.set_title(""); }),
      ProposalField("TitleOf121Bytes", {"title"},
                    [](auto& p) { p.set_title(std::string(121, 't')); }),
      ProposalField("TitleInvalidUtf8", utf8,
                    [](auto& p) { p.set_title("Caf\xe9"); }),
      ProposalField("TitleOverlongUtf8", utf8,
                    [](auto& p) { p.set_title("a\xc0\xaf"); }),
      ProposalField("TitleUtf8Surrogate", utf8,
                    [](auto& p) { p.set_title("a\xed\xa0\x80"); }),
      ProposalField("TitleControlCharacter", control,
                    [](auto& p) { p.set_title("Bell\x07"); }),
      ProposalField("TitleTab", control,
                    [](auto& p) { p.set_title("Tab\there"); }),
      // DEL and the C1 controls (U+0080 to U+009F; CSI drives terminals)
      // are control characters as much as the C0 ones.
      ProposalField("TitleDelete", control,
                    [](auto& p) { p.set_title("Del\x7f"); }),
      ProposalField("TitleC1Control", control,
                    [](auto& p) {
                      p.set_title(
                          "Csi\xc2\x9b"
                          "31m");
                    }),
      // Newlines are allowed in the summary only.
      ProposalField("TitleNewline", control,
                    [](auto& p) { p.set_title("Two\nlines"); }),
      ProposalField("SummaryOf2001Bytes", {"summary"},
                    [](auto& p) { p.set_summary(std::string(2001, 's')); }),
      ProposalField("SummaryControlCharacter", control,
                    [](auto& p) { p.set_summary("Nul\x01here"); }),
      ProposalField("ProposalDistrictEmpty", {"district"},
                    [](auto& p) { p.set_district(""); }),
      ProposalField("ProposalDistrictOf33Bytes", {"district"},
                    [](auto& p) { p.set_district(std::string(33, 'd')); }),
      ProposalField("AmountAskedZero", {"amount"},
                    [](auto& p) { p.set_amount_asked(0); }),
      ProposalField("SixLinks", {"link"},
                    [](auto& p) {
                      for (int i = 0; i < 5; ++i)
                        p.add_links("https://a.example");
                    }),
      ProposalField(
          "LinkOf501Bytes", {"link"},
          [](auto& p) { p.set_links(0, "https://" + std::string(493, 'a')); }),
      ProposalField("LinkEmpty", {"link"}, [](auto& p) { p.set_links(0, ""); }),
      ProposalField("LinkFtpScheme", {"link", "http"},
                    [](auto& p) { p.set_links(0, "ftp://example.org/x"); }),
      ProposalField("LinkJavascriptScheme", {"link", "http"},
                    [](auto& p) { p.set_links(0, "javascript:alert(1)"); }),
      ProposalField("LinkSchemeWithOneSlash", {"link", "http"},
                    [](auto& p) { p.set_links(0, "https:/example.org"); }),
      StewardField(
          "EnrollDistrictEmpty", {"district"},
          [](FundHarness&) { return FundHarness::Enroll(NewKey(), ""); }),
      StewardField("EnrollDistrictOf33Bytes", {"district"},
                   [](FundHarness&) {
                     return FundHarness::Enroll(NewKey(), std::string(33, 'd'));
                   }),
      StewardField("EnrollKeyOf31Bytes", {"key"},
                   [](FundHarness&) {
                     v1::TxBody body = FundHarness::Enroll(NewKey(), "n");
                     body.mutable_enroll_resident()->mutable_key()->resize(31);
                     return body;
                   }),
      StewardField("EnrollKeyOf33Bytes", {"key"},
                   [](FundHarness&) {
                     v1::TxBody body = FundHarness::Enroll(NewKey(), "n");
                     body.mutable_enroll_resident()->mutable_key()->push_back(
                         'x');
                     return body;
                   }),
      StewardField("RevokeKeyOf31Bytes", {"key"},
                   [](FundHarness& h) {
                     SecretKey alice = h.EnrollNew("north");
                     v1::TxBody body = Revoke(alice.public_key());
                     body.mutable_revoke_resident()->mutable_key()->resize(31);
                     return body;
                   }),
      StewardField("RevokeReplacementOf31Bytes", {"key", "replacement"},
                   [](FundHarness& h) {
                     SecretKey alice = h.EnrollNew("north");
                     return Revoke(alice.public_key(), std::string(31, 'r'));
                   }),
      StewardField("RevokeReasonUnset", {"reason code"},
                   [](FundHarness& h) {
                     SecretKey alice = h.EnrollNew("north");
                     return Revoke(alice.public_key(), "",
                                   v1::REVOCATION_REASON_UNSPECIFIED);
                   }),
      StewardField("RevokeReasonUnknownCode", {"reason code"},
                   [](FundHarness& h) {
                     SecretKey alice = h.EnrollNew("north");
                     return Revoke(alice.public_key(), "",
                                   static_cast<v1::RevocationReason>(99));
                   }),
      StewardField("SuspendReasonEmpty", {"reason"},
                   [](FundHarness& h) {
                     return Suspend(h.Propose(h.EnrollNew("north")), "");
                   }),
      StewardField("SuspendReasonOf501Bytes", {"reason"},
                   [](FundHarness& h) {
                     return Suspend(h.Propose(h.EnrollNew("north")),
                                    std::string(501, 'r'));
                   }),
      StewardField("ReinstateReasonEmpty", {"reason"},
                   [](FundHarness& h) {
                     uint64_t init = h.Propose(h.EnrollNew("north"));
                     Must(h, h.steward(), Suspend(init));
                     return Reinstate(init, "");
                   }),
      StewardField("SettlePaymentReferenceEmpty", {"reference"},
                   [](FundHarness& h) {
                     Town t = FinalTown(h);
                     return Settle(Must(h, t.alice, Redeem(t.north_init, 20)),
                                   "");
                   }),
      StewardField("SettlePaymentReferenceOf141Bytes", {"reference"},
                   [](FundHarness& h) {
                     Town t = FinalTown(h);
                     return Settle(Must(h, t.alice, Redeem(t.north_init, 20)),
                                   std::string(141, 'p'));
                   }),
      StewardField("RejectReasonEmpty", {"reason"},
                   [](FundHarness& h) {
                     Town t = FinalTown(h);
                     return Reject(Must(h, t.alice, Redeem(t.north_init, 20)),
                                   "");
                   }),
      OwnerField("PurposeEmpty", {"purpose"},
                 [](const Town& t) { return Redeem(t.north_init, 5, ""); }),
      OwnerField("PurposeOf501Bytes", {"purpose"},
                 [](const Town& t) {
                   return Redeem(t.north_init, 5, std::string(501, 'p'));
                 }),
      OwnerField("RedeemZero", {"amount"},
                 [](const Town& t) { return Redeem(t.north_init, 0); }),
      OwnerField("ReportTextEmpty", {"text", "report"},
                 [](const Town& t) { return Report(t.north_init, ""); }),
      OwnerField("ReportTextOf10001Bytes", {"text", "report"},
                 [](const Town& t) {
                   return Report(t.north_init, std::string(10'001, 'r'));
                 }),
      OwnerField("AttachmentsHashOf31Bytes", {"attachment", "sha"},
                 [](const Town& t) {
                   return Report(t.north_init, "Done.", std::string(31, 'h'));
                 }),
      OwnerField("AttachmentsHashOf33Bytes", {"attachment", "sha"},
                 [](const Town& t) {
                   return Report(t.north_init, "Done.", std::string(33, 'h'));
                 }),
      {"AwardZero",
       StatusCode::kInvalidArgument,
       {"amount"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Award(t.round, t.south_init, 0));
       }},
      {"WithdrawZero",
       StatusCode::kInvalidArgument,
       {"amount"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 5));
         return h.Sign(t.alice,
                       FundHarness::Withdraw(t.round, t.south_init, 0));
       }},
      StewardField("AllowanceZero", {"allowance"},
                   [](FundHarness& h) {
                     return OpenRoundBody(0, h.now_ms, h.now_ms + kHourMs);
                   }),
      StewardField("AllowanceOver10To12", {"allowance"},
                   [](FundHarness& h) {
                     return OpenRoundBody(1'000'000'000'001, h.now_ms,
                                          h.now_ms + kHourMs);
                   }),
      StewardField("CreditValueZero", {"value", "cents"},
                   [](FundHarness& h) {
                     return OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs,
                                          100, 10, /*cents=*/0);
                   }),
      StewardField("MaxSharePercentZero", {"share"},
                   [](FundHarness& h) {
                     return OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs, 0);
                   }),
      StewardField("MaxSharePercent101", {"share"},
                   [](FundHarness& h) {
                     return OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs,
                                          101);
                   }),
      StewardField("RoundClosesBeforeOpening", {"open", "clos"},
                   [](FundHarness& h) {
                     return OpenRoundBody(100, h.now_ms + 2 * kHourMs,
                                          h.now_ms + kHourMs);
                   }),
      StewardField("RoundClosesAtOpening", {"open", "clos"},
                   [](FundHarness& h) {
                     return OpenRoundBody(100, h.now_ms + kHourMs,
                                          h.now_ms + kHourMs);
                   }),
      // Fields are checked before the role: a resident's malformed steward
      // payload is malformed first.
      {"FieldsCheckedBeforeRole",
       StatusCode::kInvalidArgument,
       {"key"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.mutable_enroll_resident()->mutable_key()->resize(31);
         return h.Sign(alice, body);
       }},
  };
}

// Step 8: the signer lacks the role.
RefusalCase NotSteward(
    std::string name,
    std::function<v1::TxBody(FundHarness&, const Town&)> make) {
  return {std::move(name),
          StatusCode::kPermissionDenied,
          {"steward"},
          [make](FundHarness& h) {
            Town t = FinalTown(h);
            return h.Sign(t.alice, make(h, t));
          }};
}

std::vector<RefusalCase> RoleCases() {
  const std::vector<std::string> resident = {"resident", "enrolled"};
  const std::vector<std::string> owner = {"owner"};
  return {
      NotSteward("EnrollByResident",
                 [](FundHarness&, const Town&) {
                   return FundHarness::Enroll(NewKey(), "north");
                 }),
      NotSteward("RevokeByResident",
                 [](FundHarness&, const Town& t) {
                   return Revoke(t.bob.public_key());
                 }),
      NotSteward("OpenRoundByResident",
                 [](FundHarness& h, const Town&) {
                   return OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs);
                 }),
      NotSteward(
          "SuspendByResident",
          [](FundHarness&, const Town& t) { return Suspend(t.south_init); }),
      NotSteward("ReinstateByResident",
                 [](FundHarness& h, const Town& t) {
                   Must(h, h.steward(), Suspend(t.south_init));
                   return Reinstate(t.south_init);
                 }),
      NotSteward("SettleByResident",
                 [](FundHarness& h, const Town& t) {
                   return Settle(Must(h, t.alice, Redeem(t.north_init, 20)));
                 }),
      NotSteward("RejectByResident",
                 [](FundHarness& h, const Town& t) {
                   return Reject(Must(h, t.alice, Redeem(t.north_init, 20)));
                 }),
      {"CloseRoundByResident",
       StatusCode::kPermissionDenied,
       {"steward"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         h.now_ms += kHourMs;
         return h.Sign(t.alice, FundHarness::CloseRound(t.round));
       }},
      {"EnrollByUnknownKey",
       StatusCode::kPermissionDenied,
       {"steward"},
       [](FundHarness& h) {
         SecretKey stranger = SecretKey::Generate();
         return h.Sign(stranger, FundHarness::Enroll(NewKey(), "north"));
       }},
      {"EnrollByCouncil",
       StatusCode::kPermissionDenied,
       {"steward"},
       [](FundHarness& h) {
         return h.Sign(h.council(), FundHarness::Enroll(NewKey(), "north"));
       }},
      {"EnrollByLogKey",
       StatusCode::kPermissionDenied,
       {"steward"},
       [](FundHarness& h) {
         return h.Sign(h.log_key(), FundHarness::Enroll(NewKey(), "north"));
       }},
      {"OpenRoundByUnknownKey",
       StatusCode::kPermissionDenied,
       {"steward"},
       [](FundHarness& h) {
         SecretKey stranger = SecretKey::Generate();
         return h.Sign(stranger,
                       OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs));
       }},
      {"ProposeByUnknownKey", StatusCode::kPermissionDenied, resident,
       [](FundHarness& h) {
         SecretKey stranger = SecretKey::Generate();
         return h.Sign(stranger, Proposal());
       }},
      {"ProposeBySteward", StatusCode::kPermissionDenied, resident,
       [](FundHarness& h) { return h.Sign(h.steward(), Proposal()); }},
      {"ProposeByRevokedKey",
       StatusCode::kPermissionDenied,
       {"resident", "enrolled", "revoked"},
       [](FundHarness& h) {
         SecretKey gone = RevokedResident(h);
         return h.Sign(gone, Proposal());
       }},
      {"AwardByUnknownKey", StatusCode::kPermissionDenied, resident,
       [](FundHarness& h) {
         Town t = OpenTown(h);
         SecretKey stranger = SecretKey::Generate();
         return h.Sign(stranger, FundHarness::Award(t.round, t.north_init, 1));
       }},
      {"AwardBySteward", StatusCode::kPermissionDenied, resident,
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(h.steward(),
                       FundHarness::Award(t.round, t.north_init, 1));
       }},
      {"AwardByRevokedKey",
       StatusCode::kPermissionDenied,
       {"resident", "enrolled", "revoked"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, h.steward(), Revoke(t.alice.public_key()));
         return h.Sign(t.alice, FundHarness::Award(t.round, t.south_init, 1));
       }},
      // The old key of a replaced resident speaks for nobody: its awards
      // belong to the replacement now.
      {"WithdrawByReplacedKey",
       StatusCode::kPermissionDenied,
       {"resident", "enrolled", "revoked"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 10));
         SecretKey next = SecretKey::Generate();
         Must(h, h.steward(),
              Revoke(t.alice.public_key(), KeyStr(next.public_key())));
         return h.Sign(t.alice,
                       FundHarness::Withdraw(t.round, t.south_init, 10));
       }},
      {"RedeemByNonOwner", StatusCode::kPermissionDenied, owner,
       [](FundHarness& h) {
         Town t = FinalTown(h);
         return h.Sign(t.bob, Redeem(t.north_init, 5));
       }},
      {"RedeemBySteward", StatusCode::kPermissionDenied, resident,
       [](FundHarness& h) {
         Town t = FinalTown(h);
         return h.Sign(h.steward(), Redeem(t.north_init, 5));
       }},
      {"RedeemByReplacedOwnerKey",
       StatusCode::kPermissionDenied,
       {"owner", "revoked", "resident"},
       [](FundHarness& h) {
         Town t = FinalTown(h);
         SecretKey next = SecretKey::Generate();
         Must(h, h.steward(),
              Revoke(t.alice.public_key(), KeyStr(next.public_key())));
         return h.Sign(t.alice, Redeem(t.north_init, 5));
       }},
      {"ReportByNonOwner", StatusCode::kPermissionDenied, owner,
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.bob, Report(t.north_init));
       }},
      {"ReportByUnknownKey",
       StatusCode::kPermissionDenied,
       {"owner", "resident", "enrolled"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         SecretKey stranger = SecretKey::Generate();
         return h.Sign(stranger, Report(t.north_init));
       }},
      // The role is checked before what the payload names.
      {"RoleCheckedBeforeExistence",
       StatusCode::kPermissionDenied,
       {"steward"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         return h.Sign(alice, FundHarness::CloseRound(999));
       }},
  };
}

// Step 9: what the payload names does not exist.
std::vector<RefusalCase> NotFoundCases() {
  return {
      {"CloseUnknownRound",
       StatusCode::kNotFound,
       {"round"},
       [](FundHarness& h) {
         return h.Sign(h.steward(), FundHarness::CloseRound(999));
       }},
      // Ids are entry indexes: an initiative's id is not a round's.
      {"CloseRoundWithInitiativeId",
       StatusCode::kNotFound,
       {"round"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(h.steward(), FundHarness::CloseRound(t.north_init));
       }},
      {"AwardUnknownRound",
       StatusCode::kNotFound,
       {"round"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Award(999, t.south_init, 1));
       }},
      {"AwardUnknownInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Award(t.round, 999, 1));
       }},
      {"AwardToRoundIdAsInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Award(t.round, t.round, 1));
       }},
      {"WithdrawUnknownInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Withdraw(t.round, 999, 1));
       }},
      {"WithdrawUnknownRound",
       StatusCode::kNotFound,
       {"round"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Withdraw(999, t.south_init, 1));
       }},
      {"SuspendUnknownInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) { return h.Sign(h.steward(), Suspend(999)); }},
      {"ReinstateUnknownInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) { return h.Sign(h.steward(), Reinstate(999)); }},
      {"RedeemUnknownInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) {
         Town t = FinalTown(h);
         return h.Sign(t.alice, Redeem(999, 1));
       }},
      {"ReportUnknownInitiative",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, Report(999));
       }},
      {"SettleUnknownRequest",
       StatusCode::kNotFound,
       {"request", "redemption"},
       [](FundHarness& h) { return h.Sign(h.steward(), Settle(999)); }},
      {"RejectUnknownRequest",
       StatusCode::kNotFound,
       {"request", "redemption"},
       [](FundHarness& h) { return h.Sign(h.steward(), Reject(999)); }},
      {"SettleInitiativeIdAsRequest",
       StatusCode::kNotFound,
       {"request", "redemption"},
       [](FundHarness& h) {
         Town t = FinalTown(h);
         return h.Sign(h.steward(), Settle(t.north_init));
       }},
      {"RevokeUnknownKey",
       StatusCode::kNotFound,
       {"resident", "key"},
       [](FundHarness& h) { return h.Sign(h.steward(), Revoke(NewKey())); }},
      {"RevokeStewardKey",
       StatusCode::kNotFound,
       {"resident", "key"},
       [](FundHarness& h) {
         return h.Sign(h.steward(), Revoke(h.steward().public_key()));
       }},
      // What the payload names is checked before the fund rules: the round
      // is closed, but the initiative does not exist at all.
      {"ExistenceCheckedBeforeRule",
       StatusCode::kNotFound,
       {"initiative"},
       [](FundHarness& h) {
         Town t = FinalTown(h);
         return h.Sign(t.alice, FundHarness::Award(t.round, 999, 1));
       }},
  };
}

std::vector<RefusalCase> AlreadyExistsCases() {
  return {
      {"EnrollKnownKey",
       StatusCode::kAlreadyExists,
       {"key", "already"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         return h.Sign(h.steward(),
                       FundHarness::Enroll(alice.public_key(), "south"));
       }},
      {"EnrollRevokedKey",
       StatusCode::kAlreadyExists,
       {"key", "already"},
       [](FundHarness& h) {
         SecretKey gone = RevokedResident(h);
         return h.Sign(h.steward(),
                       FundHarness::Enroll(gone.public_key(), "north"));
       }},
      {"ReplacementKeyOfAnotherResident",
       StatusCode::kAlreadyExists,
       {"key", "already", "replacement"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         SecretKey bob = h.EnrollNew("north");
         return h.Sign(h.steward(),
                       Revoke(alice.public_key(), KeyStr(bob.public_key())));
       }},
      {"ReplacementKeyIsTheRevokedKey",
       StatusCode::kAlreadyExists,
       {"key", "already", "replacement"},
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         return h.Sign(h.steward(),
                       Revoke(alice.public_key(), KeyStr(alice.public_key())));
       }},
      {"ReplacementKeyRevokedBefore",
       StatusCode::kAlreadyExists,
       {"key", "already", "replacement"},
       [](FundHarness& h) {
         SecretKey gone = RevokedResident(h);
         SecretKey alice = h.EnrollNew("north");
         return h.Sign(h.steward(),
                       Revoke(alice.public_key(), KeyStr(gone.public_key())));
       }},
  };
}

// Step 10: the fund rules.
RefusalCase Rule(std::string name, std::vector<std::string> words,
                 std::function<Bytes(FundHarness&)> setup) {
  return {std::move(name), StatusCode::kFailedPrecondition, std::move(words),
          std::move(setup)};
}

std::vector<RefusalCase> RuleCases() {
  const std::vector<std::string> window = {"window", "awards from", "closes at",
                                           "until"};
  const std::vector<std::string> balance = {"balance", "exceed", "allowance"};
  const std::vector<std::string> cap = {"share", "cap", "at most"};
  return {
      Rule("GenesisTwice", {"genesis"},
           [](FundHarness& h) {
             v1::TxBody body;
             v1::Genesis* g = body.mutable_genesis();
             g->set_origin(kOrigin);
             g->set_fund_name("Second fund");
             g->set_currency_name("Uuro");
             g->add_steward_keys(KeyStr(h.steward().public_key()));
             g->set_log_verifier_key(FormatVerifierKey(
                 *MakeVerifier(kOrigin, h.log_key().public_key())));
             g->set_format_version(fund::kFormatVersion);
             g->set_min_district_size(1);
             return h.Sign(h.log_key(), body);
           }),
      Rule("RevokeTwice", {"revoked"},
           [](FundHarness& h) {
             SecretKey gone = RevokedResident(h);
             return h.Sign(h.steward(), Revoke(gone.public_key()));
           }),
      Rule("RevokeReplacedKey", {"revoked"},
           [](FundHarness& h) {
             SecretKey alice = h.EnrollNew("north");
             SecretKey next = SecretKey::Generate();
             Must(h, h.steward(),
                  Revoke(alice.public_key(), KeyStr(next.public_key())));
             return h.Sign(h.steward(), Revoke(alice.public_key()));
           }),
      Rule("OpenRoundWhileOneIsOpen", {"open"},
           [](FundHarness& h) {
             h.OpenRound(100);
             return h.Sign(h.steward(),
                           OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs));
           }),
      // The rules must be logged before any award, so a round cannot close
      // before the entry that opens it.
      Rule("RoundClosingAtEntryTime", {"clos", "time"},
           [](FundHarness& h) {
             return h.Sign(h.steward(), OpenRoundBody(100, kStartMs, h.now_ms));
           }),
      Rule("CloseBeforeClosingTime", window,
           [](FundHarness& h) {
             Town t = OpenTown(h);
             h.now_ms += kHourMs - 1;
             return h.Sign(h.steward(), FundHarness::CloseRound(t.round));
           }),
      Rule("CloseClosedRound", {"closed"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             return h.Sign(h.steward(), FundHarness::CloseRound(t.round));
           }),
      Rule("AwardBeforeOpensAt", window,
           [](FundHarness& h) {
             SecretKey alice = h.EnrollNew("north");
             uint64_t init = h.Propose(h.EnrollNew("south"), "south");
             uint64_t round =
                 Must(h, h.steward(),
                      OpenRoundBody(100, h.now_ms + 1000, h.now_ms + kHourMs));
             h.now_ms += 999;
             return h.Sign(alice, FundHarness::Award(round, init, 1));
           }),
      Rule("AwardAtClosesAt", window,
           [](FundHarness& h) {
             Town t = OpenTown(h);
             h.now_ms += kHourMs;
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, 1));
           }),
      Rule("AwardToClosedRound", {"closed", "open"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, 1));
           }),
      // Round 1 is closed while round 2 is open: the closed one stays closed.
      Rule("AwardToEarlierRoundWhileAnotherIsOpen", {"closed", "open"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             h.OpenRound(100);
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, 1));
           }),
      Rule("AwardOverBalance", balance,
           [](FundHarness& h) {
             Town t = OpenTown(h);
             uint64_t third = h.Propose(t.bob, "south");
             Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 50));
             Must(h, t.alice, FundHarness::Award(t.round, third, 40));
             uint64_t fourth = h.Propose(t.bob, "south");
             return h.Sign(t.alice, FundHarness::Award(t.round, fourth, 11));
           }),
      // Net awarded counts: a withdrawal gives balance back, but only that.
      Rule("AwardOverBalanceAfterWithdrawal", balance,
           [](FundHarness& h) {
             Town t = OpenTown(h);
             uint64_t third = h.Propose(t.bob, "south");
             uint64_t fourth = h.Propose(t.bob, "south");
             Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 50));
             Must(h, t.alice, FundHarness::Award(t.round, third, 50));
             Must(h, t.alice, FundHarness::Withdraw(t.round, third, 20));
             return h.Sign(t.alice, FundHarness::Award(t.round, fourth, 21));
           }),
      Rule("AwardOverShareCap", cap,
           [](FundHarness& h) {
             Town t = OpenTown(h);  // Cap 50 of 100.
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, 51));
           }),
      Rule("AwardOverShareCapInTwoSteps", cap,
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 30));
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, 21));
           }),
      // 10 * 33 / 100 = 3.3, rounded down to 3.
      Rule("AwardOverShareCapRoundedDown", cap,
           [](FundHarness& h) {
             SecretKey alice = h.EnrollNew("north");
             uint64_t init = h.Propose(h.EnrollNew("south"), "south");
             uint64_t round = h.OpenRound(10, 33);
             Must(h, alice, FundHarness::Award(round, init, 3));
             return h.Sign(alice, FundHarness::Award(round, init, 1));
           }),
      // The sums must not wrap: 1 + (2^64 - 1) is not 0.
      Rule("AwardThatWouldOverflow",
           {"balance", "exceed", "cap", "share", "overflow", "allowance",
            "asked"},
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 1));
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, kMax64));
           }),
      // Unless the round allows it (round_rules_test covers both ways).
      Rule("AwardOwnInitiative", {"own initiative"},
           [](FundHarness& h) {
             Town t = OpenTown(h);
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.north_init, 5));
           }),
      Rule("AwardToSuspendedInitiative", {"suspended"},
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, h.steward(), Suspend(t.south_init));
             return h.Sign(t.alice,
                           FundHarness::Award(t.round, t.south_init, 1));
           }),
      Rule("WithdrawMoreThanAwarded", {"award", "withdraw"},
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 10));
             return h.Sign(t.alice,
                           FundHarness::Withdraw(t.round, t.south_init, 11));
           }),
      Rule("WithdrawWithoutAward", {"award", "withdraw"},
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, t.bob, FundHarness::Award(t.round, t.north_init, 10));
             return h.Sign(t.alice,
                           FundHarness::Withdraw(t.round, t.north_init, 1));
           }),
      Rule("WithdrawAtClosesAt", window,
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 10));
             h.now_ms += kHourMs;
             return h.Sign(t.alice,
                           FundHarness::Withdraw(t.round, t.south_init, 1));
           }),
      Rule("WithdrawAfterClose", {"closed", "final", "open"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             return h.Sign(t.alice,
                           FundHarness::Withdraw(t.round, t.south_init, 1));
           }),
      Rule("RedeemOverBalance", {"balance"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             return h.Sign(t.alice, Redeem(t.north_init, 51));
           }),
      // Pending requests hold their credits.
      Rule("RedeemOverBalanceCountingPending", {"balance"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             Must(h, t.alice, Redeem(t.north_init, 45));
             return h.Sign(t.alice, Redeem(t.north_init, 6));
           }),
      Rule("RedeemOverBalanceCountingRedeemed", {"balance"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             Must(h, t.alice, Redeem(t.north_init, 10));
             return h.Sign(t.alice, Redeem(t.north_init, 41));
           }),
      // Awards of a round still open may be withdrawn, so they cannot be
      // redeemed yet.
      Rule("RedeemCreditsOfOpenRound", {"balance", "open", "final"},
           [](FundHarness& h) {
             Town t = OpenTown(h);
             Must(h, t.bob, FundHarness::Award(t.round, t.north_init, 50));
             return h.Sign(t.alice, Redeem(t.north_init, 1));
           }),
      Rule("RedeemFromSuspendedInitiative", {"suspended"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             Must(h, h.steward(), Suspend(t.north_init));
             return h.Sign(t.alice, Redeem(t.north_init, 5));
           }),
      Rule("SettleRequestSettledByRule", {"pending"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             uint64_t request = Must(h, t.alice, Redeem(t.north_init, 10));
             return h.Sign(h.steward(), Settle(request));
           }),
      Rule("SettleTwice", {"pending"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             uint64_t request = Must(h, t.alice, Redeem(t.north_init, 20));
             Must(h, h.steward(), Settle(request));
             return h.Sign(h.steward(), Settle(request, "PAY-2"));
           }),
      Rule("SettleRejected", {"pending"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             uint64_t request = Must(h, t.alice, Redeem(t.north_init, 20));
             Must(h, h.steward(), Reject(request));
             return h.Sign(h.steward(), Settle(request));
           }),
      Rule("RejectSettled", {"pending"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             uint64_t request = Must(h, t.alice, Redeem(t.north_init, 20));
             Must(h, h.steward(), Settle(request));
             return h.Sign(h.steward(), Reject(request));
           }),
      Rule("RejectSettledByRule", {"pending"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             uint64_t request = Must(h, t.alice, Redeem(t.north_init, 5));
             return h.Sign(h.steward(), Reject(request));
           }),
      Rule("RejectTwice", {"pending"},
           [](FundHarness& h) {
             Town t = FinalTown(h);
             uint64_t request = Must(h, t.alice, Redeem(t.north_init, 20));
             Must(h, h.steward(), Reject(request));
             return h.Sign(h.steward(), Reject(request, "Again"));
           }),
      Rule("SuspendTwice", {"suspended"},
           [](FundHarness& h) {
             uint64_t init = h.Propose(h.EnrollNew("north"));
             Must(h, h.steward(), Suspend(init));
             return h.Sign(h.steward(), Suspend(init, "Still under review"));
           }),
      Rule("ReinstateActive", {"active", "suspended"},
           [](FundHarness& h) {
             uint64_t init = h.Propose(h.EnrollNew("north"));
             return h.Sign(h.steward(), Reinstate(init));
           }),
  };
}

std::vector<RefusalCase> AllRefusalCases() {
  std::vector<RefusalCase> all;
  for (auto part : {EnvelopeCases(), FieldCases(), RoleCases(), NotFoundCases(),
                    AlreadyExistsCases(), RuleCases()}) {
    for (RefusalCase& c : part) all.push_back(std::move(c));
  }
  return all;
}

class RefusalTest : public ::testing::TestWithParam<RefusalCase> {};

TEST_P(RefusalTest, RefusedWithDocumentedCodeAndChangesNothing) {
  const RefusalCase& c = GetParam();
  FundHarness h;
  Bytes envelope = c.setup(h);
  ASSERT_FALSE(HasFailure()) << "the setup failed";
  Hash digest = h.Digest();
  uint64_t size = h.store().size();

  absl::StatusOr<fund::ApplyResult> result = h.SubmitEnvelope(envelope);
  ASSERT_FALSE(result.ok()) << "accepted as entry " << result->index;
  EXPECT_EQ(result.status().code(), c.code) << result.status();
  EXPECT_FALSE(result.status().message().empty());
  EXPECT_TRUE(MentionsAny(result.status().message(), c.words))
      << "\"" << result.status().message()
      << "\" mentions none of: " << Join(c.words);
  EXPECT_EQ(h.Digest(), digest);
  EXPECT_EQ(h.store().size(), size);
}

INSTANTIATE_TEST_SUITE_P(FundRules, RefusalTest,
                         ::testing::ValuesIn(AllRefusalCases()),
                         [](const ::testing::TestParamInfo<RefusalCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------
// Genesis and the empty log, on a store of our own: the harness starts after
// genesis.

struct GenesisCase {
  std::string name;
  StatusCode code;
  std::vector<std::string> words;
  // Edits a valid genesis body; `log` is the key that signs it.
  std::function<void(v1::TxBody&, const SecretKey& log)> edit;
  bool sign_with_other_key = false;
};

void PrintTo(const GenesisCase& c, std::ostream* os) { *os << c.name; }

v1::TxBody ValidGenesis(const SecretKey& log, const SecretKey& steward) {
  v1::TxBody body;
  body.set_origin(kOrigin);
  body.set_nonce(0);
  body.set_expires_at_ms(kStartMs + kHourMs);
  v1::Genesis* g = body.mutable_genesis();
  g->set_origin(kOrigin);
  g->set_fund_name("Test fund");
  g->set_currency_name("Uuro");
  g->add_steward_keys(KeyStr(steward.public_key()));
  g->add_council_keys(KeyStr(NewKey()));
  g->set_log_verifier_key(
      FormatVerifierKey(*MakeVerifier(kOrigin, log.public_key())));
  g->set_format_version(fund::kFormatVersion);
  g->set_min_district_size(1);
  return body;
}

std::vector<GenesisCase> GenesisCases() {
  using Body = v1::TxBody;
  using Key = SecretKey;
  return {
      {"EnrollBeforeGenesis",
       StatusCode::kFailedPrecondition,
       {"genesis"},
       [](Body& b, const Key&) {
         b = FundHarness::Enroll(NewKey(), "north");
         b.set_origin(kOrigin);
         b.set_expires_at_ms(kStartMs + kHourMs);
       }},
      {"NoStewardKey",
       StatusCode::kInvalidArgument,
       {"steward"},
       [](Body& b, const Key&) { b.mutable_genesis()->clear_steward_keys(); }},
      {"StewardKeyOf31Bytes",
       StatusCode::kInvalidArgument,
       {"key", "steward"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->mutable_steward_keys(0)->resize(31);
       }},
      {"CouncilKeyOf31Bytes",
       StatusCode::kInvalidArgument,
       {"key", "council"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->mutable_council_keys(0)->resize(31);
       }},
      {"DuplicateCouncilKeys",
       StatusCode::kInvalidArgument,
       {"duplicate", "council"},
       [](Body& b, const Key&) {
         std::string again = b.genesis().council_keys(0);
         b.mutable_genesis()->add_council_keys(again);
       }},
      {"DuplicateStewardKeys",
       StatusCode::kInvalidArgument,
       {"duplicate", "steward"},
       [](Body& b, const Key&) {
         std::string again = b.genesis().steward_keys(0);
         b.mutable_genesis()->add_steward_keys(again);
       }},
      {"GenesisOriginDiffersFromBody",
       StatusCode::kInvalidArgument,
       {"origin", "ledger"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->set_origin("other.example/fund");
       }},
      {"OriginWithSpace",
       StatusCode::kInvalidArgument,
       {"origin", "ledger"},
       [](Body& b, const Key&) {
         b.set_origin("test fund");
         b.mutable_genesis()->set_origin("test fund");
       }},
      {"OriginOf256Bytes",
       StatusCode::kInvalidArgument,
       {"origin", "ledger"},
       [](Body& b, const Key&) {
         b.set_origin(std::string(256, 'o'));
         b.mutable_genesis()->set_origin(std::string(256, 'o'));
       }},
      {"FundNameEmpty",
       StatusCode::kInvalidArgument,
       {"name"},
       [](Body& b, const Key&) { b.mutable_genesis()->set_fund_name(""); }},
      {"FundNameOf121Bytes",
       StatusCode::kInvalidArgument,
       {"name"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->set_fund_name(std::string(121, 'f'));
       }},
      {"CurrencyNameOf33Bytes",
       StatusCode::kInvalidArgument,
       {"currency", "name"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->set_currency_name(std::string(33, 'c'));
       }},
      {"VerifierKeyGarbage",
       StatusCode::kInvalidArgument,
       {"verifier", "key"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->set_log_verifier_key("not a key");
       }},
      {"FormatVersionOfOlderRules",
       StatusCode::kInvalidArgument,
       {"format version"},
       [](Body& b, const Key&) { b.mutable_genesis()->set_format_version(1); }},
      {"CouncilQuorumAboveCouncilKeys",
       StatusCode::kInvalidArgument,
       {"quorum"},
       [](Body& b, const Key&) { b.mutable_genesis()->set_council_quorum(2); }},
      {"MinDistrictSizeZero",
       StatusCode::kInvalidArgument,
       {"minimum district size"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->set_min_district_size(0);
       }},
      {"DistrictNamedTwice",
       StatusCode::kInvalidArgument,
       {"district", "twice"},
       [](Body& b, const Key&) {
         b.mutable_genesis()->add_districts("north");
         b.mutable_genesis()->add_districts("north");
       }},
      {"StewardKeyAlsoCouncilKey",
       StatusCode::kInvalidArgument,
       {"steward", "council"},
       [](Body& b, const Key&) {
         std::string steward = b.genesis().steward_keys(0);
         b.mutable_genesis()->add_council_keys(steward);
       }},
      // Genesis is signed by the log key it names, so nobody else can start
      // a ledger in the log's name.
      {"SignedByKeyItDoesNotName",
       StatusCode::kPermissionDenied,
       {"log", "key", "genesis", "sign"},
       [](Body&, const Key&) {},
       /*sign_with_other_key=*/true},
  };
}

class GenesisRefusalTest : public ::testing::TestWithParam<GenesisCase> {};

TEST_P(GenesisRefusalTest, RefusedOnEmptyLog) {
  const GenesisCase& c = GetParam();
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<LogStore>> store =
      CreateRocksLogStore(dir.Sub("ledger"));
  ASSERT_TRUE(store.ok()) << store.status();
  fund::StoreStateReader committed(**store);
  SecretKey log = SecretKey::Generate();
  SecretKey steward = SecretKey::Generate();
  SecretKey other = SecretKey::Generate();
  v1::TxBody body = ValidGenesis(log, steward);
  c.edit(body, log);
  Bytes envelope =
      fund::SignEnvelope(c.sign_with_other_key ? other : log, body);
  absl::StatusOr<Hash> digest = fund::StateDigest(**store);
  ASSERT_TRUE(digest.ok()) << digest.status();

  absl::StatusOr<fund::VerifiedTx> tx = fund::DecodeEnvelope(envelope);
  ASSERT_TRUE(tx.ok()) << tx.status();
  fund::BatchApplier applier(committed, 0);
  absl::StatusOr<fund::ApplyResult> result = applier.Apply(*tx, kStartMs);
  ASSERT_FALSE(result.ok()) << "accepted as entry " << result->index;
  EXPECT_EQ(result.status().code(), c.code) << result.status();
  EXPECT_TRUE(MentionsAny(result.status().message(), c.words))
      << "\"" << result.status().message()
      << "\" mentions none of: " << Join(c.words);
  // A refusal stages nothing.
  EXPECT_EQ(applier.next_index(), 0u);
  AppendBatch batch = applier.TakeBatch();
  EXPECT_TRUE(batch.entries.empty());
  EXPECT_TRUE(batch.state.empty());
  EXPECT_EQ((*store)->size(), 0u);
  absl::StatusOr<Hash> after = fund::StateDigest(**store);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *digest);
}

INSTANTIATE_TEST_SUITE_P(FundRules, GenesisRefusalTest,
                         ::testing::ValuesIn(GenesisCases()),
                         [](const ::testing::TestParamInfo<GenesisCase>& info) {
                           return info.param.name;
                         });

TEST(GenesisTest, ValidGenesisIsAcceptedOnEmptyLog) {
  // The control for GenesisRefusalTest: unedited, the same body passes.
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<LogStore>> store =
      CreateRocksLogStore(dir.Sub("ledger"));
  ASSERT_TRUE(store.ok()) << store.status();
  fund::StoreStateReader committed(**store);
  SecretKey log = SecretKey::Generate();
  SecretKey steward = SecretKey::Generate();
  absl::StatusOr<fund::VerifiedTx> tx =
      fund::DecodeEnvelope(fund::SignEnvelope(log, ValidGenesis(log, steward)));
  ASSERT_TRUE(tx.ok()) << tx.status();
  fund::BatchApplier applier(committed, 0);
  absl::StatusOr<fund::ApplyResult> result = applier.Apply(*tx, kStartMs);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->index, 0u);
  EXPECT_FALSE(result->duplicate);
  v1::FundRecord fund = Read(fund::ReadFund(applier.state()));
  EXPECT_EQ(fund.origin(), kOrigin);
  EXPECT_EQ(fund.entries(), 1u);
  ASSERT_EQ(fund.steward_keys_size(), 1);
  EXPECT_EQ(fund.steward_keys(0), KeyStr(steward.public_key()));
}

// ---------------------------------------------------------------------------
// The edges of each limit are inside it: the refusals above are exact.

struct AcceptCase {
  std::string name;
  std::function<Bytes(FundHarness&)> setup;
};

void PrintTo(const AcceptCase& c, std::ostream* os) { *os << c.name; }

// Defines a district of 32 bytes, the longest a name may be.
std::string DefineLongDistrict(FundHarness& h) {
  std::string name(32, 'd');
  v1::TxBody body;
  body.mutable_define_districts()->add_names(name);
  Must(h, h.steward(), body);
  return name;
}

AcceptCase Proposing(std::string name,
                     std::function<void(v1::ProposeInitiative&)> edit) {
  return {std::move(name), [edit](FundHarness& h) {
            DefineLongDistrict(h);
            SecretKey alice = h.EnrollNew("north");
            v1::TxBody body = Proposal();
            edit(*body.mutable_propose_initiative());
            return h.Sign(alice, body);
          }};
}

std::vector<AcceptCase> AcceptCases() {
  return {
      Proposing("TitleOf120Bytes",
                [](auto& p) { p.set_title(std::string(120, 't')); }),
      // Limits are in bytes: 60 two-byte letters fill a title.
      Proposing("TitleOf60TwoByteLetters",
                [](auto& p) {
                  std::string title;
                  for (int i = 0; i < 60; ++i) title += "\xc3\xa4";
                  p.set_title(title);
                }),
      Proposing("SummaryOf2000BytesWithNewlines",
                [](auto& p) {
                  std::string summary;
                  while (summary.size() < 2000) summary += "Line\n";
                  p.set_summary(summary.substr(0, 2000));
                }),
      Proposing("SummaryEmpty", [](auto& p) { p.set_summary(""); }),
      Proposing("FiveLinksOf500Bytes",
                [](auto& p) {
                  p.clear_links();
                  for (int i = 0; i < 5; ++i) {
                    p.add_links("https://" + std::string(491, 'a') +
                                std::to_string(i));
                  }
                }),
      Proposing("NoLinks", [](auto& p) { p.clear_links(); }),
      Proposing("HttpLink",
                [](auto& p) { p.set_links(0, "http://example.org"); }),
      Proposing("DistrictOf32Bytes",
                [](auto& p) { p.set_district(std::string(32, 'd')); }),
      {"EnrollDistrictOf32Bytes",
       [](FundHarness& h) {
         return h.Sign(h.steward(),
                       FundHarness::Enroll(NewKey(), DefineLongDistrict(h)));
       }},
      {"ExpiryOneMsAfterEntry",
       [](FundHarness& h) {
         v1::TxBody body = FundHarness::Enroll(NewKey(), "north");
         body.set_expires_at_ms(h.now_ms + 1);
         return h.Sign(h.steward(), body);
       }},
      {"SuspendReasonOf500Bytes",
       [](FundHarness& h) {
         uint64_t init = h.Propose(h.EnrollNew("north"));
         return h.Sign(h.steward(), Suspend(init, std::string(500, 'r')));
       }},
      {"ReinstateSuspended",
       [](FundHarness& h) {
         uint64_t init = h.Propose(h.EnrollNew("north"));
         Must(h, h.steward(), Suspend(init));
         return h.Sign(h.steward(), Reinstate(init));
       }},
      {"AllowanceOf10To12",
       [](FundHarness& h) {
         return h.Sign(h.steward(), OpenRoundBody(1'000'000'000'000, h.now_ms,
                                                  h.now_ms + kHourMs));
       }},
      {"MaxSharePercentOne",
       [](FundHarness& h) {
         return h.Sign(h.steward(),
                       OpenRoundBody(100, h.now_ms, h.now_ms + kHourMs, 1));
       }},
      {"RoundOpeningInTheFuture",
       [](FundHarness& h) {
         return h.Sign(h.steward(), OpenRoundBody(100, h.now_ms + kHourMs,
                                                  h.now_ms + 2 * kHourMs));
       }},
      {"AwardAtOpensAt",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         return h.Sign(t.alice, FundHarness::Award(t.round, t.south_init, 1));
       }},
      {"AwardAtLastMsOfWindow",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         h.now_ms += kHourMs - 1;
         return h.Sign(t.alice, FundHarness::Award(t.round, t.south_init, 1));
       }},
      {"AwardExactlyShareCap",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 20));
         return h.Sign(t.alice, FundHarness::Award(t.round, t.south_init, 30));
       }},
      {"AwardRoundedDownShareCap",
       [](FundHarness& h) {
         SecretKey alice = h.EnrollNew("north");
         uint64_t init = h.Propose(h.EnrollNew("south"), "south");
         uint64_t round = h.OpenRound(10, 33);
         return h.Sign(alice, FundHarness::Award(round, init, 3));
       }},
      {"AwardWholeRemainingBalance",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         uint64_t third = h.Propose(t.bob, "south");
         Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 50));
         return h.Sign(t.alice, FundHarness::Award(t.round, third, 50));
       }},
      {"WithdrawWholeAward",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 10));
         return h.Sign(t.alice,
                       FundHarness::Withdraw(t.round, t.south_init, 10));
       }},
      {"WithdrawFromSuspendedInitiative",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 10));
         Must(h, h.steward(), Suspend(t.south_init));
         return h.Sign(t.alice,
                       FundHarness::Withdraw(t.round, t.south_init, 4));
       }},
      {"CloseAtClosingTime",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         h.now_ms += kHourMs;
         return h.Sign(h.steward(), FundHarness::CloseRound(t.round));
       }},
      {"RedeemWholeBalance",
       [](FundHarness& h) {
         Town t = FinalTown(h);
         return h.Sign(t.alice, Redeem(t.north_init, 50));
       }},
      {"SettleWithReferenceOf140Bytes",
       [](FundHarness& h) {
         Town t = FinalTown(h);
         uint64_t request = Must(h, t.alice, Redeem(t.north_init, 20));
         return h.Sign(h.steward(), Settle(request, std::string(140, 'p')));
       }},
      {"ReportOf10000BytesWithNewlinesAndHash",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         std::string text;
         while (text.size() < 10'000) text += "Done.\n";
         return h.Sign(t.alice, Report(t.north_init, text.substr(0, 10'000),
                                       std::string(32, 'h')));
       }},
      {"ReportOnSuspendedInitiative",
       [](FundHarness& h) {
         Town t = OpenTown(h);
         Must(h, h.steward(), Suspend(t.north_init));
         return h.Sign(t.alice, Report(t.north_init));
       }},
  };
}

class AcceptTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(AcceptTest, AcceptedAndLogged) {
  FundHarness h;
  Bytes envelope = GetParam().setup(h);
  ASSERT_FALSE(HasFailure()) << "the setup failed";
  Hash digest = h.Digest();
  uint64_t size = h.store().size();
  absl::StatusOr<fund::ApplyResult> result = h.SubmitEnvelope(envelope);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->index, size);
  EXPECT_FALSE(result->duplicate);
  EXPECT_EQ(h.store().size(), size + 1);
  EXPECT_NE(h.Digest(), digest);
}

INSTANTIATE_TEST_SUITE_P(FundRules, AcceptTest,
                         ::testing::ValuesIn(AcceptCases()),
                         [](const ::testing::TestParamInfo<AcceptCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------
// Nonces and resubmission.

TEST(ReplayProtectionTest, IdenticalEnvelopeReturnsFirstIndexAndLogsNothing) {
  FundHarness h;
  Bytes first = h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north"));
  absl::StatusOr<fund::ApplyResult> applied = h.SubmitEnvelope(first);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_FALSE(applied->duplicate);
  Must(h, h.steward(), FundHarness::Enroll(NewKey(), "south"));
  h.now_ms += 1000;
  Hash digest = h.Digest();
  uint64_t size = h.store().size();

  absl::StatusOr<fund::ApplyResult> again = h.SubmitEnvelope(first);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->index, applied->index);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(h.Digest(), digest);
  EXPECT_EQ(h.store().size(), size);

  // The nonce is checked before the expiry: a client retrying late still
  // learns where its transaction went.
  h.now_ms += 2 * kHourMs;
  again = h.SubmitEnvelope(first);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->index, applied->index);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(h.Digest(), digest);
  EXPECT_EQ(h.store().size(), size);
}

TEST(ReplayProtectionTest, RefusedTransactionLeavesItsNonceUnused) {
  FundHarness h;
  Bytes refused =
      h.Sign(h.steward(), FundHarness::Enroll(NewKey(), ""), /*nonce=*/0);
  ASSERT_FALSE(h.SubmitEnvelope(refused).ok());
  absl::StatusOr<fund::ApplyResult> next = h.SubmitEnvelope(
      h.Sign(h.steward(), FundHarness::Enroll(NewKey(), "north"),
             /*nonce=*/0));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, 1u);
}

// ---------------------------------------------------------------------------
// Residents.

TEST(ResidentTest, ReplacementKeyTakesOverBalanceAwardsAndInitiatives) {
  FundHarness h;
  Town t = OpenTown(h);
  uint64_t third = h.Propose(t.bob, "south");
  uint64_t fourth = h.Propose(t.bob, "south");
  Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 30));
  Must(h, t.alice, FundHarness::Award(t.round, third, 40));
  v1::ResidentRecord before =
      Read(fund::ReadResidentByKey(h.state(), t.alice.public_key()));

  SecretKey next = SecretKey::Generate();
  Must(h, h.steward(), Revoke(t.alice.public_key(), KeyStr(next.public_key())));
  v1::ResidentRecord after =
      Read(fund::ReadResidentByKey(h.state(), next.public_key()));
  EXPECT_EQ(after.id(), before.id());
  EXPECT_EQ(after.key(), KeyStr(next.public_key()));
  EXPECT_EQ(after.district(), "north");
  EXPECT_FALSE(after.revoked());

  // The balance: 100 - 70 = 30 left, not a fresh allowance.
  EXPECT_EQ(Read(fund::ReadSpent(h.state(), t.round, after.id())), 70u);
  absl::StatusOr<fund::ApplyResult> over =
      h.Submit(next, FundHarness::Award(t.round, fourth, 31));
  EXPECT_EQ(over.status().code(), StatusCode::kFailedPrecondition);
  Must(h, next, FundHarness::Award(t.round, fourth, 30));

  // The awards: it may withdraw what the old key awarded.
  Must(h, next, FundHarness::Withdraw(t.round, t.south_init, 30));
  EXPECT_EQ(Read(fund::ReadAward(h.state(), t.round, after.id(), t.south_init)),
            0u);
  EXPECT_EQ(Read(fund::ReadSpent(h.state(), t.round, after.id())), 70u);

  // The initiatives: it is their owner now.
  EXPECT_EQ(Read(fund::ReadInitiative(h.state(), t.north_init)).owner(),
            after.id());
  Must(h, next, Report(t.north_init));

  // A replacement is the same resident: nobody new gets an allowance.
  EXPECT_EQ(Read(fund::ReadRound(h.state(), t.round)).residents(), 2u);
  EXPECT_EQ(Read(fund::ReadFund(h.state())).active_residents(), 2u);
}

TEST(ResidentTest, ReplacementOwnerRedeemsCreditsOfClosedRound) {
  FundHarness h;
  Town t = FinalTown(h);
  SecretKey next = SecretKey::Generate();
  Must(h, h.steward(), Revoke(t.alice.public_key(), KeyStr(next.public_key())));
  uint64_t request = Must(h, next, Redeem(t.north_init, 5));
  EXPECT_EQ(Read(fund::ReadRedemption(h.state(), request)).status(),
            v1::REDEMPTION_SETTLED);
}

TEST(ResidentTest, EnrolledDuringOpenRoundGetsTheAllowance) {
  FundHarness h;
  Town t = OpenTown(h);
  v1::RoundRecord round = Read(fund::ReadRound(h.state(), t.round));
  EXPECT_EQ(round.residents(), 2u);
  EXPECT_EQ(fund::RoundIssued(round), 200u);

  SecretKey carol = h.EnrollNew("north");
  round = Read(fund::ReadRound(h.state(), t.round));
  EXPECT_EQ(round.residents(), 3u);
  EXPECT_EQ(fund::RoundIssued(round), 300u);
  EXPECT_EQ(
      Read(fund::ReadDistrictRound(h.state(), t.round, "north")).residents(),
      2u);
  EXPECT_EQ(Read(fund::ReadFund(h.state())).active_residents(), 3u);

  // The whole allowance, and no more.
  uint64_t third = h.Propose(t.bob, "south");
  uint64_t fourth = h.Propose(t.bob, "south");
  Must(h, carol, FundHarness::Award(t.round, t.south_init, 50));
  Must(h, carol, FundHarness::Award(t.round, third, 50));
  EXPECT_EQ(
      h.Submit(carol, FundHarness::Award(t.round, fourth, 1)).status().code(),
      StatusCode::kFailedPrecondition);

  // Enrolled after the round closed: no allowance in it.
  CloseNow(h, t.round);
  h.EnrollNew("north");
  EXPECT_EQ(Read(fund::ReadRound(h.state(), t.round)).residents(), 3u);
}

TEST(ResidentTest, EveryActiveResidentGetsTheAllowanceOfANewRound) {
  FundHarness h;
  h.EnrollNew("north");
  h.EnrollNew("south");
  h.EnrollNew("south");
  RevokedResident(h);
  uint64_t round = h.OpenRound(100);
  EXPECT_EQ(Read(fund::ReadRound(h.state(), round)).residents(), 3u);
  EXPECT_EQ(
      Read(fund::ReadDistrictRound(h.state(), round, "south")).residents(), 2u);
  EXPECT_EQ(
      Read(fund::ReadDistrictRound(h.state(), round, "north")).residents(), 1u);
}

// ---------------------------------------------------------------------------
// Rounds.

TEST(RoundTest, UnspentAllowanceLapsesAtClose) {
  FundHarness h;
  Town t = OpenTown(h);
  Must(h, t.alice, FundHarness::Award(t.round, t.south_init, 30));
  Must(h, t.bob, FundHarness::Award(t.round, t.north_init, 50));
  Must(h, t.bob, FundHarness::Withdraw(t.round, t.north_init, 10));
  // Revoked without a replacement: the allowance it never spent lapses too.
  SecretKey carol = h.EnrollNew("north");
  Must(h, h.steward(), Revoke(carol.public_key()));
  EXPECT_EQ(Read(fund::ReadFund(h.state())).active_residents(), 2u);

  v1::InitiativeRecord north =
      Read(fund::ReadInitiative(h.state(), t.north_init));
  EXPECT_EQ(north.received_open(), 40u);
  EXPECT_EQ(north.received_final(), 0u);
  EXPECT_EQ(Read(fund::ReadRound(h.state(), t.round)).lapsed(), 0u);

  CloseNow(h, t.round);
  v1::RoundRecord round = Read(fund::ReadRound(h.state(), t.round));
  EXPECT_TRUE(round.closed());
  EXPECT_EQ(round.closed_at_ms(), h.now_ms);
  EXPECT_EQ(round.residents(), 3u);
  EXPECT_EQ(round.awarded(), 80u);
  EXPECT_EQ(round.withdrawn(), 10u);
  // (100 - 30) + (100 - 40) + (100 - 0).
  EXPECT_EQ(round.lapsed(), 230u);
  EXPECT_EQ(fund::RoundIssued(round),
            round.awarded() - round.withdrawn() + round.lapsed());

  north = Read(fund::ReadInitiative(h.state(), t.north_init));
  EXPECT_EQ(north.received_final(), 40u);
  EXPECT_EQ(north.received_open(), 0u);
  EXPECT_EQ(
      Read(fund::ReadInitiative(h.state(), t.south_init)).received_final(),
      30u);
  EXPECT_EQ(Read(fund::ReadFund(h.state())).open_round(), 0u);
}

// ---------------------------------------------------------------------------
// Redemptions.

TEST(RedemptionTest, ThresholdSettlesAtOnceAndStewardDecidesTheRest) {
  FundHarness h;
  Town t = FinalTown(h);  // north_init holds 50; the threshold is 10.

  uint64_t at = Must(h, t.alice, Redeem(t.north_init, 10));
  v1::RedemptionRecord r = Read(fund::ReadRedemption(h.state(), at));
  EXPECT_EQ(r.status(), v1::REDEMPTION_SETTLED);
  EXPECT_TRUE(r.settled_by_rule());
  EXPECT_EQ(r.amount(), 10u);
  v1::InitiativeRecord init =
      Read(fund::ReadInitiative(h.state(), t.north_init));
  EXPECT_EQ(init.redeemed(), 10u);
  EXPECT_EQ(init.pending(), 0u);
  EXPECT_EQ(fund::InitiativeBalance(init), 40u);

  uint64_t over = Must(h, t.alice, Redeem(t.north_init, 11));
  r = Read(fund::ReadRedemption(h.state(), over));
  EXPECT_EQ(r.status(), v1::REDEMPTION_PENDING);
  EXPECT_FALSE(r.settled_by_rule());
  init = Read(fund::ReadInitiative(h.state(), t.north_init));
  EXPECT_EQ(init.pending(), 11u);
  EXPECT_EQ(fund::InitiativeBalance(init), 29u);

  h.now_ms += 1000;
  Must(h, h.steward(), Settle(over, "IBAN transfer 42"));
  r = Read(fund::ReadRedemption(h.state(), over));
  EXPECT_EQ(r.status(), v1::REDEMPTION_SETTLED);
  EXPECT_FALSE(r.settled_by_rule());
  EXPECT_EQ(r.payment_reference(), "IBAN transfer 42");
  EXPECT_EQ(r.decided_at_ms(), h.now_ms);
  init = Read(fund::ReadInitiative(h.state(), t.north_init));
  EXPECT_EQ(init.redeemed(), 21u);
  EXPECT_EQ(init.pending(), 0u);
  EXPECT_EQ(fund::InitiativeBalance(init), 29u);

  uint64_t rejected = Must(h, t.alice, Redeem(t.north_init, 20));
  EXPECT_EQ(fund::InitiativeBalance(
                Read(fund::ReadInitiative(h.state(), t.north_init))),
            9u);
  Must(h, h.steward(), Reject(rejected, "No invoice attached"));
  r = Read(fund::ReadRedemption(h.state(), rejected));
  EXPECT_EQ(r.status(), v1::REDEMPTION_REJECTED);
  EXPECT_EQ(r.reject_reason(), "No invoice attached");
  init = Read(fund::ReadInitiative(h.state(), t.north_init));
  EXPECT_EQ(init.redeemed(), 21u);
  EXPECT_EQ(init.pending(), 0u);
  EXPECT_EQ(fund::InitiativeBalance(init), 29u);  // The credits came back.
  EXPECT_EQ(init.received_final(),
            init.redeemed() + init.pending() + fund::InitiativeBalance(init));

  v1::RedemptionTotals totals = Read(fund::ReadFund(h.state())).redemptions();
  EXPECT_EQ(totals.requested(), 41u);
  EXPECT_EQ(totals.settled(), 21u);
  EXPECT_EQ(totals.pending(), 0u);
  EXPECT_EQ(totals.rejected(), 20u);
}

// ---------------------------------------------------------------------------
// Totals: a small scripted scenario against numbers worked out by hand.

TEST(TotalsTest, ScriptedScenarioMatchesHandComputedTotals) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("north");
  SecretKey carol = h.EnrollNew("south");
  uint64_t n1 = h.Propose(alice, "north");
  uint64_t s1 = h.Propose(carol, "south");
  uint64_t round = h.OpenRound(100, 60, 10);
  using H = FundHarness;
  Must(h, alice, H::Award(round, s1, 50));
  Must(h, bob, H::Award(round, n1, 60));
  Must(h, bob, H::Award(round, s1, 30));
  Must(h, carol, H::Award(round, n1, 20));
  Must(h, bob, H::Withdraw(round, s1, 10));
  Must(h, alice, H::Withdraw(round, s1, 20));
  SecretKey dave = h.EnrollNew("south");
  Must(h, dave, H::Award(round, n1, 5));
  uint64_t alice_id =
      Read(fund::ReadResidentByKey(h.state(), alice.public_key())).id();
  uint64_t bob_id =
      Read(fund::ReadResidentByKey(h.state(), bob.public_key())).id();

  // Net: alice 30 to s1; bob 60 to n1 and 20 to s1; carol 20 to n1; dave 5
  // to n1. Gross awards 165, withdrawals 30.
  v1::RoundRecord r = Read(fund::ReadRound(h.state(), round));
  EXPECT_EQ(r.residents(), 4u);
  EXPECT_EQ(fund::RoundIssued(r), 400u);
  EXPECT_EQ(r.awarded(), 165u);
  EXPECT_EQ(r.withdrawn(), 30u);
  EXPECT_EQ(r.lapsed(), 0u);
  EXPECT_FALSE(r.closed());
  EXPECT_EQ(Read(fund::ReadSpent(h.state(), round, alice_id)), 30u);
  EXPECT_EQ(Read(fund::ReadSpent(h.state(), round, bob_id)), 80u);
  EXPECT_EQ(Read(fund::ReadAward(h.state(), round, bob_id, s1)), 20u);
  EXPECT_EQ(Read(fund::ReadAward(h.state(), round, bob_id, n1)), 60u);

  v1::DistrictRoundRecord north =
      Read(fund::ReadDistrictRound(h.state(), round, "north"));
  EXPECT_EQ(north.residents(), 2u);
  EXPECT_EQ(north.awarded(), 140u);
  EXPECT_EQ(north.withdrawn(), 30u);
  EXPECT_EQ(north.received(), 85u);
  v1::DistrictRoundRecord south =
      Read(fund::ReadDistrictRound(h.state(), round, "south"));
  EXPECT_EQ(south.residents(), 2u);
  EXPECT_EQ(south.awarded(), 25u);
  EXPECT_EQ(south.withdrawn(), 0u);
  EXPECT_EQ(south.received(), 50u);

  v1::InitiativeRoundRecord ir_n1 =
      Read(fund::ReadInitiativeRound(h.state(), round, n1));
  EXPECT_EQ(ir_n1.awarded(), 85u);
  EXPECT_EQ(ir_n1.withdrawn(), 0u);
  v1::InitiativeRoundRecord ir_s1 =
      Read(fund::ReadInitiativeRound(h.state(), round, s1));
  EXPECT_EQ(ir_s1.awarded(), 80u);
  EXPECT_EQ(ir_s1.withdrawn(), 30u);
  EXPECT_EQ(Read(fund::ReadInitiative(h.state(), n1)).received_open(), 85u);
  EXPECT_EQ(Read(fund::ReadInitiative(h.state(), s1)).received_open(), 50u);

  CloseNow(h, round);
  r = Read(fund::ReadRound(h.state(), round));
  EXPECT_TRUE(r.closed());
  EXPECT_EQ(r.lapsed(), 265u);  // 400 - (165 - 30).

  Must(h, alice, Redeem(n1, 10));                        // Settles by rule.
  uint64_t n1_request = Must(h, alice, Redeem(n1, 40));  // Pending.
  uint64_t s1_request = Must(h, carol, Redeem(s1, 20));  // Pending.
  v1::RedemptionTotals mid = Read(fund::ReadFund(h.state())).redemptions();
  EXPECT_EQ(mid.requested(), 70u);
  EXPECT_EQ(mid.settled(), 10u);
  EXPECT_EQ(mid.pending(), 60u);
  EXPECT_EQ(mid.rejected(), 0u);
  Must(h, h.steward(), Settle(n1_request));
  Must(h, h.steward(), Reject(s1_request));

  v1::InitiativeRecord i_n1 = Read(fund::ReadInitiative(h.state(), n1));
  EXPECT_EQ(i_n1.received_final(), 85u);
  EXPECT_EQ(i_n1.received_open(), 0u);
  EXPECT_EQ(i_n1.redeemed(), 50u);
  EXPECT_EQ(i_n1.pending(), 0u);
  EXPECT_EQ(fund::InitiativeBalance(i_n1), 35u);
  v1::InitiativeRecord i_s1 = Read(fund::ReadInitiative(h.state(), s1));
  EXPECT_EQ(i_s1.received_final(), 50u);
  EXPECT_EQ(i_s1.redeemed(), 0u);
  EXPECT_EQ(fund::InitiativeBalance(i_s1), 50u);

  v1::FundRecord fund = Read(fund::ReadFund(h.state()));
  EXPECT_EQ(fund.active_residents(), 4u);
  ASSERT_EQ(fund.districts_size(), 2);
  EXPECT_EQ(fund.districts(0).district(), "north");
  EXPECT_EQ(fund.districts(0).residents(), 2u);
  EXPECT_EQ(fund.districts(1).district(), "south");
  EXPECT_EQ(fund.districts(1).residents(), 2u);
  EXPECT_EQ(fund.initiatives(), 2u);
  EXPECT_EQ(fund.rounds(), 1u);
  EXPECT_EQ(fund.open_round(), 0u);
  EXPECT_EQ(fund.last_round(), round);
  EXPECT_EQ(fund.redemptions().requested(), 70u);
  EXPECT_EQ(fund.redemptions().settled(), 50u);
  EXPECT_EQ(fund.redemptions().pending(), 0u);
  EXPECT_EQ(fund.redemptions().rejected(), 20u);
  EXPECT_EQ(fund.entries(), h.store().size());
  EXPECT_EQ(fund.entries(), 21u);
  EXPECT_EQ(fund.last_time_ms(), h.now_ms);
}

}  // namespace
}  // namespace uuro
