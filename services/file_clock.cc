#include "services/file_clock.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace uuro::server {

absl::StatusOr<uint64_t> ReadClockFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  uint64_t ms = 0;
  if (!in || !absl::SimpleAtoi(absl::StripAsciiWhitespace(text.str()), &ms)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the clock file ", path, " does not hold a time in milliseconds"));
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
