// Hostile input against a real uurod: every bad request gets the status of
// DESIGN "Errors" / docs/fund-rules.md, the server keeps serving, and the
// fund state on disk changes only by what was logged.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <thread>

#include "clients/ledger_client.h"
#include "ledger/fund/receipt.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;
using testing::AwardBody;
using testing::SignTx;

constexpr uint64_t kTenMinutesMs = 10 * 60 * 1000;

v1::Envelope Decode(const Bytes& envelope) {
  v1::Envelope decoded;
  EXPECT_TRUE(decoded.ParseFromArray(envelope.data(),
                                     static_cast<int>(envelope.size())));
  return decoded;
}

Bytes Encode(const v1::Envelope& envelope) {
  return ToBytes(envelope.SerializeAsString());
}

// An envelope around `body` bytes signed with `context` (the transaction
// context unless a test wants another).
Bytes SignRawBody(const SecretKey& key, const std::string& body,
                  std::string_view context = fund::kTxContext) {
  v1::Envelope envelope;
  envelope.set_body(body);
  envelope.set_signer(PublicKeyBytes(key.public_key()));
  Signature signature = key.Sign(context, AsBytes(body));
  envelope.set_signature(std::string(signature.begin(), signature.end()));
  return Encode(envelope);
}

Bytes RandomBytes(uint32_t seed, size_t size) {
  std::mt19937 random(seed);
  Bytes out(size);
  for (uint8_t& b : out) b = static_cast<uint8_t>(random());
  return out;
}

// The fields of `envelope` in another order: protobuf parses them, but one
// signed body must have one envelope.
Bytes ReorderedFields(const Bytes& envelope) {
  v1::Envelope decoded = Decode(envelope);
  v1::Envelope signer_only;
  signer_only.set_signer(decoded.signer());
  v1::Envelope rest;
  rest.set_body(decoded.body());
  rest.set_signature(decoded.signature());
  return ToBytes(signer_only.SerializeAsString() + rest.SerializeAsString());
}

grpc::Status SubmitRaw(LedgerClient& client, const std::string& envelope,
                       v1::Receipt* receipt) {
  grpc::ClientContext context;
  v1::SubmitRequest request;
  request.set_envelope(envelope);
  return client.ledger().Submit(&context, request, receipt);
}

grpc::Status SubmitRaw(LedgerClient& client, const Bytes& envelope,
                       v1::Receipt* receipt) {
  return SubmitRaw(client, std::string(AsString(envelope)), receipt);
}

// A running uurod over a fund with alice, bob and an owner enrolled, a round
// open (allowance 100, at most 50 % to one initiative), one initiative, and
// alice's first award already logged, so that it can be replayed.
class UurodHostileTest : public ::testing::Test {
 protected:
  void StartWithFund(std::vector<std::string> args = {}) {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    uurod_ =
        std::make_unique<testing::UurodProcess>(ledger_->data, std::move(args));
    ASSERT_NO_FATAL_FAILURE(Start());
    auto fund = testing::SetUpOpenRound(*client_, ledger_->steward,
                                        {&alice_, &bob_}, owner_, {});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
    auto nonce = Nonce(alice_);
    ASSERT_TRUE(nonce.ok()) << nonce.status();
    first_award_ = SignTx(alice_, ledger_->origin, *nonce,
                          WallClockMs() + kTenMinutesMs, Award(10));
    ASSERT_TRUE(SubmitRaw(*client_, first_award_, &first_receipt_).ok());
  }

  void Start() {
    absl::Status started = uurod_->Start();
    ASSERT_TRUE(started.ok()) << started;
    client_ = std::make_unique<LedgerClient>(uurod_->Channel());
  }

  void Stop() {
    // An idle connection holds uurod's shutdown for about 5 s (see
    // uurod_restart_test); these tests are about input, not that.
    client_.reset();
    auto code = uurod_->Stop(SIGTERM);
    ASSERT_TRUE(code.ok()) << code.status();
    ASSERT_EQ(*code, 0) << uurod_->Log();
  }

