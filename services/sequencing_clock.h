// The time the sequencer gives each entry. Entry times never go backwards
// (the maximum of the wall clock and the previous entry's time), so a time
// once logged is a floor for every later entry: one forward jump of the
// server's wall clock, if persisted, would make every client's transaction
// look expired or early until real time catches up. So the wall clock is
// checked against the monotonic clock (which no one sets): a reading more
// than kMaxClockJumpMs ahead of where the wall clock should be, counting from
// when uurod started, is refused with UNAVAILABLE and raises the
// uuro_clock_jump_* metrics, and nothing is logged until the wall clock is
// back (docs/operations.md says what the operator does).
#ifndef SERVICES_SEQUENCING_CLOCK_H_
#define SERVICES_SEQUENCING_CLOCK_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/tlog/wall_clock.h"
#include "services/metrics.h"

namespace uuro::server {

// How far the wall clock may run ahead of the monotonic clock since start.
inline constexpr uint64_t kMaxClockJumpMs = 5 * 60 * 1000;

class SequencingClock {
 public:
  // `wall` (null: the system clock) and `metrics` (may be null) must outlive
  // it. `last_time_ms` is the time of the latest entry logged.
  SequencingClock(const WallClock* wall, uint64_t last_time_ms,
                  ServerMetrics* metrics);

  // The time for the next entry, or UNAVAILABLE on a forward jump.
  absl::StatusOr<uint64_t> Next();

  // The time of the latest entry handed out, and undoing Next() calls whose
  // entries were never committed.
  uint64_t last_time_ms() const { return last_time_ms_; }
  void Restore(uint64_t last_time_ms) { last_time_ms_ = last_time_ms; }

 private:
  static const SystemWallClock kSystem;

  const WallClock& wall_;
  ServerMetrics* const metrics_;
  uint64_t last_time_ms_;
  const uint64_t start_wall_ms_;       // The wall clock at start...
  const uint64_t start_monotonic_ms_;  // ...and the monotonic one then.
};

}  // namespace uuro::server

#endif  // SERVICES_SEQUENCING_CLOCK_H_
