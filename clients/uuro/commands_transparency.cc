// What keeps the operator honest in public: uuro witness serve, a council
// member's witness (C2SP tlog-witness) that cosigns the log's checkpoints only
// while the log stays append-only, and uuro mirror, a static copy of the log
// as tiles that any web server can publish.
#include <signal.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/log_mirror.h"
#include "clients/uuro/commands.h"
#include "clients/witness.h"
#include "clients/witness_http.h"
#include "ledger/tlog/cosignature.h"

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
  std::string name =
      args.name.empty()
          ? "uuro-witness/" +
                FormatPublicKey(secret->public_key()).substr(0, 16)
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
  std::string vkey =
      FormatCosignerKey(cosigner->name(), cosigner->public_key());
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
                     "  witnesses: ", witnessed,
                     "\n  council key (for uurod "
                     "init --council-key): ",
                     council_key, "\n  cosigner key: ", vkey,
                     "\n  state: ", state, "\n(Ctrl-C stops it)\n"));
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  (*listener)->Stop();
  return 0;
}

int Mirror(Context& ctx, const std::string& out) {
  auto log_key = ctx.LogKey();
  if (!log_key.ok()) return Fail(ctx, log_key.status());
  client::MirrorOptions options{*log_key, ctx.state_dir + "/checkpoints", "",
                                nullptr};
  auto report = client::MirrorLog(ctx.Client(), out, options);
  if (!report.ok()) return Fail(ctx, report.status());
  Print(ctx,
        {{"tree_size", report->tree_size},
         {"tiles_written", report->tiles_written},
         {"tiles_kept", report->tiles_kept},
         {"out", out}},
        absl::StrCat("mirrored ", log_key->name(), " at ", report->tree_size,
                     " entries into ", out, ": ", report->tiles_written,
                     " tiles written, ", report->tiles_kept,
                     " full tiles already there\n"));
  return 0;
}

}  // namespace

void AddTransparencyCommands(CLI::App& app, Context& ctx) {
  auto out = std::make_shared<std::string>();
  CLI::App* mirror = app.add_subcommand(
      "mirror",
      "Write the log as C2SP tlog-tiles files into a folder, for a static web "
      "server.");
  mirror->add_option("--out", *out, "the mirror folder")->required();
  mirror->footer(
      "Verifies every entry first (as audit verify does), then writes the\n"
      "tiles, entry bundles, log.vkey and, last, the checkpoint. Run it again\n"
      "(e.g. from a timer) to bring the mirror up to date; full tiles never\n"
      "change and are kept. docs/running-uurod.md shows an nginx site for it.\n"
      "Example:\n  uuro --vkey log.vkey mirror --out /srv/uuro-mirror");
  mirror->callback([&ctx, out] { ctx.exit_code = Mirror(ctx, *out); });

  CLI::App* witness = app.add_subcommand(
      "witness", "Run a council witness that cosigns the log's checkpoints.");
  witness->require_subcommand(1);
  auto args = std::make_shared<WitnessArgs>();
  CLI::App* serve = witness->add_subcommand(
      "serve",
      "Serve C2SP tlog-witness add-checkpoint: cosign each checkpoint that the "
      "log signed and that extends the last one cosigned.");
  serve
      ->add_option("--log-vkey", args->log_vkeys,
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
