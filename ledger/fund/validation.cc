#include "ledger/fund/validation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "ledger/fund/invite_code.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/text.h"

namespace uuro::fund {
namespace {

absl::Status Text(std::string_view what, const std::string& text, size_t min,
                  size_t max, bool multiline = false) {
  if (text.size() < min || text.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must be ", min, " to ", max,
                     " bytes of UTF-8, not ", text.size()));
  }
  return CheckCharacters(text, multiline, what);
}

absl::Status Key(std::string_view what, const std::string& key) {
  if (key.size() != kPublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must be a ", kPublicKeySize,
                     "-byte Ed25519 key, not ", key.size(), " bytes"));
  }
  return absl::OkStatus();
}

absl::Status Positive(std::string_view what, uint64_t amount) {
  if (amount == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must be at least 1"));
  }
  return absl::OkStatus();
}

// District names, each valid and none named twice.
absl::Status ValidateDistricts(
    const google::protobuf::RepeatedPtrField<std::string>& names) {
  if (static_cast<size_t>(names.size()) > kMaxDistrictsPerTx) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxDistrictsPerTx, " districts at once, not ",
                     names.size()));
  }
  std::set<std::string> seen;
  for (const std::string& name : names) {
    UURO_RETURN_IF_ERROR(Text("district", name, 1, kMaxDistrictSize));
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("district \"", name, "\" is named twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateFundRules(const v1::Genesis& g) {
  if (g.format_version() != kFormatVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("the genesis format version is ", g.format_version(),
                     "; these rules are version ", kFormatVersion));
  }
  if (g.council_quorum() > static_cast<uint32_t>(g.council_keys_size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the council quorum of ", g.council_quorum(),
                     " exceeds the ", g.council_keys_size(), " council keys"));
  }
  if (g.min_district_size() < 1) {
    return absl::InvalidArgumentError(
        "the minimum district size must be at least 1");
  }
  if (g.districts().empty()) return absl::OkStatus();
  return ValidateDistricts(g.districts());
}

absl::Status ValidateGenesis(const v1::Genesis& g) {
  UURO_RETURN_IF_ERROR(ValidateOrigin(g.origin()));
  UURO_RETURN_IF_ERROR(Text("fund name", g.fund_name(), 1, kMaxFundNameSize));
  if (!g.currency_name().empty()) {
    UURO_RETURN_IF_ERROR(
        Text("currency name", g.currency_name(), 1, kMaxCurrencyNameSize));
  }
  if (g.steward_keys().empty()) {
    return absl::InvalidArgumentError("genesis must name a steward key");
  }
  std::set<std::string> seen;
  for (const std::string& key : g.steward_keys()) {
    UURO_RETURN_IF_ERROR(Key("steward key", key));
    if (!seen.insert(key).second) {
      return absl::InvalidArgumentError("a steward key is named twice");
    }
  }
  std::set<std::string> council;
  for (const std::string& key : g.council_keys()) {
    UURO_RETURN_IF_ERROR(Key("council key", key));
    if (!council.insert(key).second) {
      return absl::InvalidArgumentError("a council key is named twice");
    }
    if (seen.count(key) != 0) {
      return absl::InvalidArgumentError(
          "a key may not be both a steward and a council key");
    }
  }
  if (g.log_verifier_key().empty()) {
    return absl::InvalidArgumentError("genesis must name the log key");
  }
  return ValidateFundRules(g);
}

