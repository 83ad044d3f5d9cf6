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
#include "services/http_faces.h"
#include "services/metrics.h"
#include "services/rebuild.h"
#include "services/server.h"

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

struct BackupFlags {
  CLI::App* cmd = nullptr;
  std::string data = DefaultDataDir();
  std::string out;
  BackupOptions options;

  void Add(CLI::App& app) {
    cmd = app.add_subcommand(
        "backup",
        "Copy a ledger consistently into a new folder, even while uurod "
        "serves it and keeps writing.");
    cmd->add_option("--data", data, "data folder")->capture_default_str();
    cmd->add_option("--out", out, "new backup folder")->required();
    cmd->add_flag("--with-log-key", options.with_log_key,
                  "also copy the log signing key (keep such a backup "
                  "offline; see docs/operations.md)");
    cmd->footer(
        "A running uurod makes the copy itself, through DIR/admin.sock: run "
        "this as the user uurod runs as.\nExample:\n  uurod backup --data "
        "/var/lib/uuro --out /var/backups/uuro/$(date +%F)");
  }

  int Run() {
    auto info = BackupLedger(DataDir{data}, out, options);
    if (!info.ok()) return Fail(info.status());
    std::printf("backed up %s: %llu entries, root %s, into %s%s\n",
                info->origin.c_str(),
                static_cast<unsigned long long>(info->size),
                ToHex(info->root).c_str(), out.c_str(),
                options.with_log_key ? " (with the log key)" : "");
    return 0;
  }
};

struct RestoreFlags {
  CLI::App* cmd = nullptr;
  std::string from;
  std::string data;
  RestoreOptions options;

  void Add(CLI::App& app) {
    cmd = app.add_subcommand(
        "restore", "Check a backup and bring it back into a new data folder.");
    cmd->add_option("--from", from, "backup folder")->required();
    cmd->add_option("--data", data, "new data folder")->required();
    cmd->add_option("--log-key", options.log_key,
                    "log signing key file to install, if the backup "
                    "holds none");
  }

  int Run() {
    bool installed_key = false;
    DataDir dir{data};
    auto info = RestoreLedger(from, dir, options, &installed_key);
    if (!info.ok()) return Fail(info.status());
    std::printf("restored %s: %llu entries, root %s, into %s\n",
                info->origin.c_str(),
                static_cast<unsigned long long>(info->size),
                ToHex(info->root).c_str(), data.c_str());
    if (!installed_key) {
      std::printf(
          "the folder has no log signing key yet; put it back from its safe "
          "place before serving:\n  install -m 0600 KEYFILE %s\n",
          dir.log_key().c_str());
    }
    return 0;
  }
};

struct RebuildFlags {
  CLI::App* cmd = nullptr;
  std::string vkey;
  std::string data;
  RebuildOptions options;

  void Add(CLI::App& app) {
    cmd = app.add_subcommand(
        "rebuild",
        "Rebuild a ledger from its public log on any C2SP tlog-tiles mirror, "
        "checking every entry against the signed checkpoint; run again to "
        "resume or to catch up.");
    cmd->add_option("--from", options.url,
                    "mirror URL, e.g. https://log.example-town.fi/uuro")
        ->required();
    cmd->add_option("--vkey", vkey,
                    "the log's verifier key, or a file holding it; take "
                    "it from a source you trust, not from the mirror")
        ->required();
    cmd->add_option("--data", data, "data folder to build")->required();
    cmd->add_option("--commit-entries", options.commit_entries,
                    "entries per local commit")
        ->capture_default_str();
  }
};

struct FollowFlags {
  CLI::App* cmd = nullptr;
  std::string vkey;
  std::string data;
  std::string primary;
  HttpFlags http;
  int poll_ms = 1000;
  Follower::Options options;
  ServeOptions serve;

  void Add(CLI::App& app) {
    cmd = app.add_subcommand(
        "follow",
        "Keep a verified copy of a log from its tiles mirror and serve it "
        "read-only (Ledger reads, Transparency, Audit, tiles); writes are "
        "refused with the primary's address.");
    cmd->add_option("--from", options.url,
                    "mirror URL, e.g. http://primary.internal:8080")
        ->required();
    cmd->add_option("--vkey", vkey,
                    "the log's verifier key, or a file holding it")
        ->required();
    cmd->add_option("--data", data, "the follower's own folder")->required();
    cmd->add_option("--primary", primary,
                    "where writes go, named in refusals (default: --from)");
    cmd->add_option("--grpc-listen", serve.grpc_listen,
                    "gRPC address (port 0: any free port)")
        ->capture_default_str();
    cmd->add_option("--tls-cert", serve.tls_cert,
                    "PEM certificate chain for TLS");
    cmd->add_option("--tls-key", serve.tls_key, "PEM private key for TLS");
    AddHttpFlags(*cmd, http);
    cmd->add_option("--poll-ms", poll_ms,
                    "how often to look for a new checkpoint")
        ->capture_default_str();
  }
};