  std::string db() const { return ledger_->data + "/db"; }

  absl::StatusOr<uint64_t> Nonce(const SecretKey& key) {
    return testing::ServerNextNonce(*client_, key.public_key());
  }

  v1::TxBody Award(uint64_t amount) const {
    return AwardBody(fund_.round_id, fund_.initiative_ids[0], amount);
  }

  // Signed as a well-behaved client would, with the nonce given.
  Bytes Sign(const SecretKey& key, uint64_t nonce, v1::TxBody body) const {
    return SignTx(key, ledger_->origin, nonce, WallClockMs() + kTenMinutesMs,
                  std::move(body));
  }

  void ExpectVerifies(const v1::Receipt& receipt) {
    auto cp = VerifyReceipt(receipt, ledger_->log_key(), ledger_->origin);
    EXPECT_TRUE(cp.ok()) << cp.status();
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::unique_ptr<LedgerClient> client_;
  SecretKey alice_ = SecretKey::Generate();
  SecretKey bob_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
  testing::OpenFund fund_;
  Bytes first_award_;  // Alice's, already logged.
  v1::Receipt first_receipt_;
};

struct EnvelopeCase {
  std::string name;
  Bytes envelope;
  grpc::StatusCode code;
};

TEST_F(UurodHostileTest, RefusedInputsChangeNothingAndTheServerKeepsServing) {
  ASSERT_NO_FATAL_FAILURE(StartWithFund());
  ASSERT_NO_FATAL_FAILURE(Stop());
  auto before = testing::SnapshotLedger(db());
  ASSERT_TRUE(before.ok()) << before.status();
  // The digest after the one good submission at the end is checked by
  // replaying the log onto this copy.
  const std::string saved_db = ledger_->dir.Sub("saved-db");
  std::filesystem::copy(db(), saved_db,
                        std::filesystem::copy_options::recursive);
  ASSERT_NO_FATAL_FAILURE(Start());

  auto alice_nonce = Nonce(alice_);
  auto owner_nonce = Nonce(owner_);
  auto steward_nonce = Nonce(ledger_->steward);
  ASSERT_TRUE(alice_nonce.ok() && owner_nonce.ok() && steward_nonce.ok());
  const uint64_t n = *alice_nonce;
  const uint64_t later = WallClockMs() + kTenMinutesMs;
  const std::string& origin = ledger_->origin;
  const Bytes good = Sign(alice_, n, Award(1));

  v1::Envelope flipped = Decode(good);
  flipped.mutable_signature()->at(10) ^= 0x01;
  v1::Envelope bobs_key = Decode(good);
  bobs_key.set_signer(PublicKeyBytes(bob_.public_key()));
  v1::Envelope short_key = Decode(good);
  short_key.mutable_signer()->pop_back();
  v1::Envelope short_signature = Decode(good);
  short_signature.mutable_signature()->pop_back();
  Bytes unknown_field = good;
  unknown_field.insert(unknown_field.end(), {0x20, 0x01});  // Field 4 = 1.
  Bytes truncated(good.begin(), good.end() - 1);

  v1::TxBody no_payload;
  no_payload.set_origin(origin);
  no_payload.set_nonce(n);
  no_payload.set_expires_at_ms(later);
  v1::TxBody huge = testing::ProposeBody("Huge", "harbour");
  huge.mutable_propose_initiative()->set_summary(std::string(61000, 'a'));
  v1::TxBody long_title =
      testing::ProposeBody(std::string(121, 't'), "harbour");
  v1::TxBody long_summary = testing::ProposeBody("Summary", "harbour");
  long_summary.mutable_propose_initiative()->set_summary(
      std::string(2001, 's'));
  v1::TxBody control_title = testing::ProposeBody("Bell\x1b[31m", "harbour");
  v1::TxBody bad_utf8_title = testing::ProposeBody("Caf\xc3\x28", "harbour");
  v1::TxBody six_links = testing::ProposeBody("Links", "harbour");
  for (int i = 0; i < 6; ++i) {
    six_links.mutable_propose_initiative()->add_links("https://example.org/");
  }
  v1::TxBody long_report;
  long_report.mutable_post_report()->set_initiative_id(fund_.initiative_ids[0]);
  long_report.mutable_post_report()->set_text(std::string(10001, 'r'));
  v1::TxBody suspend;
  suspend.mutable_suspend_initiative()->set_initiative_id(
      fund_.initiative_ids[0]);
  suspend.mutable_suspend_initiative()->set_reason("I do not like it");

  using grpc::StatusCode;
  const std::vector<EnvelopeCase> cases = {
      {"empty envelope", {}, StatusCode::INVALID_ARGUMENT},
      {"1 random byte", RandomBytes(1, 1), StatusCode::INVALID_ARGUMENT},
      {"33 random bytes", RandomBytes(2, 33), StatusCode::INVALID_ARGUMENT},
      {"200 random bytes", RandomBytes(3, 200), StatusCode::INVALID_ARGUMENT},
      {"4096 random bytes", RandomBytes(4, 4096), StatusCode::INVALID_ARGUMENT},
      {"truncated envelope", truncated, StatusCode::INVALID_ARGUMENT},
      {"unknown field appended", unknown_field, StatusCode::INVALID_ARGUMENT},
      {"fields out of order", ReorderedFields(good),
       StatusCode::INVALID_ARGUMENT},
      {"31-byte signer key", Encode(short_key), StatusCode::INVALID_ARGUMENT},
      {"63-byte signature", Encode(short_signature),
       StatusCode::INVALID_ARGUMENT},
      {"body that does not decode", SignRawBody(alice_, "\xff\xff\xff"),
       StatusCode::INVALID_ARGUMENT},
      {"body without payload",
       SignRawBody(alice_, no_payload.SerializeAsString()),
       StatusCode::INVALID_ARGUMENT},
      {"envelope over 60,000 bytes", Sign(alice_, n, huge),
       StatusCode::INVALID_ARGUMENT},
      {"flipped signature bit", Encode(flipped), StatusCode::UNAUTHENTICATED},
      {"signer swapped for another key", Encode(bobs_key),
       StatusCode::UNAUTHENTICATED},
      {"signed without the transaction context",
       SignRawBody(alice_, Decode(good).body(), ""),
       StatusCode::UNAUTHENTICATED},
      {"another ledger's origin",
       SignTx(alice_, "other.uuro.example/ledger", n, later, Award(1)),
       StatusCode::INVALID_ARGUMENT},
      {"used nonce, different body", Sign(alice_, n - 1, Award(2)),
       StatusCode::ALREADY_EXISTS},
      {"nonce ahead", Sign(alice_, n + 1, Award(1)),
       StatusCode::FAILED_PRECONDITION},
      {"no expiry", SignTx(alice_, origin, n, 0, Award(1)),
       StatusCode::INVALID_ARGUMENT},
      {"expired", SignTx(alice_, origin, n, WallClockMs() - 1000, Award(1)),
       StatusCode::FAILED_PRECONDITION},
      {"title of 121 bytes", Sign(alice_, n, long_title),
       StatusCode::INVALID_ARGUMENT},
      {"summary of 2,001 bytes", Sign(alice_, n, long_summary),
       StatusCode::INVALID_ARGUMENT},
      {"terminal escape in a title", Sign(alice_, n, control_title),
       StatusCode::INVALID_ARGUMENT},
      // protobuf refuses it already as a proto3 string (and its serializer
      // logs an error here on the sending side).
      {"invalid UTF-8 in a title", Sign(alice_, n, bad_utf8_title),
       StatusCode::INVALID_ARGUMENT},
      {"six links", Sign(alice_, n, six_links), StatusCode::INVALID_ARGUMENT},
      {"report of 10,001 bytes", Sign(owner_, *owner_nonce, long_report),
       StatusCode::INVALID_ARGUMENT},
      {"award of 0", Sign(alice_, n, Award(0)), StatusCode::INVALID_ARGUMENT},
      {"enroll signed by a resident",
       Sign(alice_, n,
            testing::EnrollBody(SecretKey::Generate().public_key(), "harbour")),
       StatusCode::PERMISSION_DENIED},
      {"open round signed by a resident",
       Sign(alice_, n, testing::OpenRoundBody(1000, 100, WallClockMs(), later)),
       StatusCode::PERMISSION_DENIED},
      {"suspension signed by a resident", Sign(alice_, n, suspend),
       StatusCode::PERMISSION_DENIED},
      {"award signed by a steward, who is no resident",
       Sign(ledger_->steward, *steward_nonce, Award(1)),
       StatusCode::PERMISSION_DENIED},
      {"unknown initiative",
       Sign(alice_, n, AwardBody(fund_.round_id, 1'000'000, 1)),
       StatusCode::NOT_FOUND},
      {"unknown round",
       Sign(alice_, n, AwardBody(1'000'000, fund_.initiative_ids[0], 1)),
       StatusCode::NOT_FOUND},
      {"award beyond the share cap", Sign(alice_, n, Award(41)),
       StatusCode::FAILED_PRECONDITION},
      {"enrolling a known key",
       Sign(ledger_->steward, *steward_nonce,
            testing::EnrollBody(alice_.public_key(), "harbour")),
       StatusCode::ALREADY_EXISTS},
  };
  for (const EnvelopeCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Receipt receipt;
    grpc::Status status = SubmitRaw(*client_, c.envelope, &receipt);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_FALSE(status.error_message().empty());
  }

  {
    SCOPED_TRACE("identical resubmission");
    v1::Receipt receipt;
    grpc::Status status = SubmitRaw(*client_, first_award_, &receipt);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(receipt.duplicate());
    EXPECT_EQ(receipt.index(), first_receipt_.index());
    EXPECT_EQ(receipt.entry(), first_receipt_.entry());
    ExpectVerifies(receipt);
  }
  {
    SCOPED_TRACE("a request over gRPC's 4 MiB");
    v1::Receipt receipt;
    grpc::Status status =
        SubmitRaw(*client_, std::string(5 << 20, '\x0a'), &receipt);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << status.error_message();
  }
  {
    SCOPED_TRACE("a batch of 1,001 envelopes");
    grpc::ClientContext context;
    v1::SubmitBatchRequest request;
    // Envelopes that would all be accepted one by one: refusing the batch
    // must refuse every one of them.
    for (uint64_t i = 0; i <= 1000; ++i) {
      request.add_envelopes(
          std::string(AsString(Sign(alice_, n + i, Award(1)))));
    }
    v1::SubmitBatchResponse response;
    grpc::Status status =
        client_->ledger().SubmitBatch(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    EXPECT_EQ(response.results_size(), 0);
  }

  // Nothing was logged: the checkpoint is the very one signed before.
  auto checkpoint = client_->Checkpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->checkpoint(), before->checkpoint);
  EXPECT_EQ(checkpoint->tree_size(), before->size);

  v1::Receipt receipt;
  grpc::Status status = SubmitRaw(*client_, good, &receipt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(receipt.duplicate());
  EXPECT_EQ(receipt.index(), before->size);
  ExpectVerifies(receipt);

  ASSERT_NO_FATAL_FAILURE(Stop());
  auto after = testing::SnapshotLedger(db());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->size, before->size + 1);
  auto expected = testing::DigestOfReplay(saved_db, db());
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(after->state_digest, *expected)
      << "the refused inputs changed the fund state";
  EXPECT_NE(after->state_digest, before->state_digest);
}

struct ReadCase {
  std::string name;
  std::function<grpc::Status(LedgerClient&, grpc::ClientContext*)> call;
  grpc::StatusCode code;
};

TEST_F(UurodHostileTest, ReadsWithBadArgumentsAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartWithFund());
  auto checkpoint = client_->Checkpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  const uint64_t size = checkpoint->tree_size();
  const std::string unknown_key =
      PublicKeyBytes(SecretKey::Generate().public_key());

