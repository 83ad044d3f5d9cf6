// Two-phase redemption: owners request, rules or stewards decide. Credits keep
// the round they were awarded in: a request draws on the initiative's oldest
// closed rounds first (or on the round it names), each part valued at its
// round's credit value and held to its round's trust threshold.
#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/round_draws.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

// Sums with overflow checks. On overflow it remembers the failure and the
// rule refuses the whole transaction, so no partial total is ever kept.
class Adder {
 public:
  uint64_t operator()(uint64_t a, uint64_t b) {
    std::optional<uint64_t> sum = CheckedAdd(a, b);
    if (!sum) ok_ = false;
    return sum.value_or(a);
  }
  absl::Status status() const {
    return ok_ ? absl::OkStatus()
               : absl::FailedPreconditionError(
                     "a redemption total would not fit 64 bits");
  }

 private:
  bool ok_ = true;
};

enum class Outcome { kPending, kSettled, kRejected };

// Adds an amount to one outcome's credits and cents.
void AddOutcome(Adder& add, v1::RedemptionTotals& t, Outcome o,
                uint64_t credits, uint64_t cents) {
  switch (o) {
    case Outcome::kPending:
      t.set_pending(add(t.pending(), credits));
      t.set_pending_cents(add(t.pending_cents(), cents));
      break;
    case Outcome::kSettled:
      t.set_settled(add(t.settled(), credits));
      t.set_settled_cents(add(t.settled_cents(), cents));
      break;
    case Outcome::kRejected:
      t.set_rejected(add(t.rejected(), credits));
      t.set_rejected_cents(add(t.rejected_cents(), cents));
      break;
  }
}

// A new request counts as requested and in its outcome; a decision moves an
// amount out of pending (pending only ever holds what was added to it).
void CountRequest(Adder& add, v1::RedemptionTotals& t, Outcome o,
                  uint64_t credits, uint64_t cents) {
  t.set_requested(add(t.requested(), credits));
  t.set_requested_cents(add(t.requested_cents(), cents));
  AddOutcome(add, t, o, credits, cents);
}

void CountDecision(Adder& add, v1::RedemptionTotals& t, Outcome o,
                   uint64_t credits, uint64_t cents) {
  t.set_pending(t.pending() - credits);
  t.set_pending_cents(t.pending_cents() - cents);
  AddOutcome(add, t, o, credits, cents);
}

// The same for an initiative's per-round record; `by_rule` marks a request
// settled by rule, which counts toward the round's trust threshold.
void CountHeld(Adder& add, v1::InitiativeRoundRecord& r, Outcome o,
               bool decision, bool by_rule, uint64_t credits, uint64_t cents) {
  if (decision) {
    r.set_pending(r.pending() - credits);
    r.set_pending_cents(r.pending_cents() - cents);
  }
  if (o == Outcome::kPending) {
    r.set_pending(add(r.pending(), credits));
    r.set_pending_cents(add(r.pending_cents(), cents));
  } else if (o == Outcome::kSettled) {
    r.set_redeemed(add(r.redeemed(), credits));
    r.set_redeemed_cents(add(r.redeemed_cents(), cents));
    if (by_rule) r.set_settled_by_rule(add(r.settled_by_rule(), credits));
  }
}

void CountInitiative(Adder& add, v1::InitiativeRecord& i, Outcome o,
                     bool decision, uint64_t credits, uint64_t cents) {
  if (decision) {
    i.set_pending(i.pending() - credits);
    i.set_pending_cents(i.pending_cents() - cents);
  }
  if (o == Outcome::kPending) {
    i.set_pending(add(i.pending(), credits));
    i.set_pending_cents(add(i.pending_cents(), cents));
  } else if (o == Outcome::kSettled) {
    i.set_redeemed(add(i.redeemed(), credits));
    i.set_redeemed_cents(add(i.redeemed_cents(), cents));
  }
}

// Settles by rule only if, in every round drawn on, what the initiative
// settled by rule plus what is pending plus this part stays within the
// round's threshold. Splitting a request therefore changes nothing.
bool WithinThresholds(const std::vector<Draw>& draws) {
  for (const Draw& d : draws) {
    std::optional<uint64_t> used =
        CheckedAdd(d.held.settled_by_rule(), d.held.pending());
    if (used) used = CheckedAdd(*used, d.credits);
    if (!used || *used > d.round.rules().trust_threshold()) return false;
  }
  return true;
}

}  // namespace

