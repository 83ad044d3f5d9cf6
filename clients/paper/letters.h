// Invite letters: one printable A4 page per invite, with the code, its QR
// code (the join URL) and short instructions in Dutch and English.
#ifndef CLIENTS_PAPER_LETTERS_H_
#define CLIENTS_PAPER_LETTERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace uuro::paper {

struct Invite {
  std::string code;  // Canonical (ledger/fund/invite_code.h).
  std::string district;
  std::string url;  // JoinUrl of the code.
};

struct LetterOptions {
  std::string fund_name;
  std::string expires;  // When the invites expire, for people: "2027-03-01".
};

// `<base>/#/join?code=XXXXX-...`: the code sits in the fragment, which
// browsers never send to a server, so no web server log holds it.
std::string JoinUrl(std::string_view base, std::string_view code);

// The letters as one HTML document, every text escaped.
absl::StatusOr<std::string> RenderLetters(const std::vector<Invite>& invites,
                                          const LetterOptions& options);

// invites.csv for the mail house: header `code,district,url`, one row per
// invite, fields quoted where CSV needs it (RFC 4180).
std::string InvitesCsv(const std::vector<Invite>& invites);

}  // namespace uuro::paper

#endif  // CLIENTS_PAPER_LETTERS_H_