  auto resident = [](std::string key) {
    return [key](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::GetResidentRequest request;
      request.set_key(key);
      v1::ResidentView response;
      return c.ledger().GetResident(ctx, request, &response);
    };
  };
  auto history = [](std::string key, std::string token) {
    return [key, token](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::GetHistoryRequest request;
      request.set_key(key);
      request.set_page_token(token);
      v1::GetHistoryResponse response;
      return c.ledger().GetHistory(ctx, request, &response);
    };
  };
  auto initiatives = [](std::string token) {
    return [token](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::ListInitiativesRequest request;
      request.set_page_token(token);
      v1::ListInitiativesResponse response;
      return c.ledger().ListInitiatives(ctx, request, &response);
    };
  };
  auto entries = [](uint64_t start, uint64_t end) {
    return [start, end](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::GetEntriesRequest request;
      request.set_start(start);
      request.set_end(end);
      v1::GetEntriesResponse response;
      return c.transparency().GetEntries(ctx, request, &response);
    };
  };
  auto inclusion = [](uint64_t index, uint64_t tree_size) {
    return [index, tree_size](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::GetInclusionProofRequest request;
      request.set_index(index);
      request.set_tree_size(tree_size);
      v1::ProofResponse response;
      return c.transparency().GetInclusionProof(ctx, request, &response);
    };
  };
  auto consistency = [](uint64_t old_size, uint64_t new_size) {
    return [old_size, new_size](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::GetConsistencyProofRequest request;
      request.set_old_size(old_size);
      request.set_new_size(new_size);
      v1::ProofResponse response;
      return c.transparency().GetConsistencyProof(ctx, request, &response);
    };
  };
  auto nonce = [](std::string key) {
    return [key](LedgerClient& c, grpc::ClientContext* ctx) {
      v1::GetNextNonceRequest request;
      request.set_key(key);
      v1::GetNextNonceResponse response;
      return c.ledger().GetNextNonce(ctx, request, &response);
    };
  };
  auto by_id = [](auto method, auto request, auto response) {
    return [=](LedgerClient& c, grpc::ClientContext* ctx) mutable {
      return (c.ledger().*method)(ctx, request, &response);
    };
  };
  v1::GetInitiativeRequest no_initiative;
  no_initiative.set_id(1'000'000);
  v1::GetRoundRequest no_round;
  no_round.set_id(1'000'000);
  v1::GetRedemptionRequest no_redemption;
  no_redemption.set_id(1'000'000);
  const uint64_t max = std::numeric_limits<uint64_t>::max();

