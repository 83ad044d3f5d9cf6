// Credits circulate: an owner passes credits of closed rounds to another
// initiative for work or goods it provides. They keep their round and euro
// value, so the receiver redeems them under the same round's rules.
#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/round_draws.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

absl::Status RequireActive(const v1::InitiativeRecord& initiative) {
  if (initiative.status() != v1::INITIATIVE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("initiative ", initiative.id(),
                     " is suspended: ", initiative.status_reason()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status TransferCredits(TxContext& ctx) {
  const v1::TransferCredits& transfer = ctx.tx.body.transfer_credits();
  UURO_ASSIGN_OR_RETURN(
      v1::InitiativeRecord from,
      RequireOwnInitiative(ctx, transfer.from_initiative_id()));
  UURO_RETURN_IF_ERROR(RequireActive(from));
  UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord to,
                        ReadInitiative(ctx.state, transfer.to_initiative_id()));
  UURO_RETURN_IF_ERROR(RequireActive(to));
  // Between one owner's initiatives a transfer would only double the
  // credits that settle by rule under each round's threshold.
  if (to.owner() == from.owner()) {
    return absl::FailedPreconditionError(
        "credits pass only to another owner's initiative");
  }
  UURO_ASSIGN_OR_RETURN(std::vector<Draw> draws,
                        PlanDraws(ctx.state, from.id(), transfer.amount(),
                                  transfer.round_id(), "the transfer"));

  v1::TransferRecord record;
  record.set_id(ctx.index);
  record.set_from_initiative_id(from.id());
  record.set_to_initiative_id(to.id());
  record.set_amount(transfer.amount());
  record.set_note(transfer.note());
  record.set_transferred_at_ms(ctx.time_ms);
  for (Draw& d : draws) {
    const uint64_t round = d.round.id();
    v1::RedemptionDraw* part = record.add_draws();
    part->set_round_id(round);
    part->set_credits(d.credits);
    part->set_cents(d.cents);
    UURO_ASSIGN_OR_RETURN(uint64_t cents, CheckedSum(record.cents(), d.cents,
                                                     "the transfer's cents"));
    record.set_cents(cents);

    d.held.set_transferred_out(d.held.transferred_out() + d.credits);
    WriteRecord(ctx.state, keys::InitiativeRound(round, from.id()), d.held);
    UURO_ASSIGN_OR_RETURN(v1::InitiativeRoundRecord received,
                          ReadInitiativeRound(ctx.state, round, to.id()));
    UURO_ASSIGN_OR_RETURN(uint64_t in,
                          CheckedSum(received.transferred_in(), d.credits,
                                     "the receiver's transfers in the round"));
    received.set_transferred_in(in);
    WriteRecord(ctx.state, keys::InitiativeRound(round, to.id()), received);
    UURO_ASSIGN_OR_RETURN(
        uint64_t moved,
        CheckedSum(d.round.transferred(), d.credits, "the round's transfers"));
    d.round.set_transferred(moved);
    WriteRecord(ctx.state, keys::Round(round), d.round);
  }
  UURO_ASSIGN_OR_RETURN(uint64_t out,
                        CheckedSum(from.transferred_out(), transfer.amount(),
                                   "the initiative's transfers out"));
  from.set_transferred_out(out);
  UURO_ASSIGN_OR_RETURN(uint64_t in,
                        CheckedSum(to.transferred_in(), transfer.amount(),
                                   "the initiative's transfers in"));
  to.set_transferred_in(in);
  WriteRecord(ctx.state, keys::Initiative(from.id()), from);
  WriteRecord(ctx.state, keys::Initiative(to.id()), to);
  WriteRecord(ctx.state, keys::Transfer(ctx.index), record);
  return absl::OkStatus();
}

}  // namespace uuro::fund
