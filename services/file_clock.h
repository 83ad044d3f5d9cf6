// A wall clock read from a file, for tests of a real uurod: `uurod serve
// --clock-file PATH` takes its time from PATH (decimal milliseconds since the
// epoch, or "+N"/"-N": the system clock moved by N milliseconds), re-read at
// every reading, so a test moves uurod's clock by rewriting the file instead
// of sleeping. The flag is hidden and off by default; never for production:
// nothing checks the file.
#ifndef SERVICES_FILE_CLOCK_H_
#define SERVICES_FILE_CLOCK_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::server {

class FileWallClock : public WallClock {
 public:
  // Reads `path` once: INVALID_ARGUMENT if it does not hold a time.
  static absl::StatusOr<FileWallClock> Open(std::string path);

  // The time in the file; the last good reading if it cannot be read now
  // (a test rewriting it).
  uint64_t NowMs() const override;

 private:
  FileWallClock(std::string path, uint64_t first)
      : path_(std::move(path)), last_(first) {}

  std::string path_;
  mutable uint64_t last_;
};

// The time written in the file at `path`.
absl::StatusOr<uint64_t> ReadClockFile(const std::string& path);

}  // namespace uuro::server

#endif  // SERVICES_FILE_CLOCK_H_