  using grpc::StatusCode;
  const std::vector<ReadCase> cases = {
      {"GetResident, 3-byte key", resident("abc"),
       StatusCode::INVALID_ARGUMENT},
      {"GetResident, 33-byte key", resident(std::string(33, 'k')),
       StatusCode::INVALID_ARGUMENT},
      {"GetResident, unknown key", resident(unknown_key),
       StatusCode::NOT_FOUND},
      {"GetHistory, 3-byte key", history("abc", ""),
       StatusCode::INVALID_ARGUMENT},
      {"GetHistory, bad page token",
       history(PublicKeyBytes(alice_.public_key()), "not-a-token"),
       StatusCode::INVALID_ARGUMENT},
      {"GetNextNonce, empty key", nonce(""), StatusCode::INVALID_ARGUMENT},
      {"ListInitiatives, bad page token", initiatives("not-a-token"),
       StatusCode::INVALID_ARGUMENT},
      {"ListInitiatives, negative page token", initiatives("-1"),
       StatusCode::INVALID_ARGUMENT},
      {"ListInitiatives, page token beyond 64 bits",
       initiatives("18446744073709551616"), StatusCode::INVALID_ARGUMENT},
      {"GetInitiative, unknown id",
       by_id(&v1::Ledger::Stub::GetInitiative, no_initiative,
             v1::InitiativeView()),
       StatusCode::NOT_FOUND},
      {"GetRound, unknown id",
       by_id(&v1::Ledger::Stub::GetRound, no_round, v1::RoundRecord()),
       StatusCode::NOT_FOUND},
      {"GetRedemption, unknown id",
       by_id(&v1::Ledger::Stub::GetRedemption, no_redemption,
             v1::RedemptionRecord()),
       StatusCode::NOT_FOUND},
      {"GetEntries, start at the log's size", entries(size, size + 10),
       StatusCode::OUT_OF_RANGE},
      {"GetEntries, start at 2^64-1", entries(max, max),
       StatusCode::OUT_OF_RANGE},
      {"GetEntries, end before start", entries(2, 1),
       StatusCode::INVALID_ARGUMENT},
      {"GetInclusionProof, index at the tree size", inclusion(size, 0),
       StatusCode::OUT_OF_RANGE},
      {"GetInclusionProof, index beyond the given size", inclusion(3, 2),
       StatusCode::OUT_OF_RANGE},
      {"GetInclusionProof, tree beyond the checkpoint", inclusion(0, size + 1),
       StatusCode::OUT_OF_RANGE},
      {"GetConsistencyProof, new size beyond the checkpoint",
       consistency(1, size + 1), StatusCode::OUT_OF_RANGE},
      {"GetConsistencyProof, old size 0", consistency(0, size),
       StatusCode::INVALID_ARGUMENT},
      {"GetConsistencyProof, old size above new", consistency(3, 2),
       StatusCode::INVALID_ARGUMENT},
  };
  for (const ReadCase& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::ClientContext context;
    grpc::Status status = c.call(*client_, &context);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_FALSE(status.error_message().empty());
  }

