// uuro: the command-line client of the Uuro ledger, for residents, initiative
// owners, the fund office and the council.
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clients/checkpoint_store.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/context.h"

namespace {

std::string Env(const char* name, std::string fallback = "") {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace uuro::cli;
  // As in uurod: the verifier spares Abseil's per-lock bookkeeping unless
  // the test suite asks for it.
  if (std::getenv("UURO_MUTEX_DEADLOCK_CHECKS") == nullptr) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  Context ctx;
  ctx.server = Env("UURO_SERVER", ctx.server);
  ctx.key_file = Env("UURO_KEY");
  ctx.vkey_file = Env("UURO_VKEY");
  ctx.state_dir = uuro::client::DefaultStateDir();

  CLI::App app{
      "uuro: the Uuro ledger client. Residents award credits to local\n"
      "initiatives, owners redeem them, the fund office runs rounds, and "
      "anyone\n"
      "can verify the signed log."};
  app.set_version_flag("--version", std::string("uuro 0.1.0"));
  app.require_subcommand(1);
  // Global options (--json, --server, --key, ...) are accepted after the verb
  // too: every subcommand, added below, inherits this.
  app.fallthrough();
  app.add_option("--server", ctx.server, "uurod address (UURO_SERVER)")
      ->capture_default_str();
  app.add_option("--key", ctx.key_file, "your secret key file (UURO_KEY)");
  app.add_option("--vkey", ctx.vkey_file,
                 "the log's verifier key file to pin (UURO_VKEY)");
  app.add_flag("--tls", ctx.tls, "connect with TLS (system roots)");
  app.add_option("--tls-ca", ctx.tls_ca, "PEM roots to trust for TLS");
  app.add_flag("--json", ctx.json, "print JSON instead of tables");
  app.footer(
      "Examples:\n"
      "  uuro key new --out me.key\n"
      "  uuro initiatives\n"
      "  uuro --key me.key award 17 25\n"
      "  uuro --vkey log.vkey audit verify\n"
      "Run 'uuro COMMAND --help' for each command.");

  AddKeyCommands(app, ctx);
  AddResidentCommands(app, ctx);
  AddOwnerCommands(app, ctx);
  AddStewardCommands(app, ctx);
  AddAuditCommands(app, ctx);
  AddTransparencyCommands(app, ctx);
  AddRedemptionCommands(app, ctx);
  AddDistrictCommands(app, ctx);
  AddInviteCommands(app, ctx);
  AddCardCommand(app, ctx);
  AddGovernanceCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with exit code 0: print as CLI11 does.
    // A command line that does not parse may not have set --json yet.
    for (int i = 1; i < argc; ++i) {
      if (std::string(argv[i]) == "--json") ctx.json = true;
    }
    if (e.get_exit_code() == 0 || !ctx.json) return app.exit(e);
    return FailWith(ctx, "INVALID_ARGUMENT", e.what(), e.get_exit_code());
  } catch (const ServerRefused& refused) {
    return Fail(ctx, refused.status);
  }
  return ctx.exit_code;
}
