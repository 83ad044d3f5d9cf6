#include "services/sequencing_clock.h"

#include <time.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/iso_time.h"

namespace uuro::server {
namespace {

// CLOCK_BOOTTIME: monotonic, never set, and it counts a suspended machine's
// sleep too, as the wall clock does.
uint64_t MonotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 +
         static_cast<uint64_t>(ts.tv_nsec) / 1'000'000;
}

std::string Seconds(uint64_t ms) { return absl::StrCat(ms / 1000, " s"); }

}  // namespace

const SystemWallClock SequencingClock::kSystem{};

SequencingClock::SequencingClock(const WallClock* wall, uint64_t last_time_ms,
                                 ServerMetrics* metrics)
    : wall_(wall != nullptr ? *wall : kSystem),
      metrics_(metrics),
      last_time_ms_(last_time_ms),
      start_wall_ms_(wall_.NowMs()),
      start_monotonic_ms_(MonotonicMs()) {}

absl::StatusOr<uint64_t> SequencingClock::Next() {
  const uint64_t now = wall_.NowMs();
  const uint64_t expected =
      start_wall_ms_ + (MonotonicMs() - start_monotonic_ms_);
  const uint64_t ahead = now > expected ? now - expected : 0;
  const bool jumped = ahead > kMaxClockJumpMs;
  if (metrics_ != nullptr) {
    metrics_->ObserveClockJump(jumped ? static_cast<double>(ahead) / 1000 : 0,
                               jumped);
  }
  if (jumped) {
    return absl::UnavailableError(absl::StrCat(
        "the server's clock jumped forward: it reads ", FormatIsoTime(now),
        ", ", Seconds(ahead), " ahead of ", FormatIsoTime(expected),
        " where it should be; nothing is logged with that time until the "
        "operator fixes the clock or confirms it (docs/operations.md); "
        "retry later"));
  }
  // Entry times never go backwards, even if the wall clock does.
  last_time_ms_ = std::max(last_time_ms_, now);
  return last_time_ms_;
}

}  // namespace uuro::server