absl::Status RequestRedemption(TxContext& ctx) {
  const v1::RequestRedemption& request = ctx.tx.body.request_redemption();
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        RequireOwnInitiative(ctx, request.initiative_id()));
  if (initiative.status() != v1::INITIATIVE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("initiative ", initiative.id(),
                     " is suspended: ", initiative.status_reason()));
  }
  UURO_ASSIGN_OR_RETURN(std::vector<Draw> draws,
                        PlanDraws(ctx.state, initiative.id(), request.amount(),
                                  request.round_id(), "the request"));
  const bool by_rule = WithinThresholds(draws);
  const Outcome outcome = by_rule ? Outcome::kSettled : Outcome::kPending;

  v1::RedemptionRecord redemption;
  redemption.set_id(ctx.index);
  redemption.set_initiative_id(initiative.id());
  redemption.set_amount(request.amount());
  redemption.set_purpose(request.purpose());
  redemption.set_round_id(request.round_id());
  redemption.set_requested_at_ms(ctx.time_ms);
  redemption.set_status(by_rule ? v1::REDEMPTION_SETTLED
                                : v1::REDEMPTION_PENDING);
  if (by_rule) {
    redemption.set_settled_by_rule(true);
    redemption.set_decided_at_ms(ctx.time_ms);
  }
  Adder add;
  for (Draw& d : draws) {
    v1::RedemptionDraw* part = redemption.add_draws();
    part->set_round_id(d.round.id());
    part->set_credits(d.credits);
    part->set_cents(d.cents);
    redemption.set_cents(add(redemption.cents(), d.cents));
    CountHeld(add, d.held, outcome, false, by_rule, d.credits, d.cents);
    CountRequest(add, *d.round.mutable_redemptions(), outcome, d.credits,
                 d.cents);
    WriteRecord(ctx.state, keys::InitiativeRound(d.round.id(), initiative.id()),
                d.held);
    WriteRecord(ctx.state, keys::Round(d.round.id()), d.round);
  }
  CountInitiative(add, initiative, outcome, false, request.amount(),
                  redemption.cents());
  CountRequest(add, *ctx.fund.mutable_redemptions(), outcome, request.amount(),
               redemption.cents());
  UURO_RETURN_IF_ERROR(add.status());
  WriteRecord(ctx.state, keys::Redemption(ctx.index), redemption);
  WriteRecord(ctx.state, keys::Initiative(initiative.id()), initiative);
  return absl::OkStatus();
}

absl::Status ApproveRedemption(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireCouncil(ctx));
  uint64_t id = ctx.tx.body.approve_redemption().request_id();
  UURO_ASSIGN_OR_RETURN(v1::RedemptionRecord redemption,
                        ReadRedemption(ctx.state, id));
  if (redemption.status() != v1::REDEMPTION_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("redemption request ", id, " is not pending"));
  }
  std::string signer(ctx.tx.signer.begin(), ctx.tx.signer.end());
  for (const std::string& key : redemption.approvals()) {
    if (key == signer) {
      return absl::AlreadyExistsError(absl::StrCat(
          "this council key already approved redemption request ", id));
    }
  }
  redemption.add_approvals(signer);
  WriteRecord(ctx.state, keys::Redemption(id), redemption);
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
  if (settle && CurrentApprovals(ctx.fund, redemption.approvals()) <
                    ctx.fund.council_quorum()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "redemption request ", id, " needs ", ctx.fund.council_quorum(),
        " council approvals before it is settled; it has ",
        CurrentApprovals(ctx.fund, redemption.approvals())));
  }
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                        ReadInitiative(ctx.state, redemption.initiative_id()));
  const Outcome outcome = settle ? Outcome::kSettled : Outcome::kRejected;
  Adder add;
  for (const v1::RedemptionDraw& part : redemption.draws()) {
    UURO_ASSIGN_OR_RETURN(v1::RoundRecord round,
                          ReadRound(ctx.state, part.round_id()));
    UURO_ASSIGN_OR_RETURN(
        v1::InitiativeRoundRecord held,
        ReadInitiativeRound(ctx.state, part.round_id(), initiative.id()));
    CountHeld(add, held, outcome, true, false, part.credits(), part.cents());
    CountDecision(add, *round.mutable_redemptions(), outcome, part.credits(),
                  part.cents());
    WriteRecord(ctx.state,
                keys::InitiativeRound(part.round_id(), initiative.id()), held);
    WriteRecord(ctx.state, keys::Round(part.round_id()), round);
  }
  CountInitiative(add, initiative, outcome, true, redemption.amount(),
                  redemption.cents());
  CountDecision(add, *ctx.fund.mutable_redemptions(), outcome,
                redemption.amount(), redemption.cents());
  UURO_RETURN_IF_ERROR(add.status());
  if (settle) {
    redemption.set_status(v1::REDEMPTION_SETTLED);
    redemption.set_payment_reference(
        ctx.tx.body.settle_redemption().payment_reference());
  } else {
    // The credits return to the rounds they were drawn on.
    redemption.set_status(v1::REDEMPTION_REJECTED);
    redemption.set_reject_reason(ctx.tx.body.reject_redemption().reason());
  }
  redemption.set_decided_at_ms(ctx.time_ms);
  WriteRecord(ctx.state, keys::Redemption(id), redemption);
  WriteRecord(ctx.state, keys::Initiative(initiative.id()), initiative);
  return absl::OkStatus();
}

}  // namespace uuro::fund
