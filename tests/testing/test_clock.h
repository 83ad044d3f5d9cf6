// The clock a test sets for a real uurod: `uurod serve --clock-file PATH`
// (hidden, tests only; services/file_clock.h) reads its wall clock from a
// file, and this writes that file atomically (write, then rename), so a test
// moves uurod's time forward instead of sleeping until real time gets there.
// The clock either stands still at a set time or runs with the system clock
// moved by an offset.
#ifndef TESTS_TESTING_TEST_CLOCK_H_
#define TESTS_TESTING_TEST_CLOCK_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ledger/tlog/wall_clock.h"

namespace uuro::testing {

class TestClock {
 public:
  // The clock file at `path`, set to stand still at `start_ms`.
  TestClock(std::string path, uint64_t start_ms) : path_(std::move(path)) {
    Set(start_ms);
  }
  // The clock file at `path`, running with the system clock (offset 0).
  explicit TestClock(std::string path) : path_(std::move(path)) {
    SetOffset(0);
  }

  // The arguments that give a uurod this clock.
  std::vector<std::string> Args() const { return {"--clock-file", path_}; }

  // The time last set (with SetOffset: the system clock's then, moved).
  uint64_t now_ms() const { return now_ms_; }
  // uurod's clock stands still at `ms`.
  void Set(uint64_t ms) {
    now_ms_ = ms;
    Write(std::to_string(ms));
  }
  // uurod's clock runs with the system's, `ms` ahead of it.
  void SetOffset(uint64_t ms) {
    now_ms_ = WallClockMs() + ms;
    Write("+" + std::to_string(ms));
  }
  // uurod refuses a wall clock more than 5 minutes ahead of its monotonic
  // clock (services/sequencing_clock.h): keep each move well below that.
  void Advance(uint64_t ms) { Set(now_ms_ + ms); }

 private:
  void Write(const std::string& text) {
    const std::string staged = path_ + ".new";
    { std::ofstream(staged) << text << "\n"; }
    std::filesystem::rename(staged, path_);
  }

  std::string path_;
  uint64_t now_ms_ = 0;
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_TEST_CLOCK_H_
