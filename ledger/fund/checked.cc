#include "ledger/fund/checked.h"

#include "absl/strings/str_cat.h"

namespace uuro::fund {

absl::StatusOr<uint64_t> CheckedSum(uint64_t a, uint64_t b,
                                    std::string_view what) {
  uint64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) {
    return absl::FailedPreconditionError(
        absl::StrCat(std::string(what), " would exceed 2^64-1 (", a, " + ", b,
                     "); the transaction is refused and nothing changed"));
  }
  return sum;
}

absl::StatusOr<uint64_t> CheckedIssue(uint64_t allowance, uint64_t residents) {
  uint64_t product;
  if (__builtin_mul_overflow(allowance, residents, &product)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the round would issue ", allowance, " credits to each of ", residents,
        " residents, more than 2^64-1 in all; the transaction is refused and "
        "nothing changed"));
  }
  return product;
}

}  // namespace uuro::fund
