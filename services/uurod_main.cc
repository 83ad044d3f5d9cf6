// uurod: the Uuro ledger server.
//
//   uurod init  --data DIR --origin ORIGIN --steward-key KEY [--council-key
//   KEY] uurod serve --data DIR [--grpc-listen ADDR] [--tls-cert F --tls-key F]
//               [--http-listen ADDR] [--admin-listen ADDR] [--witness URL]...
//               [--config FILE] [--print-config]
//   uurod backup | restore | rebuild   (services/uurod_ops.h)
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ledger/fund/queries.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "services/admin_socket.h"
#include "services/backup.h"
#include "services/config.h"
#include "services/data_dir.h"
#include "services/file_clock.h"
#include "services/http_faces.h"
#include "services/ledger_node.h"
#include "services/metrics.h"
#include "services/server.h"
#include "services/uurod_ops.h"
#include "services/witness_pusher.h"

namespace uuro::server {
namespace {

struct InitFlags {
  std::string data = DefaultDataDir();
  InitOptions options;
  std::vector<std::string> stewards;
  std::vector<std::string> council;
};

struct ServeFlags {
  std::string data = DefaultDataDir();
  ServeOptions serve;
  LedgerNode::Options node;
  HttpFlags http;
  std::vector<std::string> witnesses;  // Submission prefixes.
  double witness_timeout_s = 5;
  uint32_t commit_delay_us = 500;
  std::string clock_file;  // Tests only: the wall clock read from a file.
};

// The wall clock the sequencer reads: null (the system's) unless a test
// named a clock file.
absl::StatusOr<std::unique_ptr<WallClock>> OpenClock(const ServeFlags& flags) {
  if (flags.clock_file.empty()) return nullptr;
  auto clock = FileWallClock::Open(flags.clock_file);
  if (!clock.ok()) return clock.status();
  spdlog::warn("event=test_clock file={}", flags.clock_file);
  return std::make_unique<FileWallClock>(*std::move(clock));
}

// Starts pushing checkpoints to the witnesses, if any: the sequencer only
// wakes the pusher after each commit. Null when there are none.
absl::StatusOr<std::unique_ptr<WitnessPusher>> StartWitnesses(
    LedgerNode& node, const ServeFlags& flags) {
  if (flags.witnesses.empty()) return nullptr;
  auto council = CouncilKeys(node);
  if (!council.ok()) return council.status();
  WitnessPusher::Options options;
  options.timeout = std::chrono::milliseconds(
      static_cast<int64_t>(flags.witness_timeout_s * 1000));
  auto pusher =
      WitnessPusher::Start(node, flags.witnesses, *std::move(council), options);
  if (!pusher.ok()) return pusher.status();
  WitnessPusher* p = pusher->get();
  node.sequencer().set_commit_listener(
      [p](const SignedCheckpoint&) { p->Notify(); });
  node.set_publish_witnessed(true);
  spdlog::info("event=witnesses count={}", flags.witnesses.size());
  return pusher;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "uurod: %s\n", std::string(status.message()).c_str());
  return 1;
}

int RunInit(InitFlags& flags) {
  for (const std::string& text : flags.stewards) {
    auto key = ParsePublicKey(text);
    if (!key.ok()) return Fail(key.status());
    flags.options.steward_keys.push_back(*key);
  }
  for (const std::string& text : flags.council) {
    auto key = ParsePublicKey(text);
    if (!key.ok()) return Fail(key.status());
    flags.options.council_keys.push_back(*key);
  }
  DataDir dir{flags.data};
  auto vkey = InitLedger(dir, flags.options);
  if (!vkey.ok()) return Fail(vkey.status());
  std::printf("created the ledger %s in %s\n", flags.options.origin.c_str(),
              flags.data.c_str());
  std::printf("log verifier key (also in %s):\n%s\n", dir.log_vkey().c_str(),
              vkey->c_str());
  return 0;
}

// What a serving uurod runs beside the gRPC server for its operator.
struct OpsServing {
  std::unique_ptr<AdminSocket> admin;
};

// The /metrics page of a serving node.
MetricsPage MetricsPageOf(LedgerNode& node, ServerMetrics& metrics) {
  if (auto fund = fund::ReadFund(node.state()); fund.ok()) {
    metrics.SetCheckpointTime(fund->last_time_ms());
  }
  return [&node, &metrics] {
    // Witness cosignatures, as the node holds them: every witness line on
    // the newest cosigned checkpoint has cosigned that size.
    if (auto cosigned = node.cosigned_checkpoint()) {
      auto note = OpenNote(cosigned->note, {node.verifier()});
      for (const NoteSignature& line :
           note.ok() ? note->unverified : std::vector<NoteSignature>{}) {
        metrics.RecordWitnessCosignature(line.name, cosigned->size);
      }
    }
    ServerMetrics::Sample sample;
    sample.tree_size = node.checkpoint()->size;
    sample.queue_depth = node.sequencer().queue_depth();
    if (auto rocks = ReadRocksFigures(node.store()); rocks.ok()) {
      sample.rocks = *rocks;
    }
    return metrics.Render(sample);
  };
}

OpsServing StartOpsServing(const LedgerNode& node, const std::string& data) {
  OpsServing ops;
  const std::string path = AdminSocketPath(DataDir{data});
  auto admin = AdminSocket::Start(path, node.store());
  if (admin.ok()) {
    ops.admin = *std::move(admin);
  } else {
    // Serving matters more than online backups; say why they cannot work.
    spdlog::warn("event=no_admin_socket path={} reason=\"{}\"", path,
                 std::string(admin.status().message()));
  }
  return ops;
}

// serve's --config and --print-config: an exit code if serve must not run.
std::optional<int> LoadServeConfig(ConfigFile& config) {
  if (absl::Status loaded = config.Apply(); !loaded.ok()) return Fail(loaded);
  if (config.print_requested()) {
    std::fputs(config.Effective().c_str(), stdout);
    return 0;
  }
  return std::nullopt;
}

int RunServe(const ServeFlags& flags) {
  // Signals go to one thread that shuts down in order; block them everywhere
  // else before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerMetrics metrics;
  LedgerNode::Options node_options = flags.node;
  node_options.sequencer.commit_delay =
      std::chrono::microseconds(flags.commit_delay_us);
  node_options.sequencer.metrics = &metrics;
  auto clock = OpenClock(flags);
  if (!clock.ok()) return Fail(clock.status());
  node_options.sequencer.clock = clock->get();
  auto node = LedgerNode::Open(DataDir{flags.data}, node_options);
  if (!node.ok()) return Fail(node.status());
  // Before listening: once uurod says it listens, backups work too.
  OpsServing ops = StartOpsServing(**node, flags.data);
  auto pusher = StartWitnesses(**node, flags);
  if (!pusher.ok()) return Fail(pusher.status());
  ServeOptions serve = flags.serve;
  serve.clock = clock->get();
  auto server = GrpcServer::Start(**node, serve);
  if (!server.ok()) return Fail(server.status());
  auto cp = (*node)->checkpoint();
  spdlog::info("event=listening grpc={} origin={} tree_size={} data={}",
               (*server)->address(), (*node)->origin(), cp->size, flags.data);
  auto http = StartHttpFaces(**node, flags.http, (*server)->InProcessChannel(),
                             MetricsPageOf(**node, metrics));
  if (!http.ok()) {
    (*server)->Shutdown();
    (*node)->Shutdown();
    return Fail(http.status());
  }

  std::thread waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("event=stopping signal={}",
                 received == SIGINT ? "SIGINT" : "SIGTERM");
    http->BeginStop();
    (*server)->Shutdown();
  });
  (*server)->Wait();
  waiter.join();
  // Its handlers read the node, so it stops first; Connect calls still in
  // flight were ended by the gRPC server's shutdown.
  http->Stop();
  ops = {};
  (*node)->Shutdown();
  if (*pusher != nullptr) (*pusher)->Stop();
  spdlog::info("event=stopped tree_size={}", (*node)->checkpoint()->size);
  return 0;
}

