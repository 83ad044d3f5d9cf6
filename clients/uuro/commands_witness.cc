// uuro witness serve: a council member's witness (C2SP tlog-witness), which
// cosigns the fund log's checkpoints only while the log stays append-only.
#include <signal.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/uuro/commands.h"
#include "clients/witness.h"
#include "clients/witness_http.h"
#include "ledger/cosignature.h"

namespace uuro::cli {
namespace {

struct WitnessArgs {
  std::string name;
  std::vector<std::string> log_vkeys;
  std::string listen = "127.0.0.1:7380";
  std::string state;
};

int Serve(Context& ctx, const WitnessArgs& args) {
  // Signals are taken by sigwait below; block them before threads start.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto secret = ctx.Key();
  if (!secret.ok()) return Fail(ctx, secret.status());
  std::string name = args.name.empty()
                         ? "uuro-witness/" + FormatPublicKey(secret->public_key())
                                                 .substr(0, 16)
                         : args.name;
  std::string council_key = FormatPublicKey(secret->public_key());
  auto cosigner = Cosigner::Create(name, *std::move(secret));
  if (!cosigner.ok()) return Fail(ctx, cosigner.status());
  std::vector<NoteVerifier> logs;
  for (const std::string& path : args.log_vkeys) {
    auto key = ReadVerifierKeyFile(path);
    if (!key.ok()) return Fail(ctx, key.status());
    logs.push_back(*key);
  }
  std::string state =
      args.state.empty() ? ctx.state_dir + "/witness" : args.state;
  std::string vkey = FormatCosignerKey(cosigner->name(), cosigner->public_key());
  auto witness = client::Witness::Open(*std::move(cosigner), logs, state);
  if (!witness.ok()) return Fail(ctx, witness.status());
  auto listener = client::StartWitnessHttp(**witness, args.listen);
  if (!listener.ok()) return Fail(ctx, listener.status());

  std::string witnessed;
  for (const NoteVerifier& log : logs) {
    absl::StrAppend(&witnessed, witnessed.empty() ? "" : ", ", log.name());
  }
  Print(ctx,
        {{"event", "listening"},
         {"address", (*listener)->address()},
         {"name", name},
         {"cosigner_key", vkey},
         {"council_key", council_key},
         {"logs", witnessed},
         {"state", state}},
        absl::StrCat("witness ", name, " listening on http://",
                     (*listener)->address(), "/add-checkpoint\n",
                     "  witnesses: ", witnessed, "\n  council key (for uurod "
                     "init --council-key): ", council_key,
                     "\n  cosigner key: ", vkey, "\n  state: ", state,
                     "\n(Ctrl-C stops it)\n"));
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  (*listener)->Stop();
  return 0;
}

}  // namespace

void AddWitnessCommands(CLI::App& app, Context& ctx) {
  CLI::App* witness = app.add_subcommand(
      "witness", "Run a council witness that cosigns the log's checkpoints.");
  witness->require_subcommand(1);
  auto args = std::make_shared<WitnessArgs>();
  CLI::App* serve = witness->add_subcommand(
      "serve",
      "Serve C2SP tlog-witness add-checkpoint: cosign each checkpoint that the "
      "log signed and that extends the last one cosigned.");
  serve->add_option("--log-vkey", args->log_vkeys,
                    "verifier key file of a log to witness (log.vkey); "
                    "repeatable")
      ->required();
  serve->add_option("--listen", args->listen, "HOST:PORT to listen on")
      ->capture_default_str();
  serve->add_option("--state", args->state,
                    "folder of the witness's state (default: the uuro state "
                    "folder's witness/)");
  serve->add_option("--name", args->name,
                    "the cosigner's key name, a schema-less URL (default: "
                    "uuro-witness/ and the start of the public key)");
  serve->footer(
      "The signing key is --key (global); its public key must be one of the\n"
      "council keys in the ledger's genesis for uurod to count it.\n\n"
      "Example:\n  uuro --key council-alice.key witness serve --log-vkey "
      "log.vkey \\\n      --listen 0.0.0.0:7380 --state /var/lib/uuro-witness "
      "--name witness.example-town.fi/alice");
  serve->callback([&ctx, args] { ctx.exit_code = Serve(ctx, *args); });
}

}  // namespace uuro::cli
