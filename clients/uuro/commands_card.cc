// uuro card: the printable key card of the paper channel, and
// uuro key import, which reads a card's QR text back into a key file.
#include <sodium.h>

#include <iostream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "clients/paper/key_card.h"
#include "clients/uuro/commands.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

absl::Status WriteCard(Context& ctx, const std::string& out) {
  UURO_ASSIGN_OR_RETURN(SecretKey key, ctx.Key());
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, ctx.Client().Fund());
  // The district, if the key is enrolled; a card may be printed before.
  std::string district;
  v1::GetResidentRequest request;
  request.set_key(PublicKeyBytes(key.public_key()));
  v1::ResidentView view;
  grpc::ClientContext call;
  if (ctx.Client().ledger().GetResident(&call, request, &view).ok()) {
    district = view.resident().district();
  }
  std::string secret = SecretKeyText(key);
  auto page = paper::RenderKeyCard(
      {fund.fund_name(), FormatPublicKey(key.public_key()), district, secret});
  sodium_memzero(secret.data(), secret.size());
  UURO_RETURN_IF_ERROR(page.status());
  // The page holds the secret key: only this user may read it.
  absl::Status wrote = WriteFileAtomically(out, *page, 0600);
  sodium_memzero(page->data(), page->size());
  UURO_RETURN_IF_ERROR(wrote);
  Print(ctx, {{"card", out}, {"public_key", FormatPublicKey(key.public_key())}},
        absl::StrCat("key card written to ", out,
                     " (mode 0600): print it, hand it over, then delete the "
                     "file\n"));
  return absl::OkStatus();
}

// Reads a key card's QR text (as a scanner types it) from stdin.
absl::Status ImportKey(Context& ctx, const std::string& out) {
  std::string text((std::istreambuf_iterator<char>(std::cin)),
                   std::istreambuf_iterator<char>());
  auto key = ParseSecretKeyText(text);
  sodium_memzero(text.data(), text.size());
  UURO_RETURN_IF_ERROR(key.status());
  UURO_RETURN_IF_ERROR(SaveSecretKey(*key, out));
  std::string pub = FormatPublicKey(key->public_key());
  Print(ctx, {{"public_key", pub}, {"secret_key_file", out}},
        absl::StrCat("public key: ", pub, "\nsecret key: ", out,
                     " (mode 0600)\n"));
  return absl::OkStatus();
}

}  // namespace

void AddCardCommand(CLI::App& app, Context& ctx) {
  auto out = std::make_shared<std::string>();
  CLI::App* card = app.add_subcommand(
      "card",
      "Print --key as a key card: the secret key as a QR code, for "
      "residents without a smartphone.");
  card->add_option("--out", *out, "the HTML file to write")->required();
  card->footer("Example:\n  uuro --key desk-made.key card --out card.html");
  OnRun(card, ctx, [out](Context& c) { return WriteCard(c, *out); });

  CLI::App* key = app.get_subcommand("key");
  auto import_out = std::make_shared<std::string>();
  CLI::App* import = key->add_subcommand(
      "import", "Read a key card's QR text from stdin into a new key file.");
  import->add_option("--out", *import_out, "the key file to write")->required();
  import->footer(
      "Example:\n  zbarimg -q --raw card.png | uuro key import "
      "--out me.key");
  OnRun(import, ctx,
        [import_out](Context& c) { return ImportKey(c, *import_out); });
}

}  // namespace uuro::cli
