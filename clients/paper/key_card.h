// The key card of the paper channel: a resident without a smartphone keeps
// their secret key on paper, as a QR code a service desk or the web app
// reads back.
#ifndef CLIENTS_PAPER_KEY_CARD_H_
#define CLIENTS_PAPER_KEY_CARD_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace uuro::paper {

struct KeyCard {
  std::string fund_name;
  std::string public_key;  // 64 hex digits.
  std::string district;    // Empty if unknown.
  // The key file's text (ledger/tlog/keys.h), which `uuro key import`
  // reads back. The caller wipes its copy; the returned page holds it too.
  std::string_view secret_key_text;
};

// One A4 page: the secret key as a QR code, the public key in full, and how
// to use and keep the card.
absl::StatusOr<std::string> RenderKeyCard(const KeyCard& card);

}  // namespace uuro::paper

#endif  // CLIENTS_PAPER_KEY_CARD_H_
