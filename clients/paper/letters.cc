#include "clients/paper/letters.h"

#include "absl/strings/str_cat.h"
#include "clients/paper/html.h"
#include "clients/paper/qr_svg.h"
#include "ledger/fund/invite_code.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::paper {
namespace {

constexpr int kQrSizeMm = 50;

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

absl::StatusOr<std::string> Letter(const Invite& invite,
                                   const LetterOptions& options) {
  UURO_ASSIGN_OR_RETURN(std::string qr, QrSvg(invite.url, kQrSizeMm));
  const std::string fund = HtmlEscape(options.fund_name);
  const std::string district = HtmlEscape(invite.district);
  const std::string code = HtmlEscape(fund::GroupInviteCode(invite.code));
  const std::string expires = HtmlEscape(options.expires);
  return absl::StrCat(
      "<section class=\"page\">\n<h1>", fund, "</h1>\n",
      "<p>Wijk / district: <strong>", district, "</strong></p>\n",
      "<p>Uw persoonlijke uitnodigingscode / your personal invite code:</p>\n",
      "<p class=\"code\">", code, "</p>\n<div class=\"qr\">", qr, "</div>\n",
      "<p class=\"url\">", HtmlEscape(invite.url), "</p>\n",
      "<div class=\"lang\" lang=\"nl\"><h2>Zo doet u mee</h2>\n<ol>\n"
      "<li>Scan de QR-code met uw telefoon, of open het adres hierboven.</li>\n"
      "<li>Uw telefoon maakt een eigen sleutel en gebruikt deze code om u "
      "aan te melden. De code werkt maar \xC3\xA9\xC3\xA9n keer, tot ",
      expires,
      ".</li>\n"
      "<li>Geen smartphone? Neem deze brief mee naar een servicebalie; daar "
      "krijgt u een sleutelkaart.</li>\n</ol>\n"
      "<p>Op deze brief staan geen naam of adres in het grootboek: alleen "
      "een vingerafdruk van de code. Deel de code met niemand.</p></div>\n",
      "<div class=\"lang\" lang=\"en\"><h2>How to join</h2>\n<ol>\n"
      "<li>Scan the QR code with your phone, or open the address above.</li>\n"
      "<li>Your phone makes a key of its own and uses this code to enrol "
      "you. The code works once, until ",
      expires,
      ".</li>\n"
      "<li>No smartphone? Bring this letter to a service desk; you get a key "
      "card there.</li>\n</ol>\n"
      "<p>The ledger holds no name or address for this letter, only a "
      "fingerprint of the code. Do not share the code.</p></div>\n"
      "</section>\n");
}

}  // namespace

std::string JoinUrl(std::string_view base, std::string_view code) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return absl::StrCat(std::string(base),
                      "/#/join?code=", fund::GroupInviteCode(code));
}

absl::StatusOr<std::string> RenderLetters(const std::vector<Invite>& invites,
                                          const LetterOptions& options) {
  std::string body;
  for (const Invite& invite : invites) {
    UURO_ASSIGN_OR_RETURN(std::string letter, Letter(invite, options));
    body += letter;
  }
  return A4Document(options.fund_name + " invitation", body);
}

std::string InvitesCsv(const std::vector<Invite>& invites) {
  std::string out = "code,district,url\n";
  for (const Invite& invite : invites) {
    absl::StrAppend(&out, CsvField(fund::GroupInviteCode(invite.code)), ",",
                    CsvField(invite.district), ",", CsvField(invite.url), "\n");
  }
  return out;
}

}  // namespace uuro::paper
