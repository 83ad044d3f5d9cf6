// Pseudonymity in published figures: a district with only a few residents
// would show what those few awarded, so aggregates never show a district
// smaller than the fund's minimum district size on its own.
#ifndef LEDGER_FUND_SMALL_DISTRICTS_H_
#define LEDGER_FUND_SMALL_DISTRICTS_H_

#include <cstdint>
#include <map>
#include <string>

#include "uuro/v1/audit.pb.h"

namespace uuro::fund {

// The name of the row that small districts are merged into.
inline constexpr char kMergedDistricts[] = "(merged small districts)";

// The published name of each district, given its residents: its own, or
// kMergedDistricts for every district with fewer than `min_size`. When the
// merged row would itself hold fewer than `min_size` residents (and some),
// the smallest other districts join it until it holds enough.
std::map<std::string, std::string> PublishedDistricts(
    const std::map<std::string, uint64_t>& residents, uint64_t min_size);

// Merges the district lines of `totals` as PublishedDistricts says; the
// merged line's allowance is 0 when its districts' allowances differ.
void MergeSmallDistricts(v1::RoundTotals& totals, uint64_t min_size);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_SMALL_DISTRICTS_H_
