#include "ledger/fund/rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::Status ApplyPayload(TxContext& ctx) {
  switch (ctx.tx.body.payload_case()) {
    case v1::TxBody::kEnrollResident:
      return EnrollResident(ctx);
    case v1::TxBody::kRevokeResident:
      return RevokeResident(ctx);
    case v1::TxBody::kOpenRound:
      return OpenRound(ctx);
    case v1::TxBody::kCloseRound:
      return CloseRound(ctx);
    case v1::TxBody::kProposeInitiative:
      return ProposeInitiative(ctx);
    case v1::TxBody::kSuspendInitiative:
    case v1::TxBody::kReinstateInitiative:
      return SetInitiativeStatus(ctx);
    case v1::TxBody::kPostReport:
      return PostReport(ctx);
    case v1::TxBody::kAward:
      return Award(ctx);
    case v1::TxBody::kWithdrawAward:
      return WithdrawAward(ctx);
    case v1::TxBody::kRequestRedemption:
      return RequestRedemption(ctx);
    case v1::TxBody::kSettleRedemption:
    case v1::TxBody::kRejectRedemption:
      return DecideRedemption(ctx);
    case v1::TxBody::kApproveRedemption:
      return ApproveRedemption(ctx);
    case v1::TxBody::kDefineDistricts:
      return DefineDistricts(ctx);
    case v1::TxBody::kIssueInvites:
      return IssueInvites(ctx);
    case v1::TxBody::kClaimInvite:
      return ClaimInvite(ctx);
    case v1::TxBody::kProposeKeyChange:
      return ProposeKeyChange(ctx);
    case v1::TxBody::kProposeEarlyClose:
      return ProposeEarlyClose(ctx);
    case v1::TxBody::kApproveProposal:
      return ApproveProposal(ctx);
    case v1::TxBody::kTransferCredits:
      return TransferCredits(ctx);
    case v1::TxBody::kGenesis:
      return absl::FailedPreconditionError("the ledger already has a genesis");
    case v1::TxBody::PAYLOAD_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("the transaction has no payload");
}

absl::Status RequireSteward(const TxContext& ctx) {
  std::string signer(ctx.tx.signer.begin(), ctx.tx.signer.end());
  const auto& stewards = ctx.fund.steward_keys();
  if (std::find(stewards.begin(), stewards.end(), signer) == stewards.end()) {
    return absl::PermissionDeniedError(
        "only a steward may sign this transaction");
  }
  return absl::OkStatus();
}

absl::Status RequireCouncil(const TxContext& ctx) {
  std::string signer(ctx.tx.signer.begin(), ctx.tx.signer.end());
  const auto& council = ctx.fund.council_keys();
  if (std::find(council.begin(), council.end(), signer) == council.end()) {
    return absl::PermissionDeniedError(
        "only a council key may sign this transaction");
  }
  return absl::OkStatus();
}

absl::Status RefuseOfficeKey(const v1::FundRecord& fund, const std::string& key,
                             std::string_view what) {
  auto named = [&](const auto& list) {
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  if (named(fund.steward_keys()) || named(fund.council_keys())) {
    return absl::FailedPreconditionError(
        absl::StrCat(std::string(what),
                     " is a steward or council key; those are never "
                     "enrolled as residents"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ResidentRecord> RequireResident(const TxContext& ctx) {
  v1::KeyRecord key;
  UURO_ASSIGN_OR_RETURN(bool known,
                        ReadRecord(ctx.state, keys::Key(ctx.tx.signer), key));
  if (!known) {
    return absl::PermissionDeniedError(
        "the signer is not an enrolled resident");
  }
  if (key.revoked()) {
    return absl::PermissionDeniedError("the signer's key has been revoked");
  }
  v1::ResidentRecord resident;
  UURO_ASSIGN_OR_RETURN(
      bool found,
      ReadRecord(ctx.state, keys::Resident(key.resident_id()), resident));
  if (!found) {
    return absl::DataLossError(absl::StrCat("resident ", key.resident_id(),
                                            " is missing from the state"));
  }
  return resident;
}

absl::StatusOr<v1::InitiativeRecord> RequireOwnInitiative(const TxContext& ctx,
                                                          uint64_t id) {
  UURO_ASSIGN_OR_RETURN(v1::ResidentRecord resident, RequireResident(ctx));
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        ReadInitiative(ctx.state, id));
  if (initiative.owner() != resident.id()) {
    return absl::PermissionDeniedError(
        absl::StrCat("only the owner of initiative ", id, " may do this"));
  }
  return initiative;
}

absl::StatusOr<bool> IsResidentKey(const TxContext& ctx,
                                   const std::string& key) {
  if (key.size() != kPublicKeySize) return false;
  v1::KeyRecord record;
  PublicKey public_key{};
  std::copy(key.begin(), key.end(), public_key.begin());
  return ReadRecord(ctx.state, keys::Key(public_key), record);
}

uint32_t CurrentApprovals(
    const v1::FundRecord& fund,
    const google::protobuf::RepeatedPtrField<std::string>& approvals) {
  uint32_t n = 0;
  for (const std::string& key : approvals) {
    for (const std::string& council : fund.council_keys()) {
      if (key == council) ++n;
    }
  }
  return n;
}

void AddDistrictResidents(v1::FundRecord& fund, const std::string& district,
                          int delta) {
  auto* list = fund.mutable_districts();
  auto it =
      std::lower_bound(list->begin(), list->end(), district,
                       [](const v1::DistrictCount& d, const std::string& name) {
                         return d.district() < name;
                       });
  if (it == list->end() || it->district() != district) {
    if (delta <= 0) return;
    // RepeatedPtrField has no insert: append, then rotate into place.
    size_t pos = static_cast<size_t>(it - list->begin());
    v1::DistrictCount* added = list->Add();
    added->set_district(district);
    for (size_t i = static_cast<size_t>(list->size()) - 1; i > pos; --i) {
      list->SwapElements(static_cast<int>(i), static_cast<int>(i - 1));
    }
    it = list->begin() + static_cast<int>(pos);
  }
  it->set_residents(it->residents() + static_cast<uint64_t>(delta));
  if (it->residents() == 0) list->erase(it);
}

}  // namespace uuro::fund