  auto after = client_->Checkpoint();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->checkpoint(), checkpoint->checkpoint());
  ASSERT_NO_FATAL_FAILURE(Stop());
}

struct BatchItem {
  std::string name;
  Bytes envelope;
  grpc::StatusCode code;
  // The item (or kFirstAward) this one is an identical resubmission of.
  int same_entry_as = -1;
};
constexpr int kFirstAward = -2;

TEST_F(UurodHostileTest, BatchGivesEachEnvelopeItsOwnResult) {
  ASSERT_NO_FATAL_FAILURE(StartWithFund());
  auto alice_nonce = Nonce(alice_);
  auto bob_nonce = Nonce(bob_);
  ASSERT_TRUE(alice_nonce.ok() && bob_nonce.ok());
  const uint64_t a = *alice_nonce;
  const uint64_t b = *bob_nonce;
  auto size_before = client_->Checkpoint();
  ASSERT_TRUE(size_before.ok());

  const Bytes twice = Sign(bob_, b + 1, Award(2));
  v1::Envelope flipped = Decode(Sign(bob_, b, Award(1)));
  flipped.mutable_signature()->at(0) ^= 0x80;
  using grpc::StatusCode;
  // In order: later items see what earlier ones did to the nonces.
  const std::vector<BatchItem> items = {
      {"alice's next", Sign(alice_, a, Award(1)), StatusCode::OK},
      {"random bytes", RandomBytes(7, 100), StatusCode::INVALID_ARGUMENT},
      {"bad signature", Encode(flipped), StatusCode::UNAUTHENTICATED},
      {"bob's next", Sign(bob_, b, Award(3)), StatusCode::OK},
      {"alice's first award again", first_award_, StatusCode::OK, kFirstAward},
      {"alice's one after", Sign(alice_, a + 1, Award(2)), StatusCode::OK},
      {"alice's first nonce of the batch, other body",
       Sign(alice_, a, Award(5)), StatusCode::ALREADY_EXISTS},
      {"unknown initiative",
       Sign(alice_, a + 2, AwardBody(fund_.round_id, 999'999, 1)),
       StatusCode::NOT_FOUND},
      {"steward's work by bob",
       Sign(bob_, b + 1,
            testing::EnrollBody(SecretKey::Generate().public_key(), "x")),
       StatusCode::PERMISSION_DENIED},
      {"expired", SignTx(alice_, ledger_->origin, a + 2, 1, Award(1)),
       StatusCode::FAILED_PRECONDITION},
      {"alice's nonce the refusals left free", Sign(alice_, a + 2, Award(4)),
       StatusCode::OK},
      {"bob's next, the first time", twice, StatusCode::OK},
      {"bob's next, again in the same batch", twice, StatusCode::OK, 11},
  };
  v1::SubmitBatchRequest request;
  for (const BatchItem& item : items) {
    request.add_envelopes(std::string(AsString(item.envelope)));
  }
  v1::SubmitBatchResponse response;
  {
    // A finished call's context still holds the connection open.
    grpc::ClientContext context;
    grpc::Status status =
        client_->ledger().SubmitBatch(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(response.results_size(), static_cast<int>(items.size()));

  uint64_t next_index = size_before->tree_size();
  for (size_t i = 0; i < items.size(); ++i) {
    SCOPED_TRACE(items[i].name);
    const v1::SubmitResult& result = response.results(static_cast<int>(i));
    EXPECT_EQ(result.code(), static_cast<int>(items[i].code))
        << result.message();
    if (items[i].code != StatusCode::OK) {
      EXPECT_FALSE(result.message().empty());
      EXPECT_FALSE(result.has_receipt());
      continue;
    }
    ExpectVerifies(result.receipt());
    v1::LogEntry entry;
    ASSERT_TRUE(entry.ParseFromString(result.receipt().entry()));
    EXPECT_EQ(entry.envelope(), AsString(items[i].envelope));
    if (items[i].same_entry_as == kFirstAward) {
      EXPECT_TRUE(result.receipt().duplicate());
      EXPECT_EQ(result.receipt().index(), first_receipt_.index());
    } else if (items[i].same_entry_as >= 0) {
      EXPECT_TRUE(result.receipt().duplicate());
      EXPECT_EQ(result.receipt().index(),
                response.results(items[i].same_entry_as).receipt().index());
    } else {
      EXPECT_FALSE(result.receipt().duplicate());
      EXPECT_EQ(result.receipt().index(), next_index++);
    }
  }

  auto size_after = client_->Checkpoint();
  ASSERT_TRUE(size_after.ok());
  EXPECT_EQ(size_after->tree_size(), size_before->tree_size() + 5);
  {
    grpc::ClientContext context;
    v1::GetResidentRequest resident_request;
    resident_request.set_key(PublicKeyBytes(alice_.public_key()));
    v1::ResidentView alice;
    ASSERT_TRUE(
        client_->ledger().GetResident(&context, resident_request, &alice).ok());
    EXPECT_EQ(alice.spent(), 10u + 1 + 2 + 4);
  }
  ASSERT_NO_FATAL_FAILURE(Stop());
}

TEST_F(UurodHostileTest, OneEnvelopeRacedFromManyConnectionsIsLoggedOnce) {
  ASSERT_NO_FATAL_FAILURE(StartWithFund());
  constexpr int kConnections = 8;
  constexpr int kRounds = 10;
  std::vector<std::unique_ptr<LedgerClient>> clients;
  for (int c = 0; c < kConnections; ++c) {
    // Connected before the race: eight connections opened at once have
    // failed under ASan ("failed to connect to all addresses").
    auto channel = testing::OwnChannel(uurod_->address());
    ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                          std::chrono::seconds(30)));
    clients.push_back(std::make_unique<LedgerClient>(channel));
  }
  auto nonce = Nonce(alice_);
  ASSERT_TRUE(nonce.ok());
  auto size_before = client_->Checkpoint();
  ASSERT_TRUE(size_before.ok());

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(round);
    const Bytes envelope = Sign(alice_, *nonce + round, Award(1));
    std::vector<v1::Receipt> receipts(kConnections);
    std::vector<grpc::Status> statuses(kConnections);
    std::atomic<int> waiting{kConnections};
    std::vector<std::thread> threads;
    for (int c = 0; c < kConnections; ++c) {
      threads.emplace_back([&, c] {
        // All at once, so that copies meet in one sequencer batch as well
        // as in successive ones.
        --waiting;
        while (waiting.load() > 0) std::this_thread::yield();
        statuses[c] = SubmitRaw(*clients[c], envelope, &receipts[c]);
      });
    }
    for (std::thread& t : threads) t.join();
    int first = 0;
    for (int c = 0; c < kConnections; ++c) {
      ASSERT_TRUE(statuses[c].ok()) << statuses[c].error_message();
      if (!receipts[c].duplicate()) ++first;
      EXPECT_EQ(receipts[c].index(), size_before->tree_size() + round);
      ExpectVerifies(receipts[c]);
    }
    EXPECT_EQ(first, 1);
  }
  auto size_after = client_->Checkpoint();
  ASSERT_TRUE(size_after.ok());
  EXPECT_EQ(size_after->tree_size(), size_before->tree_size() + kRounds);
  clients.clear();
  ASSERT_NO_FATAL_FAILURE(Stop());
}

TEST_F(UurodHostileTest, FloodFromOneKeyIsRateLimitedOthersAreServed) {
  constexpr double kRate = 5;
  constexpr double kBurst = 5;
  ASSERT_NO_FATAL_FAILURE(
      StartWithFund({"--rate-limit", std::to_string(kRate), "--rate-burst",
                     std::to_string(kBurst)}));
  auto nonce = Nonce(alice_);
  ASSERT_TRUE(nonce.ok());
  uint64_t next = *nonce;

  int accepted = 0;
  int limited = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    v1::Receipt receipt;
    grpc::Status status =
        SubmitRaw(*client_, Sign(alice_, next, Award(1)), &receipt);
    if (status.ok()) {
      ++accepted;
      ++next;
    } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++limited;
    } else {
      ADD_FAILURE() << "unexpected " << status.error_code() << ": "
                    << status.error_message();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_GT(limited, 0);
  EXPECT_GE(accepted, 1);
  // The burst (less alice's award during setup) plus what refills meanwhile.
  EXPECT_LE(accepted, kBurst + kRate * seconds + 1);

  // Bob is not slowed down by alice's flood.
  auto bob_nonce = Nonce(bob_);
  ASSERT_TRUE(bob_nonce.ok());
  v1::Receipt bob_receipt;
  grpc::Status bob =
      SubmitRaw(*client_, Sign(bob_, *bob_nonce, Award(1)), &bob_receipt);
  ASSERT_TRUE(bob.ok()) << bob.error_message();
  ExpectVerifies(bob_receipt);

  // And alice is served again once her bucket refills.
  std::this_thread::sleep_for(
      std::chrono::milliseconds(static_cast<int>(1000 / kRate) + 300));
  v1::Receipt alice_receipt;
  grpc::Status alice =
      SubmitRaw(*client_, Sign(alice_, next, Award(1)), &alice_receipt);
  EXPECT_TRUE(alice.ok()) << alice.error_message();
  ASSERT_NO_FATAL_FAILURE(Stop());
}

}  // namespace
}  // namespace uuro
