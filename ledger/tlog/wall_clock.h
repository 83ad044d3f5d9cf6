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

// A wall clock that can be replaced, so tests can move the time the
// sequencer sees (a forward jump, say) without touching the machine's.
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual uint64_t NowMs() const = 0;
};

// The machine's wall clock.
class SystemWallClock : public WallClock {
 public:
  uint64_t NowMs() const override { return WallClockMs(); }
};

}  // namespace uuro

#endif  // LEDGER_TLOG_WALL_CLOCK_H_
