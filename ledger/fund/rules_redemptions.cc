// Two-phase redemption: owners request, rules or stewards decide.
#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::Status RequestRedemption(TxContext& ctx) {
  const v1::RequestRedemption& request = ctx.tx.body.request_redemption();
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        RequireOwnInitiative(ctx, request.initiative_id()));
  if (initiative.status() != v1::INITIATIVE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("initiative ", initiative.id(),
                     " is suspended: ", initiative.status_reason()));
  }
  uint64_t balance = InitiativeBalance(initiative);
  if (request.amount() > balance) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the request of ", request.amount(),
        " exceeds the redeemable balance of ", balance,
        " (credits of a round still open are not redeemable yet)"));
  }
  // The trust threshold of the latest round opened; none before any round.
  uint64_t threshold = 0;
  if (ctx.fund.last_round() != 0) {
    UURO_ASSIGN_OR_RETURN(v1::RoundRecord round,
                          ReadRound(ctx.state, ctx.fund.last_round()));
    threshold = round.rules().trust_threshold();
  }
  bool by_rule = ctx.fund.last_round() != 0 && request.amount() <= threshold;

  v1::RedemptionRecord redemption;
  redemption.set_id(ctx.index);
  redemption.set_initiative_id(initiative.id());
  redemption.set_amount(request.amount());
  redemption.set_purpose(request.purpose());
  redemption.set_requested_at_ms(ctx.time_ms);
  v1::RedemptionTotals* totals = ctx.fund.mutable_redemptions();
  UURO_ASSIGN_OR_RETURN(uint64_t requested,
                        CheckedSum(totals->requested(), request.amount(),
                                   "the fund's gross redemption requests"));
  totals->set_requested(requested);
  if (by_rule) {
    redemption.set_status(v1::REDEMPTION_SETTLED);
    redemption.set_settled_by_rule(true);
    redemption.set_decided_at_ms(ctx.time_ms);
    initiative.set_redeemed(initiative.redeemed() + request.amount());
    UURO_ASSIGN_OR_RETURN(uint64_t settled,
                          CheckedSum(totals->settled(), request.amount(),
                                     "the fund's settled redemptions"));
    totals->set_settled(settled);
  } else {
    redemption.set_status(v1::REDEMPTION_PENDING);
    initiative.set_pending(initiative.pending() + request.amount());
    totals->set_pending(totals->pending() + request.amount());
  }
  WriteRecord(ctx.state, keys::Redemption(ctx.index), redemption);
  WriteRecord(ctx.state, keys::Initiative(initiative.id()), initiative);
  return absl::OkStatus();
}

absl::Status DecideRedemption(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  bool settle = ctx.tx.body.has_settle_redemption();
  uint64_t id = settle ? ctx.tx.body.settle_redemption().request_id()
                       : ctx.tx.body.reject_redemption().request_id();
  UURO_ASSIGN_OR_RETURN(v1::RedemptionRecord redemption,
                        ReadRedemption(ctx.state, id));
  if (redemption.status() != v1::REDEMPTION_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("redemption request ", id, " is not pending"));
  }
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        ReadInitiative(ctx.state, redemption.initiative_id()));
  uint64_t amount = redemption.amount();
  v1::RedemptionTotals* totals = ctx.fund.mutable_redemptions();
  initiative.set_pending(initiative.pending() - amount);
  totals->set_pending(totals->pending() - amount);
  if (settle) {
    redemption.set_status(v1::REDEMPTION_SETTLED);
    redemption.set_payment_reference(
        ctx.tx.body.settle_redemption().payment_reference());
    initiative.set_redeemed(initiative.redeemed() + amount);
    UURO_ASSIGN_OR_RETURN(uint64_t settled,
                          CheckedSum(totals->settled(), amount,
                                     "the fund's settled redemptions"));
    totals->set_settled(settled);
  } else {
    // The credits return to the initiative's balance.
    redemption.set_status(v1::REDEMPTION_REJECTED);
    redemption.set_reject_reason(ctx.tx.body.reject_redemption().reason());
    UURO_ASSIGN_OR_RETURN(uint64_t rejected,
                          CheckedSum(totals->rejected(), amount,
                                     "the fund's rejected redemptions"));
    totals->set_rejected(rejected);
  }
  redemption.set_decided_at_ms(ctx.time_ms);
  WriteRecord(ctx.state, keys::Redemption(id), redemption);
  WriteRecord(ctx.state, keys::Initiative(initiative.id()), initiative);
  return absl::OkStatus();
}

}  // namespace uuro::fund