CLI::App* AddInitCommand(CLI::App& app, InitFlags& init) {
  CLI::App* init_cmd = app.add_subcommand(
      "init", "Create a new ledger: log key, genesis entry, log.vkey.");
  init_cmd->add_option("--data", init.data, "data folder")
      ->capture_default_str();
  init_cmd
      ->add_option("--origin", init.options.origin,
                   "log origin, e.g. fund.example-town.fi/2027")
      ->required();
  init_cmd
      ->add_option("--steward-key", init.stewards,
                   "steward public key (hex); repeatable")
      ->required();
  init_cmd->add_option("--council-key", init.council,
                       "council public key (hex); repeatable");
  init_cmd
      ->add_option("--council-quorum", init.options.council_quorum,
                   "council approvals a redemption above the trust "
                   "threshold needs before it is paid")
      ->capture_default_str();
  init_cmd
      ->add_option("--min-district-size", init.options.min_district_size,
                   "a round does not open while a district with residents "
                   "has fewer (1: tests and tiny pilots)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  init_cmd->add_option("--district", init.options.districts,
                       "a district defined from the start; repeatable");
  init_cmd->add_option("--fund-name", init.options.fund_name, "fund name")
      ->capture_default_str();
  init_cmd
      ->add_option("--currency", init.options.currency_name,
                   "name of the credits")
      ->capture_default_str();
  init_cmd->footer(
      "Example:\n  uurod init --data /var/lib/uuro --origin "
      "fund.example-town.fi/2027 --steward-key $(uuro --key steward.key "
      "key show)");

  return init_cmd;
}

