// Checks on UTF-8 text that goes into notes and transactions.
#ifndef LEDGER_TLOG_TEXT_H_
#define LEDGER_TLOG_TEXT_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace uuro {

// Decodes the code point at the front of `s` into `cp` and drops it from `s`.
// False if `s` does not start with well-formed UTF-8 (no overlong forms,
// surrogates or values past U+10FFFF).
bool NextCodePoint(std::string_view& s, char32_t& cp);

// Unicode White_Space, as Go's unicode.IsSpace (the reference notes library).
bool IsUnicodeSpace(char32_t c);

// INVALID_ARGUMENT, naming `what`, unless `s` is UTF-8 without control
// characters (C0, DEL and C1, which terminals may act on), except '\n' where
// `allow_newline`.
absl::Status CheckCharacters(std::string_view s, bool allow_newline,
                             std::string_view what);

// `text` as a number if it is ASCII decimal digits with no sign and no
// leading zero (except "0") that fits 64 bits: the one spelling that
// checkpoints and the witness protocol accept for a tree size.
std::optional<uint64_t> ParseCanonicalDecimal(std::string_view text);

}  // namespace uuro

#endif  // LEDGER_TLOG_TEXT_H_
