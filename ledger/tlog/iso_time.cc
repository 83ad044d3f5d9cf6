#include "ledger/tlog/iso_time.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace uuro {
namespace {

// 10000-01-01T00:00:00Z: the first time ISO 8601's four-digit year misses.
constexpr uint64_t kYear10000Ms = 253402300800000;

}  // namespace

std::string FormatIsoTime(uint64_t ms) {
  if (ms >= kYear10000Ms) {
    return absl::StrCat(ms, " ms after 1970 (beyond the year 9999)");
  }
  const absl::Time time = absl::FromUnixMillis(static_cast<int64_t>(ms));
  const char* format =
      ms % 1000 == 0 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%E3SZ";
  return absl::FormatTime(format, time, absl::UTCTimeZone());
}

}  // namespace uuro
