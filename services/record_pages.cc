#include "services/record_pages.h"

#include <charconv>

namespace uuro::server {

absl::StatusOr<uint64_t> PageStart(const std::string& token) {
  if (token.empty()) return 0;
  uint64_t v = 0;
  auto [end, ec] =
      std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size()) {
    return absl::InvalidArgumentError("the page token is not one we issued");
  }
  return v;
}

}  // namespace uuro::server
