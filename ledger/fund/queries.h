// Reads of the fund state for servers, clients and tests. Each is one or a few
// record lookups: totals are kept as entries apply, never summed on read.
#ifndef LEDGER_FUND_QUERIES_H_
#define LEDGER_FUND_QUERIES_H_

#include <optional>

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "ledger/tlog/keys.h"
#include "uuro/v1/state.pb.h"

namespace uuro::fund {

// FAILED_PRECONDITION before genesis.
absl::StatusOr<v1::FundRecord> ReadFund(const StateReader& state);
// NOT_FOUND for what does not exist.
absl::StatusOr<v1::RoundRecord> ReadRound(const StateReader& state,
                                          uint64_t id);
absl::StatusOr<v1::InitiativeRecord> ReadInitiative(const StateReader& state,
                                                    uint64_t id);
absl::StatusOr<v1::RedemptionRecord> ReadRedemption(const StateReader& state,
                                                    uint64_t id);
absl::StatusOr<v1::ProposalRecord> ReadProposal(const StateReader& state,
                                                uint64_t id);
absl::StatusOr<v1::ResidentRecord> ReadResidentByKey(const StateReader& state,
                                                     const PublicKey& key);
// Zero records for what has not happened yet.
absl::StatusOr<v1::DistrictRoundRecord> ReadDistrictRound(
    const StateReader& state, uint64_t round, std::string_view district);
absl::StatusOr<v1::InitiativeRoundRecord> ReadInitiativeRound(
    const StateReader& state, uint64_t round, uint64_t initiative);
// Net awarded by a resident in a round, and to one initiative.
absl::StatusOr<uint64_t> ReadSpent(const StateReader& state, uint64_t round,
                                   uint64_t resident);
absl::StatusOr<uint64_t> ReadAward(const StateReader& state, uint64_t round,
                                   uint64_t resident, uint64_t initiative);

// NOT_FOUND unless the fund defined `district`.
absl::Status RequireDefinedDistrict(const v1::FundRecord& fund,
                                    const std::string& district);

// What an initiative's owner may still redeem.
uint64_t InitiativeBalance(const v1::InitiativeRecord& initiative);
// The credits a round gave out when it opened: each district's residents
// times its allowance.
uint64_t RoundIssued(const v1::RoundRecord& round);
// The allowance per resident of `district` in a round with these rules.
uint64_t DistrictAllowance(const v1::OpenRound& rules,
                           std::string_view district);
// What an initiative has left of one round's credits, not yet redeemed,
// pending or passed on.
uint64_t RoundCreditsLeft(const v1::InitiativeRoundRecord& held);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_QUERIES_H_
