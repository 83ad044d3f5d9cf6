// Credits keep the round they were awarded in. A redemption or a transfer
// draws on an initiative's closed rounds, oldest first (or on one round it
// names), each part valued at its round's credit value.
#ifndef LEDGER_FUND_ROUND_DRAWS_H_
#define LEDGER_FUND_ROUND_DRAWS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "uuro/v1/state.pb.h"

namespace uuro::fund {

// The part of a request drawn on one closed round.
struct Draw {
  v1::RoundRecord round;
  v1::InitiativeRoundRecord held;  // The initiative's record of the round.
  uint64_t credits = 0;
  uint64_t cents = 0;
};

// Plans drawing `amount` credits of `initiative`: on round `named`, or
// oldest closed round first when it is 0. FAILED_PRECONDITION when the
// initiative has too little left (`what` names the request in the message),
// or when `named` is still open.
absl::StatusOr<std::vector<Draw>> PlanDraws(const StateReader& state,
                                            uint64_t initiative,
                                            uint64_t amount, uint64_t named,
                                            std::string_view what);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_ROUND_DRAWS_H_
