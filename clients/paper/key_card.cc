#include "clients/paper/key_card.h"

#include "absl/strings/str_cat.h"
#include "clients/paper/html.h"
#include "clients/paper/qr_svg.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::paper {

absl::StatusOr<std::string> RenderKeyCard(const KeyCard& card) {
  UURO_ASSIGN_OR_RETURN(std::string qr, QrSvg(card.secret_key_text, 60));
  std::string district =
      card.district.empty()
          ? ""
          : absl::StrCat("<p>Wijk / district: <strong>",
                         HtmlEscape(card.district), "</strong></p>\n");
  std::string body = absl::StrCat(
      "<section class=\"page\">\n<h1>", HtmlEscape(card.fund_name),
      "</h1>\n<h2>Sleutelkaart / key card</h2>\n", district,
      "<p class=\"warning\"><strong>GEHEIM / SECRET.</strong> Deze QR-code "
      "is uw sleutel: wie hem heeft, kan namens u stemmen. Bewaar de kaart "
      "als een bankpas. / This QR code is your key: whoever holds it can "
      "award credits as you. Keep the card like a bank card.</p>\n",
      "<div class=\"qr\">", qr, "</div>\n",
      "<p>Geheime sleutel (uuro key import) / secret key:</p>\n",
      "<p class=\"key\">", HtmlEscape(card.secret_key_text), "</p>\n",
      "<p>Publieke sleutel / public key (mag iedereen zien / anyone may see "
      "it):</p>\n<p class=\"key\">",
      HtmlEscape(card.public_key), "</p>\n",
      "<div class=\"lang\" lang=\"nl\"><h2>Gebruik</h2><p>Laat de kaart "
      "scannen bij een servicebalie, of importeer de QR-code in de webapp. "
      "Kaart kwijt? Meld het bij het fondsloket: uw sleutel wordt "
      "ingetrokken en u krijgt een nieuwe uitnodiging.</p></div>\n",
      "<div class=\"lang\" lang=\"en\"><h2>How to use it</h2><p>Have the "
      "card scanned at any service desk, or import the QR code in the web "
      "app. Lost the card? Tell the fund office: your key is revoked and "
      "you get a new invite.</p></div>\n</section>\n");
  return A4Document(card.fund_name + " key card", body);
}

}  // namespace uuro::paper
