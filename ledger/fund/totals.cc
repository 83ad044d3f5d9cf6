#include "ledger/fund/totals.h"

#include "ledger/fund/queries.h"
#include "ledger/fund/small_districts.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::StatusOr<v1::RoundTotals> ReadRoundTotals(const StateReader& state,
                                                uint64_t round_id) {
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, ReadFund(state));
  if (round_id == 0) {
    if (fund.last_round() == 0) {
      return absl::NotFoundError("no round has been opened yet");
    }
    round_id = fund.last_round();
  }
  UURO_ASSIGN_OR_RETURN(v1::RoundRecord round, ReadRound(state, round_id));
  v1::RoundTotals totals;
  totals.set_round_id(round_id);
  totals.set_tree_size(fund.entries());
  totals.set_closed(round.closed());
  totals.set_residents(round.residents());
  totals.set_issued(RoundIssued(round));
  totals.set_awarded(round.awarded());
  totals.set_withdrawn(round.withdrawn());
  totals.set_net_awarded(round.awarded() - round.withdrawn());
  totals.set_unspent(totals.issued() - totals.net_awarded());
  totals.set_lapsed(round.lapsed());
  *totals.mutable_redemptions() = round.redemptions();
  totals.set_transferred(round.transferred());
  totals.set_early_close_reason(round.early_close_reason());

  const std::string district_prefix = keys::DistrictRoundPrefix(round_id);
  UURO_ASSIGN_OR_RETURN(auto districts, state.Scan(district_prefix));
  for (const auto& [key, value] : districts) {
    v1::DistrictTotals* line = totals.add_districts();
    line->set_district(key.substr(district_prefix.size()));
    if (!line->mutable_totals()->ParseFromArray(
            value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("a district record does not decode");
    }
  }
  MergeSmallDistricts(totals, fund.min_district_size());
  UURO_ASSIGN_OR_RETURN(auto initiatives,
                        state.Scan(keys::InitiativeRoundPrefix(round_id)));
  for (const auto& [key, value] : initiatives) {
    v1::InitiativeTotals* line = totals.add_initiatives();
    line->set_initiative_id(keys::TrailingId(key));
    if (!line->mutable_totals()->ParseFromArray(
            value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("an initiative round record does not decode");
    }
    UURO_ASSIGN_OR_RETURN(v1::InitiativeRecord initiative,
                          ReadInitiative(state, line->initiative_id()));
    line->set_district(initiative.proposal().district());
  }
  return totals;
}

absl::StatusOr<v1::FundTotals> ReadFundTotals(const StateReader& state) {
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, ReadFund(state));
  v1::FundTotals totals;
  totals.set_active_residents(fund.active_residents());
  totals.set_initiatives(fund.initiatives());
  totals.set_rounds(fund.rounds());
  totals.set_tree_size(fund.entries());
  *totals.mutable_redemptions() = fund.redemptions();
  return totals;
}

}  // namespace uuro::fund
