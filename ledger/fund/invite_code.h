// One-time invite codes (docs/onboarding.md): 29 random Crockford base32
// symbols (145 bits) and a Luhn mod 32 check symbol, written in six groups
// of five, "7XKQ2-...". Letters and the mail house see the code; the log
// sees only InviteCodeHash() until the code is claimed.
#ifndef LEDGER_FUND_INVITE_CODE_H_
#define LEDGER_FUND_INVITE_CODE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"

namespace uuro::fund {

inline constexpr size_t kInviteCodeSymbols = 30;  // Including the check.
inline constexpr size_t kInviteCodeGroup = 5;

// A fresh code in canonical form (30 uppercase symbols, no dashes), from
// libsodium's randombytes.
std::string NewInviteCode();

// Canonical form of typed text: case-insensitive, dashes and spaces ignored,
// I and L read as 1 and O as 0 (as Crockford base32 does). INVALID_ARGUMENT
// for another symbol, the wrong length, or a check symbol that does not
// match, which catches any one mistyped symbol and most swaps.
absl::StatusOr<std::string> ParseInviteCode(std::string_view text);

// True if `code` is already canonical and its check symbol matches.
bool IsCanonicalInviteCode(std::string_view code);

// "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" of a canonical code.
std::string GroupInviteCode(std::string_view code);

// SHA-256 over the context "uuro/v1 invite code\n" and the canonical code:
// what IssueInvites logs and ClaimInvite is looked up by.
Hash InviteCodeHash(std::string_view code);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_INVITE_CODE_H_