CLI::App* AddServeCommand(CLI::App& app, ServeFlags& serve) {
  CLI::App* serve_cmd =
      app.add_subcommand("serve", "Serve the ledger over gRPC.");
  serve_cmd->add_option("--data", serve.data, "data folder")
      ->capture_default_str();
  serve_cmd
      ->add_option("--grpc-listen", serve.serve.grpc_listen,
                   "address to listen on (port 0: any free port)")
      ->capture_default_str();
  serve_cmd->add_option("--tls-cert", serve.serve.tls_cert,
                        "PEM certificate chain for TLS");
  serve_cmd->add_option("--tls-key", serve.serve.tls_key,
                        "PEM private key for TLS");
  AddHttpFlags(*serve_cmd, serve.http);
  serve_cmd->add_option("--witness", serve.witnesses,
                        "push every new checkpoint to this C2SP tlog-witness "
                        "(URL of its add-checkpoint prefix) and serve its "
                        "cosignatures; the witness key must be a council key "
                        "of genesis; repeatable");
  serve_cmd
      ->add_option("--witness-timeout", serve.witness_timeout_s,
                   "seconds a witness may take to answer")
      ->capture_default_str();
  serve_cmd
      ->add_option("--rate-limit", serve.node.rate_per_second,
                   "transactions per second per signer (0: no limit)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--rate-burst", serve.node.rate_burst, "burst per signer")
      ->capture_default_str();
  serve_cmd
      ->add_option("--claim-rate", serve.serve.claims.per_second,
                   "failed invite claims per second per client address, "
                   "after the burst (0: no limit)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--claim-burst", serve.serve.claims.burst,
                   "failed invite claims per client address at once")
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-queue", serve.node.sequencer.max_queue,
                   "submissions waiting at most; beyond: RESOURCE_EXHAUSTED")
      ->capture_default_str();
  serve_cmd
      ->add_option("--commit-delay", serve.commit_delay_us,
                   "microseconds a commit waits for more submissions, so "
                   "that one fsync and one checkpoint serve many (0: none)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  // Hidden (no group): only tests move uurod's clock.
  serve_cmd->add_option("--clock-file", serve.clock_file)->group("");
  serve_cmd->footer(
      "Example:\n  uurod serve --data /var/lib/uuro "
      "--grpc-listen 127.0.0.1:50051");

  return serve_cmd;
}

}  // namespace
}  // namespace uuro::server

int main(int argc, char** argv) {
  using namespace uuro::server;
  // Abseil's lock-order bookkeeping runs on every lock; the test suite keeps
  // it (UURO_MUTEX_DEADLOCK_CHECKS=1), a running server spares the CPU.
  if (std::getenv("UURO_MUTEX_DEADLOCK_CHECKS") == nullptr) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  auto logger = spdlog::stderr_logger_mt("uurod");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v",
                      spdlog::pattern_time_type::utc);

  CLI::App app{
      "uurod: the Uuro ledger server, a signed, append-only log of a "
      "municipal innovation micro-fund."};
  app.set_version_flag("--version", std::string("uurod 0.1.0"));
  app.require_subcommand(1);

  InitFlags init;
  CLI::App* init_cmd = AddInitCommand(app, init);
  ServeFlags serve;
  CLI::App* serve_cmd = AddServeCommand(app, serve);
  ConfigFile serve_config(*serve_cmd);
  OpsCommands ops(app);

  CLI11_PARSE(app, argc, argv);
  if (init_cmd->parsed()) return RunInit(init);
  if (std::optional<int> code = ops.Run()) return *code;
  if (std::optional<int> code = LoadServeConfig(serve_config)) return *code;
  return RunServe(serve);
}
