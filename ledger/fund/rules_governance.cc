// Governance: changes to the office keys and early round closes are proposed
// and take effect once the council quorum approved them, so no single key can
// take over the fund and a lost steward key does not end it.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

using KeyList = google::protobuf::RepeatedPtrField<std::string>;

const char* RoleName(v1::OfficeRole role) {
  return role == v1::OFFICE_STEWARD ? "steward" : "council";
}

KeyList& RoleKeys(v1::FundRecord& fund, v1::OfficeRole role) {
  return role == v1::OFFICE_STEWARD ? *fund.mutable_steward_keys()
                                    : *fund.mutable_council_keys();
}

bool Holds(const KeyList& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Keys were checked to be 32 bytes by validation.
std::string Hex(const std::string& key) {
  PublicKey k{};
  std::copy_n(key.begin(), std::min(key.size(), k.size()), k.begin());
  return FormatPublicKey(k);
}

// A key about to join the fund office must be new to it and to the
// residents: the office never takes part as residents.
absl::Status CheckNewOfficeKey(const TxContext& ctx, const std::string& key) {
  if (Holds(ctx.fund.steward_keys(), key) ||
      Holds(ctx.fund.council_keys(), key)) {
    return absl::AlreadyExistsError(
        absl::StrCat("key ", Hex(key), " is already a steward or council key"));
  }
  UURO_ASSIGN_OR_RETURN(bool resident, IsResidentKey(ctx, key));
  if (resident) {
    return absl::FailedPreconditionError(
        absl::StrCat("key ", Hex(key),
                     " belongs to a resident; office keys are never resident "
                     "keys"));
  }
  return absl::OkStatus();
}

// Whether the change can take effect on the fund as it is now.
absl::Status CheckKeyChange(const TxContext& ctx,
                            const v1::ProposeKeyChange& change) {
  const v1::OfficeRole role = change.role();
  v1::FundRecord& fund = ctx.fund;
  const KeyList& keys = RoleKeys(fund, role);
  if (change.action() == v1::KEY_CHANGE_ADD) {
    return CheckNewOfficeKey(ctx, change.key());
  }
  if (!Holds(keys, change.key())) {
    return absl::NotFoundError(absl::StrCat(
        "key ", Hex(change.key()), " is not a ", RoleName(role), " key"));
  }
  if (change.action() == v1::KEY_CHANGE_REPLACE) {
    return CheckNewOfficeKey(ctx, change.replacement_key());
  }
  if (role == v1::OFFICE_STEWARD && keys.size() == 1) {
    return absl::FailedPreconditionError(
        "the fund's last steward key cannot be removed; replace it instead");
  }
  if (role == v1::OFFICE_COUNCIL &&
      static_cast<uint32_t>(keys.size()) - 1 < fund.council_quorum()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "removing a council key would leave fewer than the quorum of ",
        fund.council_quorum(), "; replace it instead"));
  }
  return absl::OkStatus();
}

void EnactKeyChange(v1::FundRecord& fund, const v1::ProposeKeyChange& change) {
  KeyList& keys = RoleKeys(fund, change.role());
  auto it = std::find(keys.begin(), keys.end(), change.key());
  switch (change.action()) {
    case v1::KEY_CHANGE_ADD:
      keys.Add()->assign(change.key());
      break;
    case v1::KEY_CHANGE_REMOVE:
      keys.erase(it);
      break;
    case v1::KEY_CHANGE_REPLACE:
      it->assign(change.replacement_key());
      break;
    default:
      break;  // Refused by validation.
  }
}

absl::StatusOr<v1::RoundRecord> CheckEarlyClose(
    const TxContext& ctx, const v1::ProposeEarlyClose& close) {
  UURO_ASSIGN_OR_RETURN(v1::RoundRecord round,
                        ReadRound(ctx.state, close.round_id()));
  if (round.closed()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", round.id(), " is already closed"));
  }
  if (ctx.time_ms >= round.rules().closes_at_ms()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", round.id(), " reached its closing time at ",
                     FormatIsoTime(round.rules().closes_at_ms()),
                     "; close it with CloseRound"));
  }
  return round;
}

