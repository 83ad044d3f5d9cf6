// Opening and closing rounds.
#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

namespace {

// Credits the round gives to the district's residents, written on the
// district's record for the round.
absl::StatusOr<uint64_t> IssueToDistrict(TxContext& ctx,
                                         const v1::RoundRecord& round,
                                         const std::string& district,
                                         uint64_t residents) {
  const uint64_t allowance = DistrictAllowance(round.rules(), district);
  UURO_ASSIGN_OR_RETURN(v1::DistrictRoundRecord record,
                        ReadDistrictRound(ctx.state, round.id(), district));
  record.set_residents(record.residents() + residents);
  record.set_allowance(allowance);
  WriteRecord(ctx.state, keys::DistrictRound(round.id(), district), record);
  return CheckedIssue(allowance, residents);
}

absl::Status CheckDistrictAllowances(const TxContext& ctx,
                                     const v1::OpenRound& rules) {
  for (const v1::DistrictAllowance& d : rules.district_allowances()) {
    UURO_RETURN_IF_ERROR(RequireDefinedDistrict(ctx.fund, d.district()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status OpenRound(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  const v1::OpenRound& rules = ctx.tx.body.open_round();
  if (ctx.fund.open_round() != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "round ", ctx.fund.open_round(), " is still open; close it first"));
  }
  if (rules.closes_at_ms() <= ctx.time_ms) {
    return absl::FailedPreconditionError(
        "the round's closing time has already passed");
  }
  UURO_RETURN_IF_ERROR(CheckDistrictSizes(ctx.fund));
  UURO_RETURN_IF_ERROR(CheckDistrictAllowances(ctx, rules));
  v1::RoundRecord round;
  round.set_id(ctx.index);
  *round.mutable_rules() = rules;
  round.set_residents(ctx.fund.active_residents());
  // One record per district, not per resident: allowance is a rule.
  for (const v1::DistrictCount& d : ctx.fund.districts()) {
    UURO_ASSIGN_OR_RETURN(
        uint64_t issued,
        IssueToDistrict(ctx, round, d.district(), d.residents()));
    UURO_ASSIGN_OR_RETURN(uint64_t total, CheckedSum(round.issued(), issued,
                                                     "the round's issue"));
    round.set_issued(total);
  }
  WriteRecord(ctx.state, keys::Round(ctx.index), round);
  ctx.fund.set_open_round(ctx.index);
  ctx.fund.set_last_round(ctx.index);
  ctx.fund.set_rounds(ctx.fund.rounds() + 1);
  return absl::OkStatus();
}

absl::Status JoinOpenRound(TxContext& ctx, const std::string& district) {
  uint64_t open = ctx.fund.open_round();
  if (open == 0) return absl::OkStatus();
  UURO_ASSIGN_OR_RETURN(v1::RoundRecord round, ReadRound(ctx.state, open));
  UURO_ASSIGN_OR_RETURN(uint64_t issued,
                        IssueToDistrict(ctx, round, district, 1));
  UURO_ASSIGN_OR_RETURN(
      uint64_t total, CheckedSum(round.issued(), issued, "the round's issue"));
  round.set_issued(total);
  round.set_residents(round.residents() + 1);
  WriteRecord(ctx.state, keys::Round(open), round);
  return absl::OkStatus();
}

absl::Status CloseRound(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  uint64_t id = ctx.tx.body.close_round().round_id();
  UURO_ASSIGN_OR_RETURN(v1::RoundRecord round, ReadRound(ctx.state, id));
  if (round.closed()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", id, " is already closed"));
  }
  if (ctx.time_ms < round.rules().closes_at_ms()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", id, " closes at ",
                     FormatIsoTime(round.rules().closes_at_ms()),
                     "; it is now ", FormatIsoTime(ctx.time_ms),
                     " (closing early needs a proposal the council approves)"));
  }
  return CloseRoundNow(ctx, std::move(round));
}

absl::Status CloseRoundNow(TxContext& ctx, v1::RoundRecord round) {
  const uint64_t id = round.id();
  round.set_closed(true);
  round.set_closed_at_ms(ctx.time_ms);
  round.set_lapsed(RoundIssued(round) - (round.awarded() - round.withdrawn()));
  WriteRecord(ctx.state, keys::Round(id), round);

  // Awards become final: move each initiative's net awards of the round.
  UURO_ASSIGN_OR_RETURN(auto awarded,
                        ctx.state.Scan(keys::InitiativeRoundPrefix(id)));
  for (const auto& [key, value] : awarded) {
    v1::InitiativeRoundRecord totals;
    if (!totals.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("an initiative round record does not decode");
    }
    uint64_t net = totals.awarded() - totals.withdrawn();
    if (net == 0) continue;
    uint64_t initiative_id = keys::TrailingId(key);
    UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                          ReadInitiative(ctx.state, initiative_id));
    initiative.set_received_open(initiative.received_open() - net);
    initiative.set_received_final(initiative.received_final() + net);
    WriteRecord(ctx.state, keys::Initiative(initiative_id), initiative);
  }
  ctx.fund.set_open_round(0);
  return absl::OkStatus();
}

}  // namespace uuro::fund