absl::Status ValidateDistrictAllowances(const v1::OpenRound& r) {
  const auto& list = r.district_allowances();
  if (static_cast<size_t>(list.size()) > kMaxDistrictsPerTx) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxDistrictsPerTx,
                     " district allowances, not ", list.size()));
  }
  for (int i = 0; i < list.size(); ++i) {
    const v1::DistrictAllowance& d = list[i];
    UURO_RETURN_IF_ERROR(Text("district", d.district(), 1, kMaxDistrictSize));
    UURO_RETURN_IF_ERROR(Positive("district allowance", d.allowance()));
    if (d.allowance() > kMaxAllowance) {
      return absl::InvalidArgumentError(
          absl::StrCat("allowance must be at most ", kMaxAllowance));
    }
    // Sorted and unique, so there is one way to write the rules.
    if (i > 0 && list[i - 1].district() >= d.district()) {
      return absl::InvalidArgumentError(
          "district allowances must be sorted by district, each named once");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOpenRound(const v1::OpenRound& r) {
  UURO_RETURN_IF_ERROR(Positive("allowance", r.allowance()));
  if (r.allowance() > kMaxAllowance) {
    return absl::InvalidArgumentError(
        absl::StrCat("allowance must be at most ", kMaxAllowance));
  }
  UURO_RETURN_IF_ERROR(Positive("credit value", r.credit_value_cents()));
  if (r.opens_at_ms() >= r.closes_at_ms()) {
    return absl::InvalidArgumentError("the round must open before it closes");
  }
  if (r.max_share_percent() < 1 || r.max_share_percent() > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("the maximum share must be 1 to 100 percent, not ",
                     r.max_share_percent()));
  }
  return ValidateDistrictAllowances(r);
}

absl::Status ValidateKeyChange(const v1::ProposeKeyChange& c) {
  if (c.role() != v1::OFFICE_STEWARD && c.role() != v1::OFFICE_COUNCIL) {
    return absl::InvalidArgumentError(
        "the key change must name the steward or the council role");
  }
  if (c.action() != v1::KEY_CHANGE_ADD && c.action() != v1::KEY_CHANGE_REMOVE &&
      c.action() != v1::KEY_CHANGE_REPLACE) {
    return absl::InvalidArgumentError(
        "the key change must add, remove or replace a key");
  }
  UURO_RETURN_IF_ERROR(Key("key", c.key()));
  if (c.action() != v1::KEY_CHANGE_REPLACE) {
    if (!c.replacement_key().empty()) {
      return absl::InvalidArgumentError(
          "only a replacement names a replacement key");
    }
    return absl::OkStatus();
  }
  UURO_RETURN_IF_ERROR(Key("replacement key", c.replacement_key()));
  if (c.replacement_key() == c.key()) {
    return absl::InvalidArgumentError(
        "the replacement key is the key it replaces");
  }
  return absl::OkStatus();
}

absl::Status ValidateTransfer(const v1::TransferCredits& t) {
  UURO_RETURN_IF_ERROR(Positive("from initiative", t.from_initiative_id()));
  UURO_RETURN_IF_ERROR(Positive("to initiative", t.to_initiative_id()));
  if (t.from_initiative_id() == t.to_initiative_id()) {
    return absl::InvalidArgumentError("a transfer goes to another initiative");
  }
  UURO_RETURN_IF_ERROR(Positive("amount", t.amount()));
  return Text("note", t.note(), 1, kMaxReasonSize);
}

absl::Status ValidateProposal(const v1::ProposeInitiative& p) {
  UURO_RETURN_IF_ERROR(Text("title", p.title(), 1, kMaxTitleSize));
  UURO_RETURN_IF_ERROR(Text("summary", p.summary(), 0, kMaxSummarySize, true));
  UURO_RETURN_IF_ERROR(Text("district", p.district(), 1, kMaxDistrictSize));
  UURO_RETURN_IF_ERROR(Positive("amount asked", p.amount_asked()));
  if (static_cast<size_t>(p.links_size()) > kMaxLinks) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", kMaxLinks, " links, not ", p.links_size()));
  }
  for (const std::string& link : p.links()) {
    UURO_RETURN_IF_ERROR(Text("link", link, 1, kMaxLinkSize));
    if (!link.starts_with("https://") && !link.starts_with("http://")) {
      return absl::InvalidArgumentError(
          absl::StrCat("link \"", link.substr(0, 60),
                       "\" must start with https:// or http://"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateIssueInvites(const v1::IssueInvites& issue) {
  UURO_RETURN_IF_ERROR(Text("district", issue.district(), 1, kMaxDistrictSize));
  const auto& hashes = issue.code_hashes();
  if (hashes.empty() || static_cast<size_t>(hashes.size()) > kMaxInvitesPerTx) {
    return absl::InvalidArgumentError(
        absl::StrCat("issue 1 to ", kMaxInvitesPerTx, " invites at once, not ",
                     hashes.size()));
  }
  std::set<std::string> seen;
  for (const std::string& hash : hashes) {
    if (hash.size() != kHashSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("an invite code hash must be ", kHashSize,
                       " bytes, not ", hash.size()));
    }
    if (!seen.insert(hash).second) {
      return absl::InvalidArgumentError("an invite code hash is named twice");
    }
  }
  return Positive("invite expiry", issue.expires_at_ms());
}

}  // namespace

absl::Status ValidateOrigin(const std::string& origin) {
  UURO_RETURN_IF_ERROR(Text("origin", origin, 1, kMaxOriginSize));
  std::string_view rest = origin;
  char32_t c;
  while (NextCodePoint(rest, c)) {
    if (IsUnicodeSpace(c)) {
      return absl::InvalidArgumentError("the origin must not contain spaces");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePayload(const v1::TxBody& body) {
  switch (body.payload_case()) {
    case v1::TxBody::kGenesis:
      return ValidateGenesis(body.genesis());
    case v1::TxBody::kEnrollResident:
      UURO_RETURN_IF_ERROR(Key("resident key", body.enroll_resident().key()));
      return Text("district", body.enroll_resident().district(), 1,
                  kMaxDistrictSize);
    case v1::TxBody::kRevokeResident: {
      const auto& r = body.revoke_resident();
      UURO_RETURN_IF_ERROR(Key("resident key", r.key()));
      if (!r.replacement_key().empty()) {
        UURO_RETURN_IF_ERROR(Key("replacement key", r.replacement_key()));
      }
      if (r.reason_code() == v1::REVOCATION_REASON_UNSPECIFIED ||
          !v1::RevocationReason_IsValid(r.reason_code())) {
        return absl::InvalidArgumentError(
            "the revocation needs a known reason code");
      }
      return absl::OkStatus();
    }
    case v1::TxBody::kOpenRound:
      return ValidateOpenRound(body.open_round());
    case v1::TxBody::kCloseRound:
      return absl::OkStatus();  // Existence is a rule (NOT_FOUND).
    case v1::TxBody::kProposeInitiative:
      return ValidateProposal(body.propose_initiative());
    case v1::TxBody::kSuspendInitiative:
      return Text("reason", body.suspend_initiative().reason(), 1,
                  kMaxReasonSize);
    case v1::TxBody::kReinstateInitiative:
      return Text("reason", body.reinstate_initiative().reason(), 1,
                  kMaxReasonSize);
    case v1::TxBody::kAward:
      return Positive("amount", body.award().amount());
    case v1::TxBody::kWithdrawAward:
      return Positive("amount", body.withdraw_award().amount());
    case v1::TxBody::kRequestRedemption:
      UURO_RETURN_IF_ERROR(
          Positive("amount", body.request_redemption().amount()));
      return Text("purpose", body.request_redemption().purpose(), 1,
                  kMaxReasonSize);
    case v1::TxBody::kSettleRedemption:
      return Text("payment reference",
                  body.settle_redemption().payment_reference(), 1,
                  kMaxPaymentReferenceSize);
    case v1::TxBody::kRejectRedemption:
      return Text("reason", body.reject_redemption().reason(), 1,
                  kMaxReasonSize);
    case v1::TxBody::kPostReport: {
      const auto& r = body.post_report();
      UURO_RETURN_IF_ERROR(Text("report", r.text(), 1, kMaxReportSize, true));
      if (!r.attachments_sha256().empty() &&
          r.attachments_sha256().size() != kHashSize) {
        return absl::InvalidArgumentError(
            "the attachments hash must be empty or 32 bytes");
      }
      return absl::OkStatus();
    }
    case v1::TxBody::kDefineDistricts:
      if (body.define_districts().names().empty()) {
        return absl::InvalidArgumentError("name at least one district");
      }
      return ValidateDistricts(body.define_districts().names());
    case v1::TxBody::kApproveRedemption:
      return absl::OkStatus();  // Existence is a rule (NOT_FOUND).
    case v1::TxBody::kIssueInvites:
      return ValidateIssueInvites(body.issue_invites());
    case v1::TxBody::kClaimInvite:
      if (!IsCanonicalInviteCode(body.claim_invite().code())) {
        return absl::InvalidArgumentError(
            "the invite code is not a well-formed code in canonical form");
      }
      return absl::OkStatus();
    case v1::TxBody::kProposeKeyChange:
      return ValidateKeyChange(body.propose_key_change());
    case v1::TxBody::kProposeEarlyClose:
      UURO_RETURN_IF_ERROR(
          Positive("round id", body.propose_early_close().round_id()));
      return Text("reason", body.propose_early_close().reason(), 1,
                  kMaxReasonSize);
    case v1::TxBody::kApproveProposal:
      return Positive("proposal id", body.approve_proposal().proposal_id());
    case v1::TxBody::kTransferCredits:
      return ValidateTransfer(body.transfer_credits());
    case v1::TxBody::PAYLOAD_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("the transaction has no payload");
}

std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b) {
  uint64_t product;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b) {
  uint64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

}  // namespace uuro::fund