// Applies the proposal's change if the quorum of current council keys
// approved it; otherwise it stays pending.
absl::Status EnactIfApproved(TxContext& ctx, v1::ProposalRecord& proposal) {
  if (CurrentApprovals(ctx.fund, proposal.approvals()) <
      ctx.fund.council_quorum()) {
    return absl::OkStatus();
  }
  if (proposal.has_key_change()) {
    UURO_RETURN_IF_ERROR(CheckKeyChange(ctx, proposal.key_change()));
    EnactKeyChange(ctx.fund, proposal.key_change());
  } else {
    UURO_ASSIGN_OR_RETURN(v1::RoundRecord round,
                          CheckEarlyClose(ctx, proposal.early_close()));
    round.set_early_close_reason(proposal.early_close().reason());
    UURO_RETURN_IF_ERROR(CloseRoundNow(ctx, std::move(round)));
  }
  proposal.set_status(v1::PROPOSAL_ENACTED);
  proposal.set_enacted_at_ms(ctx.time_ms);
  return absl::OkStatus();
}

v1::ProposalRecord NewProposal(const TxContext& ctx) {
  v1::ProposalRecord proposal;
  proposal.set_id(ctx.index);
  proposal.set_proposer(
      std::string(ctx.tx.signer.begin(), ctx.tx.signer.end()));
  proposal.set_proposed_at_ms(ctx.time_ms);
  proposal.set_status(v1::PROPOSAL_PENDING);
  return proposal;
}

}  // namespace

absl::Status ProposeKeyChange(TxContext& ctx) {
  // A council key may propose too: with the only steward key lost, the
  // council can still appoint a new one.
  const bool council = RequireCouncil(ctx).ok();
  if (!council && !RequireSteward(ctx).ok()) {
    return absl::PermissionDeniedError(
        "only a steward or council key may propose a key change");
  }
  const v1::ProposeKeyChange& change = ctx.tx.body.propose_key_change();
  UURO_RETURN_IF_ERROR(CheckKeyChange(ctx, change));
  v1::ProposalRecord proposal = NewProposal(ctx);
  *proposal.mutable_key_change() = change;
  if (council) proposal.add_approvals(proposal.proposer());
  UURO_RETURN_IF_ERROR(EnactIfApproved(ctx, proposal));
  WriteRecord(ctx.state, keys::Proposal(proposal.id()), proposal);
  return absl::OkStatus();
}

absl::Status ProposeEarlyClose(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  const v1::ProposeEarlyClose& close = ctx.tx.body.propose_early_close();
  UURO_RETURN_IF_ERROR(CheckEarlyClose(ctx, close).status());
  v1::ProposalRecord proposal = NewProposal(ctx);
  *proposal.mutable_early_close() = close;
  UURO_RETURN_IF_ERROR(EnactIfApproved(ctx, proposal));
  WriteRecord(ctx.state, keys::Proposal(proposal.id()), proposal);
  return absl::OkStatus();
}

absl::Status ApproveProposal(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireCouncil(ctx));
  const uint64_t id = ctx.tx.body.approve_proposal().proposal_id();
  UURO_ASSIGN_OR_RETURN(v1::ProposalRecord proposal,
                        ReadProposal(ctx.state, id));
  if (proposal.status() != v1::PROPOSAL_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("proposal ", id, " has already taken effect"));
  }
  std::string signer(ctx.tx.signer.begin(), ctx.tx.signer.end());
  if (Holds(proposal.approvals(), signer)) {
    return absl::AlreadyExistsError(
        absl::StrCat("this council key already approved proposal ", id));
  }
  proposal.add_approvals(signer);
  UURO_RETURN_IF_ERROR(EnactIfApproved(ctx, proposal));
  WriteRecord(ctx.state, keys::Proposal(id), proposal);
  return absl::OkStatus();
}

}  // namespace uuro::fund
