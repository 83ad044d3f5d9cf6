#include "ledger/fund/round_draws.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

// The closed rounds a request may draw on, oldest first.
absl::StatusOr<std::vector<v1::RoundRecord>> ClosedRounds(
    const StateReader& state, uint64_t named) {
  std::vector<v1::RoundRecord> rounds;
  if (named != 0) {
    UURO_ASSIGN_OR_RETURN(v1::RoundRecord round, ReadRound(state, named));
    if (!round.closed()) {
      return absl::FailedPreconditionError(
          absl::StrCat("round ", named,
                       " is still open; its credits are final only once "
                       "it closes"));
    }
    rounds.push_back(std::move(round));
    return rounds;
  }
  UURO_ASSIGN_OR_RETURN(auto all, state.Scan(keys::RoundPrefix()));
  for (const auto& [key, value] : all) {
    v1::RoundRecord round;
    if (!round.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("a round record does not decode");
    }
    if (round.closed()) rounds.push_back(std::move(round));
  }
  return rounds;
}

}  // namespace

absl::StatusOr<std::vector<Draw>> PlanDraws(const StateReader& state,
                                            uint64_t initiative,
                                            uint64_t amount, uint64_t named,
                                            std::string_view what) {
  UURO_ASSIGN_OR_RETURN(std::vector<v1::RoundRecord> rounds,
                        ClosedRounds(state, named));
  std::vector<Draw> draws;
  uint64_t rest = amount;
  for (v1::RoundRecord& round : rounds) {
    if (rest == 0) break;
    Draw d;
    UURO_ASSIGN_OR_RETURN(d.held,
                          ReadInitiativeRound(state, round.id(), initiative));
    d.credits = std::min(rest, RoundCreditsLeft(d.held));
    if (d.credits == 0) continue;
    std::optional<uint64_t> cents =
        CheckedMul(d.credits, round.rules().credit_value_cents());
    if (!cents) {
      return absl::FailedPreconditionError(absl::StrCat(
          std::string(what), "'s euro value would not fit 64 bits"));
    }
    d.cents = *cents;
    d.round = std::move(round);
    rest -= d.credits;
    draws.push_back(std::move(d));
  }
  if (rest != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        std::string(what), " of ", amount, " exceeds the balance of ",
        amount - rest, named ? absl::StrCat(" in round ", named) : "",
        " (credits of a round still open are not final yet)"));
  }
  return draws;
}

}  // namespace uuro::fund
