// Awarding credits to initiatives and withdrawing awards.
#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

// What an award or a withdrawal touches, read and checked in common.
struct AwardScope {
  v1::ResidentRecord resident;
  v1::RoundRecord round;
  v1::InitiativeRecord initiative;
  uint64_t spent = 0;    // Resident's net awards in the round.
  uint64_t awarded = 0;  // Resident's net award to the initiative.
};

absl::StatusOr<AwardScope> ReadScope(const TxContext& ctx, uint64_t round_id,
                                     uint64_t initiative_id) {
  AwardScope s;
  UURO_ASSIGN_OR_RETURN(s.resident, RequireResident(ctx));
  UURO_ASSIGN_OR_RETURN(s.round, ReadRound(ctx.state, round_id));
  UURO_ASSIGN_OR_RETURN(s.initiative, ReadInitiative(ctx.state, initiative_id));
  if (s.round.closed()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", round_id, " is closed; its awards are final"));
  }
  const v1::OpenRound& rules = s.round.rules();
  if (ctx.time_ms < rules.opens_at_ms() ||
      ctx.time_ms >= rules.closes_at_ms()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", round_id, " takes awards from ",
                     FormatIsoTime(rules.opens_at_ms()), " until before ",
                     FormatIsoTime(rules.closes_at_ms()), "; it is now ",
                     FormatIsoTime(ctx.time_ms)));
  }
  UURO_ASSIGN_OR_RETURN(s.spent,
                        ReadSpent(ctx.state, round_id, s.resident.id()));
  UURO_ASSIGN_OR_RETURN(s.awarded, ReadAward(ctx.state, round_id,
                                             s.resident.id(), initiative_id));
  return s;
}

// Adds `amount` to the gross awards (or withdrawals) of a round, initiative
// or district record. Gross counters only grow: they are the sums that could
// wrap.
template <typename Record>
absl::Status AddGross(Record& record, uint64_t amount, bool award,
                      std::string_view whose) {
  UURO_ASSIGN_OR_RETURN(
      uint64_t gross,
      CheckedSum(award ? record.awarded() : record.withdrawn(), amount,
                 absl::StrCat(std::string(whose),
                              award ? " gross awards" : " gross withdrawals")));
  award ? record.set_awarded(gross) : record.set_withdrawn(gross);
  return absl::OkStatus();
}

// Writes the changed totals of one award (sign +1) or withdrawal (-1).
absl::Status WriteAward(TxContext& ctx, AwardScope& s, uint64_t amount,
                        bool award) {
  uint64_t round_id = s.round.id();
  uint64_t initiative_id = s.initiative.id();
  uint64_t resident_id = s.resident.id();
  auto move = [&](uint64_t v) { return award ? v + amount : v - amount; };

  v1::SpentRecord spent;
  spent.set_amount(move(s.spent));
  WriteRecord(ctx.state, keys::Spent(round_id, resident_id), spent);
  v1::AwardRecord record;
  record.set_amount(move(s.awarded));
  WriteRecord(ctx.state, keys::Award(round_id, resident_id, initiative_id),
              record);

  UURO_RETURN_IF_ERROR(AddGross(s.round, amount, award, "the round's"));
  WriteRecord(ctx.state, keys::Round(round_id), s.round);

  UURO_ASSIGN_OR_RETURN(
      auto per_initiative,
      ReadInitiativeRound(ctx.state, round_id, initiative_id));
  UURO_RETURN_IF_ERROR(AddGross(per_initiative, amount, award,
                                "the initiative's, in the round,"));
  WriteRecord(ctx.state, keys::InitiativeRound(round_id, initiative_id),
              per_initiative);

  s.initiative.set_received_open(move(s.initiative.received_open()));
  WriteRecord(ctx.state, keys::Initiative(initiative_id), s.initiative);

  // The giver's district and the initiative's district may differ.
  const std::string& from = s.resident.district();
  const std::string& to = s.initiative.proposal().district();
  UURO_ASSIGN_OR_RETURN(auto giver,
                        ReadDistrictRound(ctx.state, round_id, from));
  UURO_RETURN_IF_ERROR(
      AddGross(giver, amount, award, "the district's, in the round,"));
  if (from == to) {
    giver.set_received(move(giver.received()));
    WriteRecord(ctx.state, keys::DistrictRound(round_id, from), giver);
    return absl::OkStatus();
  }
  WriteRecord(ctx.state, keys::DistrictRound(round_id, from), giver);
  UURO_ASSIGN_OR_RETURN(auto receiver,
                        ReadDistrictRound(ctx.state, round_id, to));
  receiver.set_received(move(receiver.received()));
  WriteRecord(ctx.state, keys::DistrictRound(round_id, to), receiver);
  return absl::OkStatus();
}

}  // namespace

absl::Status Award(TxContext& ctx) {
  const v1::Award& award = ctx.tx.body.award();
  UURO_ASSIGN_OR_RETURN(
      AwardScope s, ReadScope(ctx, award.round_id(), award.initiative_id()));
  if (s.initiative.status() != v1::INITIATIVE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("initiative ", award.initiative_id(),
                     " is suspended: ", s.initiative.status_reason()));
  }
  const v1::OpenRound& rules = s.round.rules();
  if (!rules.owner_may_award_own() && s.initiative.owner() == s.resident.id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", award.round_id(),
                     " does not let owners award their own initiative"));
  }
  const uint64_t asked = s.initiative.proposal().amount_asked();
  const uint64_t received =
      s.initiative.received_final() + s.initiative.received_open();
  std::optional<uint64_t> after = CheckedAdd(received, award.amount());
  if (!rules.may_exceed_amount_asked() && (!after || *after > asked)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "initiative ", award.initiative_id(), " asked for ", asked,
        " and has received ", received, "; round ", award.round_id(),
        " does not let it receive more than it asked"));
  }
  const uint64_t allowance = DistrictAllowance(rules, s.resident.district());
  std::optional<uint64_t> spent = CheckedAdd(s.spent, award.amount());
  if (!spent || *spent > allowance) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the award of ", award.amount(), " exceeds the balance of ",
        allowance - s.spent, " in round ", award.round_id()));
  }
  // allowance <= 10^12, so the product fits 64 bits.
  const uint64_t cap = allowance * rules.max_share_percent() / 100;
  std::optional<uint64_t> to_initiative = CheckedAdd(s.awarded, award.amount());
  if (!to_initiative || *to_initiative > cap) {
    return absl::FailedPreconditionError(absl::StrCat(
        "one resident may award at most ", cap, " to one initiative in round ",
        award.round_id(), "; already awarded ", s.awarded));
  }
  return WriteAward(ctx, s, award.amount(), /*award=*/true);
}

absl::Status WithdrawAward(TxContext& ctx) {
  const v1::WithdrawAward& withdraw = ctx.tx.body.withdraw_award();
  UURO_ASSIGN_OR_RETURN(AwardScope s, ReadScope(ctx, withdraw.round_id(),
                                                withdraw.initiative_id()));
  if (withdraw.amount() > s.awarded) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot withdraw ", withdraw.amount(),
                     "; the award to initiative ", withdraw.initiative_id(),
                     " in round ", withdraw.round_id(), " is ", s.awarded));
  }
  return WriteAward(ctx, s, withdraw.amount(), /*award=*/false);
}

}  // namespace uuro::fund
