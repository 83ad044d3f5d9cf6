#include "services/file_clock.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace uuro::server {

absl::StatusOr<uint64_t> ReadClockFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  const absl::string_view value = absl::StripAsciiWhitespace(content);
  if (in && !value.empty() && (value[0] == '+' || value[0] == '-')) {
    // An offset from the system clock: time flows, moved by the offset.
    int64_t offset = 0;
    if (absl::SimpleAtoi(value.substr(1), &offset) && offset >= 0) {
      const uint64_t now = WallClockMs();
      const uint64_t by = static_cast<uint64_t>(offset);
      if (value[0] == '+') return now + by;
      if (by <= now) return now - by;
    }
  }
  uint64_t ms = 0;
  if (!in || !absl::SimpleAtoi(value, &ms)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the clock file ", path,
        " does not hold a time in milliseconds (or +/- an offset)"));
  }
  return ms;
}

absl::StatusOr<FileWallClock> FileWallClock::Open(std::string path) {
  absl::StatusOr<uint64_t> first = ReadClockFile(path);
  if (!first.ok()) return first.status();
  return FileWallClock(std::move(path), *first);
}

uint64_t FileWallClock::NowMs() const {
  if (absl::StatusOr<uint64_t> ms = ReadClockFile(path_); ms.ok()) last_ = *ms;
  return last_;
}

}  // namespace uuro::server
