#include "services/uurod_ops.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/wall_clock.h"
#include "services/backup.h"
#include "services/data_dir.h"
#include "services/follower.h"
#include "services/metrics.h"
#include "services/rebuild.h"
#include "services/server.h"
#include "services/tile_http.h"

namespace uuro::server {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "uurod: %s\n", std::string(status.message()).c_str());
  return 1;
}

// Progress on stderr: a line a second at most, and the last one always, so
// that it reads well in a terminal and in a journal alike.
class ProgressLine {
 public:
  explicit ProgressLine(const char* what) : what_(what) {}
  void operator()(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::fprintf(stderr, "%s: %llu/%llu entries (%.0f%%)\n", what_,
                 static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total),
                 total == 0 ? 100.0 : 100.0 * done / total);
  }

 private:
  const char* what_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

struct OpsCommands::Flags {
  CLI::App* backup = nullptr;
  std::string backup_data = DefaultDataDir();
  std::string backup_out;
  BackupOptions backup_options;

  CLI::App* restore = nullptr;
  std::string restore_from;
  std::string restore_data;
  RestoreOptions restore_options;

  CLI::App* follow = nullptr;
  std::string follow_vkey;
  std::string follow_data;
  std::string follow_primary;
  std::string follow_http;
  int follow_poll_ms = 1000;
  Follower::Options follow_options;
  ServeOptions follow_serve;

  CLI::App* rebuild = nullptr;
  std::string rebuild_vkey;
  std::string rebuild_data;
  RebuildOptions rebuild_options;
};

OpsCommands::OpsCommands(CLI::App& app) : flags_(std::make_unique<Flags>()) {
  Flags& f = *flags_;
  f.backup = app.add_subcommand(
      "backup",
      "Copy a ledger consistently into a new folder, even while uurod serves "
      "it and keeps writing.");
  f.backup->add_option("--data", f.backup_data, "data folder")
      ->capture_default_str();
  f.backup->add_option("--out", f.backup_out, "new backup folder")->required();
  f.backup->add_flag("--with-log-key", f.backup_options.with_log_key,
                     "also copy the log signing key (keep such a backup "
                     "offline; see docs/operations.md)");
  f.backup->footer(
      "A running uurod makes the copy itself, through DIR/admin.sock: run "
      "this as the user uurod runs as.\nExample:\n  uurod backup --data "
      "/var/lib/uuro --out /var/backups/uuro/$(date +%F)");

  f.restore = app.add_subcommand(
      "restore", "Check a backup and bring it back into a new data folder.");
  f.restore->add_option("--from", f.restore_from, "backup folder")->required();
  f.restore->add_option("--data", f.restore_data, "new data folder")
      ->required();
  f.restore->add_option("--log-key", f.restore_options.log_key,
                        "log signing key file to install, if the backup "
                        "holds none");

  f.rebuild = app.add_subcommand(
      "rebuild",
      "Rebuild a ledger from its public log on any C2SP tlog-tiles mirror, "
      "checking every entry against the signed checkpoint; run again to "
      "resume or to catch up.");
  f.rebuild
      ->add_option("--from", f.rebuild_options.url,
                   "mirror URL, e.g. https://log.example-town.fi/uuro")
      ->required();
  f.rebuild
      ->add_option("--vkey", f.rebuild_vkey,
                   "the log's verifier key, or a file holding it; take "
                   "it from a source you trust, not from the mirror")
      ->required();
  f.rebuild->add_option("--data", f.rebuild_data, "data folder to build")
      ->required();
  f.rebuild
      ->add_option("--commit-entries", f.rebuild_options.commit_entries,
                   "entries per local commit")
      ->capture_default_str();

  f.follow = app.add_subcommand(
      "follow",
      "Keep a verified copy of a log from its tiles mirror and serve it "
      "read-only (Ledger reads, Transparency, Audit, tiles); writes are "
      "refused with the primary's address.");
  f.follow
      ->add_option("--from", f.follow_options.url,
                   "mirror URL, e.g. http://primary.internal:8080")
      ->required();
  f.follow
      ->add_option("--vkey", f.follow_vkey,
                   "the log's verifier key, or a file holding it")
      ->required();
  f.follow->add_option("--data", f.follow_data, "the follower's own folder")
      ->required();
  f.follow->add_option("--primary", f.follow_primary,
                       "where writes go, named in refusals (default: --from)");
  f.follow
      ->add_option("--grpc-listen", f.follow_serve.grpc_listen,
                   "gRPC address (port 0: any free port)")
      ->capture_default_str();
  f.follow->add_option("--tls-cert", f.follow_serve.tls_cert,
                       "PEM certificate chain for TLS");
  f.follow->add_option("--tls-key", f.follow_serve.tls_key,
                       "PEM private key for TLS");
  f.follow->add_option("--http-listen", f.follow_http,
                       "also serve the copy as tiles, and /metrics, here");
  f.follow
      ->add_option("--poll-ms", f.follow_poll_ms,
                   "how often to look for a new checkpoint")
      ->capture_default_str();
}

OpsCommands::~OpsCommands() = default;

