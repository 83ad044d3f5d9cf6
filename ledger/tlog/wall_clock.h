// The wall clock in milliseconds since the Unix epoch, for the sequencer and
// clients. The fund rules never read it: their time comes from the entry.
#ifndef LEDGER_TLOG_WALL_CLOCK_H_
#define LEDGER_TLOG_WALL_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace uuro {

inline uint64_t WallClockMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

}  // namespace uuro

#endif  // LEDGER_TLOG_WALL_CLOCK_H_
