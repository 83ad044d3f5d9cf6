#include "ledger/fund/invite_code.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"

namespace uuro::fund {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kHashContext = "uuro/v1 invite code\n";

// The value of a symbol, or -1; the Crockford aliases map here too.
int SymbolValue(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'I' || c == 'L') c = '1';
  if (c == 'O') c = '0';
  size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// Luhn mod N with N = 32 over the data symbols: catches every single
// substitution and every swap of neighbours but 0<->V (values 0 and 31).
char CheckSymbol(std::string_view data) {
  int factor = 2, sum = 0;
  for (size_t i = data.size(); i-- > 0;) {
    int addend = factor * SymbolValue(data[i]);
    factor = factor == 2 ? 1 : 2;
    sum += addend / 32 + addend % 32;
  }
  return kAlphabet[static_cast<size_t>((32 - sum % 32) % 32)];
}

}  // namespace

std::string NewInviteCode() {
  std::string code;
  for (size_t i = 0; i + 1 < kInviteCodeSymbols; ++i) {
    code += kAlphabet[randombytes_uniform(32)];
  }
  code += CheckSymbol(code);
  return code;
}

absl::StatusOr<std::string> ParseInviteCode(std::string_view text) {
  std::string code;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    int v = SymbolValue(c);
    if (v < 0) {
      return absl::InvalidArgumentError(
          "an invite code has only the letters and digits printed on the "
          "letter (no U)");
    }
    code += kAlphabet[static_cast<size_t>(v)];
  }
  if (code.size() != kInviteCodeSymbols) {
    return absl::InvalidArgumentError(
        absl::StrCat("an invite code has ", kInviteCodeSymbols,
                     " letters and digits, not ", code.size()));
  }
  if (CheckSymbol(std::string_view(code).substr(0, kInviteCodeSymbols - 1)) !=
      code.back()) {
    return absl::InvalidArgumentError(
        "the invite code has a typo: check it against the letter");
  }
  return code;
}

bool IsCanonicalInviteCode(std::string_view code) {
  auto parsed = ParseInviteCode(code);
  return parsed.ok() && *parsed == code;
}

std::string GroupInviteCode(std::string_view code) {
  std::string out;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % kInviteCodeGroup == 0) out += '-';
    out += code[i];
  }
  return out;
}

Hash InviteCodeHash(std::string_view code) {
  return Sha256({AsBytes(kHashContext), AsBytes(code)});
}

}  // namespace uuro::fund
