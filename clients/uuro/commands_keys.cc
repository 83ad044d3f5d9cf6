// uuro key new | key show
#include <cstdio>

#include "clients/uuro/commands.h"

namespace uuro::cli {

void AddKeyCommands(CLI::App& app, Context& ctx) {
  CLI::App* key = app.add_subcommand("key", "Make and show signing keys.");
  key->require_subcommand(1);

  auto out = std::make_shared<std::string>();
  CLI::App* make = key->add_subcommand(
      "new", "Make a new key pair; the secret key file gets mode 0600.");
  make->add_option("--out", *out,
                   "where to write the secret key (default: --key / UURO_KEY)");
  make->footer("Example:\n  uuro key new --out ~/.config/uuro/me.key");
  make->callback([&ctx, out] {
    std::string path = out->empty() ? ctx.key_file : *out;
    if (path.empty()) {
      ctx.exit_code = Fail(ctx, absl::InvalidArgumentError(
                                    "say where to write the key: --out FILE"));
      return;
    }
    SecretKey secret = SecretKey::Generate();
    absl::Status saved = SaveSecretKey(secret, path);
    if (!saved.ok()) {
      ctx.exit_code = Fail(ctx, saved);
      return;
    }
    std::string pub = FormatPublicKey(secret.public_key());
    Print(ctx, {{"public_key", pub}, {"secret_key_file", path}},
          "public key: " + pub + "\nsecret key: " + path +
              " (mode 0600; keep it, and never share it)\n");
  });

  CLI::App* show =
      key->add_subcommand("show", "Print the public key of --key.");
  show->footer("Example:\n  uuro --key me.key key show");
  show->callback([&ctx] {
    auto secret = ctx.Key();
    if (!secret.ok()) {
      ctx.exit_code = Fail(ctx, secret.status());
      return;
    }
    std::string pub = FormatPublicKey(secret->public_key());
    Print(ctx, {{"public_key", pub}}, pub + "\n");
  });
}

}  // namespace uuro::cli