std::optional<int> OpsCommands::Run() {
  Flags& f = *flags_;
  if (f.backup->parsed()) {
    auto info =
        BackupLedger(DataDir{f.backup_data}, f.backup_out, f.backup_options);
    if (!info.ok()) return Fail(info.status());
    std::printf("backed up %s: %llu entries, root %s, into %s%s\n",
                info->origin.c_str(),
                static_cast<unsigned long long>(info->size),
                ToHex(info->root).c_str(), f.backup_out.c_str(),
                f.backup_options.with_log_key ? " (with the log key)" : "");
    return 0;
  }
  if (f.restore->parsed()) {
    bool installed_key = false;
    DataDir dir{f.restore_data};
    auto info =
        RestoreLedger(f.restore_from, dir, f.restore_options, &installed_key);
    if (!info.ok()) return Fail(info.status());
    std::printf("restored %s: %llu entries, root %s, into %s\n",
                info->origin.c_str(),
                static_cast<unsigned long long>(info->size),
                ToHex(info->root).c_str(), f.restore_data.c_str());
    if (!installed_key) {
      std::printf(
          "the folder has no log signing key yet; put it back from its safe "
          "place before serving:\n  install -m 0600 KEYFILE %s\n",
          dir.log_key().c_str());
    }
    return 0;
  }
  if (f.rebuild->parsed()) return RunRebuild();
  if (f.follow->parsed()) return RunFollow();
  return std::nullopt;
}

int OpsCommands::RunRebuild() {
  Flags& f = *flags_;
  auto vkey = VerifierKeyText(f.rebuild_vkey);
  if (!vkey.ok()) return Fail(vkey.status());
  f.rebuild_options.vkey = *vkey;
  DataDir dir{f.rebuild_data};
  ProgressLine progress("rebuild");
  auto info = RebuildLedger(
      f.rebuild_options, dir,
      [&](uint64_t done, uint64_t total) { progress(done, total); });
  if (!info.ok()) {
    Fail(info.status());
    if (absl::IsUnavailable(info.status())) {
      std::fprintf(stderr,
                   "uurod: what was verified so far is kept; run the same "
                   "command again to resume\n");
    }
    return 1;
  }
  std::printf("rebuilt %s: %llu entries, root %s, in %s\n",
              info->origin.c_str(), static_cast<unsigned long long>(info->size),
              ToHex(info->root).c_str(), f.rebuild_data.c_str());
  std::printf(
      "the folder holds no log signing key. To serve it as the primary, put "
      "the key back from its safe place:\n  install -m 0600 KEYFILE %s\n"
      "To serve it read-only instead, use: uurod follow\n",
      dir.log_key().c_str());
  return 0;
}

}  // namespace uuro::server

namespace uuro::server {

int OpsCommands::RunFollow() {
  Flags& f = *flags_;
  // Signals go to one thread that shuts down in order, as in serve.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto vkey = VerifierKeyText(f.follow_vkey);
  if (!vkey.ok()) return Fail(vkey.status());
  f.follow_options.vkey = *vkey;
  f.follow_options.poll = std::chrono::milliseconds(f.follow_poll_ms);
  ServerMetrics metrics;
  std::atomic<GrpcServer*> grpc_server{nullptr};
  f.follow_options.on_advance = [&metrics](const SignedCheckpoint& cp) {
    metrics.SetCheckpointTime(WallClockMs());
    spdlog::info("event=followed tree_size={}", cp.size);
  };
  f.follow_options.on_stop = [&grpc_server](const absl::Status& why) {
    // Loud on purpose: two checkpoints signed by one log key that do not
    // agree are evidence that the log misbehaved; keep them.
    spdlog::critical(
        "event=follow_stopped reason=inconsistent_checkpoint detail=\"{}\"",
        std::string(why.message()));
    spdlog::critical(
        "event=follow_stopped serving the last verified checkpoint only; "
        "report this to the log's operator and the council with the "
        "checkpoints above");
    if (GrpcServer* s = grpc_server.load()) s->SetServing(false);
  };
  ProgressLine progress("follow");
  auto follower = Follower::Open(
      DataDir{f.follow_data}, f.follow_options,
      [&](uint64_t done, uint64_t total) { progress(done, total); });
  if (!follower.ok()) return Fail(follower.status());
  Follower& view = **follower;
  RefusingWriter writer(f.follow_primary.empty() ? f.follow_options.url
                                                 : f.follow_primary);
  auto server = GrpcServer::Start(view, writer, f.follow_serve);
  if (!server.ok()) return Fail(server.status());
  grpc_server = server->get();
  spdlog::info("event=listening grpc={} origin={} tree_size={} following={}",
               (*server)->address(), view.origin(), view.checkpoint()->size,
               f.follow_options.url);
  std::unique_ptr<TileHttpServer> http;
  if (!f.follow_http.empty()) {
    auto page = [&view, &metrics] {
      ServerMetrics::Sample sample;
      sample.tree_size = view.checkpoint()->size;
      if (auto rocks = ReadRocksFigures(view.store()); rocks.ok()) {
        sample.rocks = *rocks;
      }
      return metrics.Render(sample);
    };
    auto started = TileHttpServer::Start(view, f.follow_http, page);
    if (!started.ok()) {
      (*server)->Shutdown();
      return Fail(started.status());
    }
    http = *std::move(started);
    spdlog::info("event=listening http={}", http->address());
  }
  view.Start();

  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("event=stopping signal={}",
                 received == SIGINT ? "SIGINT" : "SIGTERM");
    (*server)->Shutdown();
  });
  (*server)->Wait();
  waiter.join();
  grpc_server = nullptr;
  if (http != nullptr) http->Stop();
  view.Stop();
  spdlog::info("event=stopped tree_size={}", view.checkpoint()->size);
  return 0;
}

}  // namespace uuro::server
