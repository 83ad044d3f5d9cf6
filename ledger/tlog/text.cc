#include "ledger/tlog/text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace uuro {

bool NextCodePoint(std::string_view& s, char32_t& cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n;
  char32_t min;
  if (p[0] < 0x80) {
    cp = p[0], n = 1, min = 0;
  } else if ((p[0] & 0xE0) == 0xC0) {
    cp = p[0] & 0x1F, n = 2, min = 0x80;
  } else if ((p[0] & 0xF0) == 0xE0) {
    cp = p[0] & 0x0F, n = 3, min = 0x800;
  } else if ((p[0] & 0xF8) == 0xF0) {
    cp = p[0] & 0x07, n = 4, min = 0x10000;
  } else {
    return false;
  }
  if (s.size() < n) return false;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return false;
  }
  s.remove_prefix(n);
  return true;
}

bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

absl::Status CheckCharacters(std::string_view s, bool allow_newline,
                             std::string_view what) {
  char32_t c;
  while (!s.empty()) {
    if (!NextCodePoint(s, c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), " is not valid UTF-8"));
    }
    bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    if (control && !(allow_newline && c == '\n')) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), " contains control character ",
                       absl::StrFormat("0x%02x", static_cast<unsigned>(c))));
    }
  }
  return absl::OkStatus();
}

std::optional<uint64_t> ParseCanonicalDecimal(std::string_view text) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string_view::npos ||
      (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  uint64_t value = 0;
  for (char c : text) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace uuro