// What the follower reports as it goes: each new checkpoint to the metrics
// and the log, and an inconsistent one loudly, taking the server out of
// rotation.
void WatchFollower(Follower::Options& options, ServerMetrics& metrics,
                   std::atomic<GrpcServer*>& grpc_server) {
  options.on_advance = [&metrics](const SignedCheckpoint& cp) {
    metrics.SetCheckpointTime(WallClockMs());
    spdlog::info("event=followed tree_size={}", cp.size);
  };
  options.on_stop = [&grpc_server](const absl::Status& why) {
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
}

// The follower's copy over HTTP (tiles, Connect reads), with /metrics on
// the admin port.
absl::StatusOr<HttpFaces> StartFollowHttp(Follower& view,
                                          ServerMetrics& metrics,
                                          GrpcServer& server,
                                          const HttpFlags& flags) {
  auto page = [&view, &metrics] {
    ServerMetrics::Sample sample;
    sample.tree_size = view.checkpoint()->size;
    if (auto rocks = ReadRocksFigures(view.store()); rocks.ok()) {
      sample.rocks = *rocks;
    }
    return metrics.Render(sample);
  };
  return StartHttpFaces(view, flags, server.InProcessChannel(), page);
}

// Blocks SIGINT and SIGTERM in every thread but the one that sigwait()s:
// signals go to one thread that shuts down in order, as in serve.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Serves until SIGINT or SIGTERM, then shuts the server down.
void ServeUntilSignal(GrpcServer& server, HttpFaces& http, sigset_t signals) {
  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("event=stopping signal={}",
                 received == SIGINT ? "SIGINT" : "SIGTERM");
    http.BeginStop();
    server.Shutdown();
  });
  server.Wait();
  waiter.join();
}

}  // namespace

struct OpsCommands::Flags {
  BackupFlags backup;
  RestoreFlags restore;
  RebuildFlags rebuild;
  FollowFlags follow;
};

OpsCommands::OpsCommands(CLI::App& app) : flags_(std::make_unique<Flags>()) {
  flags_->backup.Add(app);
  flags_->restore.Add(app);
  flags_->rebuild.Add(app);
  flags_->follow.Add(app);
}

OpsCommands::~OpsCommands() = default;

std::optional<int> OpsCommands::Run() {
  Flags& f = *flags_;
  if (f.backup.cmd->parsed()) return f.backup.Run();
  if (f.restore.cmd->parsed()) return f.restore.Run();
  if (f.rebuild.cmd->parsed()) return RunRebuild();
  if (f.follow.cmd->parsed()) return RunFollow();
  return std::nullopt;
}

int OpsCommands::RunRebuild() {
  RebuildFlags& f = flags_->rebuild;
  auto vkey = VerifierKeyText(f.vkey);
  if (!vkey.ok()) return Fail(vkey.status());
  f.options.vkey = *vkey;
  DataDir dir{f.data};
  ProgressLine progress("rebuild");
  auto info = RebuildLedger(f.options, dir, [&](uint64_t done, uint64_t total) {
    progress(done, total);
  });
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
              ToHex(info->root).c_str(), f.data.c_str());
  std::printf(
      "the folder holds no log signing key. To serve it as the primary, put "
      "the key back from its safe place:\n  install -m 0600 KEYFILE %s\n"
      "To serve it read-only instead, use: uurod follow\n",
      dir.log_key().c_str());
  return 0;
}

int OpsCommands::RunFollow() {
  FollowFlags& f = flags_->follow;
  sigset_t signals = BlockStopSignals();
  auto vkey = VerifierKeyText(f.vkey);
  if (!vkey.ok()) return Fail(vkey.status());
  f.options.vkey = *vkey;
  f.options.poll = std::chrono::milliseconds(f.poll_ms);
  ServerMetrics metrics;
  std::atomic<GrpcServer*> grpc_server{nullptr};
  WatchFollower(f.options, metrics, grpc_server);
  ProgressLine progress("follow");
  auto follower = Follower::Open(
      DataDir{f.data}, f.options,
      [&](uint64_t done, uint64_t total) { progress(done, total); });
  if (!follower.ok()) return Fail(follower.status());
  Follower& view = **follower;
  RefusingWriter writer(f.primary.empty() ? f.options.url : f.primary);
  auto server = GrpcServer::Start(view, writer, f.serve);
  if (!server.ok()) return Fail(server.status());
  grpc_server = server->get();
  spdlog::info("event=listening grpc={} origin={} tree_size={} following={}",
               (*server)->address(), view.origin(), view.checkpoint()->size,
               f.options.url);
  auto http = StartFollowHttp(view, metrics, **server, f.http);
  if (!http.ok()) {
    (*server)->Shutdown();
    return Fail(http.status());
  }
  view.Start();
  ServeUntilSignal(**server, *http, signals);
  grpc_server = nullptr;
  http->Stop();
  view.Stop();
  spdlog::info("event=stopped tree_size={}", view.checkpoint()->size);
  return 0;
}

}  // namespace uuro::server
