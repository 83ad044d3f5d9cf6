// Checked arithmetic for the totals the rules keep. Every amount is a
// uint64; a sum or product that does not fit would wrap silently into a
// small number, and that number would be logged and replayed for ever. The
// rule that would make it refuses instead, and nothing of it is kept.
#ifndef LEDGER_FUND_CHECKED_H_
#define LEDGER_FUND_CHECKED_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace uuro::fund {

// a + b; FAILED_PRECONDITION naming `what` ("the round's gross awards") if
// the sum does not fit 64 bits.
absl::StatusOr<uint64_t> CheckedSum(uint64_t a, uint64_t b,
                                    std::string_view what);

// What a round issues: allowance x residents; FAILED_PRECONDITION if the
// product does not fit 64 bits (checked when a round opens and when a
// resident joins an open round, so a stored round's product always fits).
absl::StatusOr<uint64_t> CheckedIssue(uint64_t allowance, uint64_t residents);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_CHECKED_H_
