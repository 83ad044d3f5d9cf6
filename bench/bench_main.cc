// uuro-bench: the load side of bench/run. It measures this machine's Ed25519
// verification rate, and drives a running uurod (whose process id it is given,
// to read its CPU time and memory) with award load and log growth.
//
//   uuro-bench verify-rate
//   uuro-bench awards --server ADDR --pid PID --steward-key F [--steward-key F]
//   uuro-bench growth --server ADDR --pid PID --steward-key F --sizes 10000,...
//   uuro-bench proofs --server ADDR
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/bench_fund.h"
#include "bench/load_driver.h"
#include "bench/proc_stats.h"
#include "clients/ledger_client.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string server;
  int pid = 0;
  std::vector<std::string> steward_keys;
  size_t residents = 100000;
  size_t initiatives = 1000;
  size_t clients = 32;
  double seconds = 10;
  double bound = 0;      // B, awards per second the signature checks allow.
  double bound_now = 0;  // The same on this machine's share of its cores now.
  size_t batch_size = 50;
  std::string modes = "unary,batch";
  std::string connect;  // uurod's --http-listen address, for connect-* modes.
  std::string sizes = "10000,100000,1000000";
  size_t proofs = 2000;
  std::string perf_dir;  // If set, each award phase is profiled into it.
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Mb(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "uuro-bench: %s\n",
               std::string(status.message()).c_str());
  return 1;
}

// Verifies one typical award signature over and over on `threads` threads
// and prints two rates: per second of CPU time of one thread (what a core
// does when it runs, whatever else the machine is doing), and all threads
// together per wall second (what the machine gives right now).
struct VerifyRates {
  double per_cpu_second = 0;   // Of one thread, averaged over the threads.
  double per_wall_second = 0;  // All threads together.
};

VerifyRates MeasureVerifyRates(double seconds, unsigned threads) {
  SecretKey key = SecretKey::Generate();
  v1::TxBody body;
  body.set_origin("bench.uuro.example/fund");
  body.set_nonce(12);
  body.set_expires_at_ms(1800000000000);
  body.mutable_award()->set_round_id(100001);
  body.mutable_award()->set_initiative_id(2345);
  body.mutable_award()->set_amount(1);
  const std::string bytes = body.SerializeAsString();
  const Signature sig = key.Sign(fund::kTxContext, AsBytes(bytes));
  auto cpu_now = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) +
           static_cast<double>(t.tv_nsec) * 1e-9;
  };
  std::vector<uint64_t> done(threads);
  std::vector<double> cpu(threads);
  std::atomic<bool> bad{false};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const double cpu_start = cpu_now();
      while (Seconds(start) < seconds) {
        for (int i = 0; i < 100; ++i) {
          if (!VerifySignature(key.public_key(), fund::kTxContext,
                               AsBytes(bytes), sig)) {
            bad = true;
          }
        }
        done[t] += 100;
      }
      cpu[t] = cpu_now() - cpu_start;
    });
  }
  for (auto& w : workers) w.join();
  const double wall = Seconds(start);
  if (bad) {
    std::fprintf(stderr, "uuro-bench: a good signature did not verify\n");
    std::exit(1);
  }
  VerifyRates rates;
  double total = 0;
  for (unsigned t = 0; t < threads; ++t) {
    rates.per_cpu_second += static_cast<double>(done[t]) / cpu[t] / threads;
    total += static_cast<double>(done[t]);
  }
  rates.per_wall_second = total / wall;
  return rates;
}

int VerifyRate(double seconds, unsigned threads) {
  VerifyRates rates = MeasureVerifyRates(seconds, threads);
  std::printf("%.0f %.0f\n", rates.per_cpu_second, rates.per_wall_second);
  return 0;
}

// B_now just before a timed phase: one verifying thread per core for half a
// second, so that each phase's ratio uses the machine's share at its time.
double BoundNow() {
  return MeasureVerifyRates(0.5,
                            std::max(1u, std::thread::hardware_concurrency()))
      .per_wall_second;
}

absl::StatusOr<std::unique_ptr<BenchFund>> MakeFund(const Flags& flags,
                                                    const FundSpec& spec) {
  std::vector<SecretKey> stewards;
  for (const std::string& path : flags.steward_keys) {
    UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(path));
    stewards.push_back(std::move(key));
  }
  auto channel = MakeChannels(flags.server, 1)[0];
  const auto start = Clock::now();
  UURO_ASSIGN_OR_RETURN(auto fund,
                        BenchFund::Create(channel, std::move(stewards), spec));
  std::printf("setup: %zu residents and %zu initiatives enrolled in %.1f s\n",
              spec.residents, spec.initiatives, Seconds(start));
  return fund;
}

// Awards to sign for a phase of `seconds`: nobody verifies faster than the
// machine does now, so a margin over B_now (or B) is enough; a phase that
// runs out ends early and counts its own time.
size_t ToSign(const Flags& flags, double seconds) {
  const double rate = flags.bound_now > 0 ? 1.5 * flags.bound_now : flags.bound;
  return static_cast<size_t>(seconds * rate) + 1000;
}

struct Phase {
  LoadResult load;
  ProcStats before, after;
  double bound_now = 0;  // Measured just before the phase.
};

// `perf record` of the server for the length of one phase, into
// DIR/NAME.data; bench/profile reads it. Without perf, no profile.
class PhaseProfile {
 public:
  PhaseProfile(const Flags& flags, const char* name) {
    if (flags.perf_dir.empty() || name == nullptr) return;
    const std::string out = absl::StrCat(flags.perf_dir, "/", name, ".data");
    const std::string pid = std::to_string(flags.pid);
    std::vector<std::string> args = {"perf", "record", "-q", "-g", "-F",
                                     "499",  "-p",     pid,  "-o", out};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&perf_, "perf", nullptr, nullptr, argv.data(), environ) !=
        0) {
      perf_ = 0;
      std::fprintf(stderr, "uuro-bench: cannot start perf; no profile\n");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // Attach.
  }
  ~PhaseProfile() {
    if (perf_ <= 0) return;
    ::kill(perf_, SIGINT);
    int status = 0;
    ::waitpid(perf_, &status, 0);
  }
  PhaseProfile(const PhaseProfile&) = delete;
  PhaseProfile& operator=(const PhaseProfile&) = delete;

 private:
  pid_t perf_ = 0;
};

Phase RunPhase(const Flags& flags, BenchFund& fund,
               const std::vector<std::shared_ptr<grpc::Channel>>& channels,
               const LoadOptions& options, size_t count,
               const char* profile_name = nullptr) {
  Work work = SignAwards(fund, flags.clients, count);
  Phase phase;
  phase.bound_now = BoundNow();
  std::optional<PhaseProfile> profile;
  profile.emplace(flags, profile_name);
  phase.before = ReadProcStats(flags.pid);
  phase.load = RunLoad(channels, std::move(work), options);
  phase.after = ReadProcStats(flags.pid);
  profile.reset();
  GiveBack(fund, phase.load.unused);
  return phase;
}

void PrintPhase(const char* name, const Flags& flags,
                const LoadOptions& options, Phase& phase) {
  LoadResult& r = phase.load;
  const double rate =
      r.seconds > 0 ? static_cast<double>(r.accepted) / r.seconds : 0;
  const double cpu = phase.after.cpu_seconds - phase.before.cpu_seconds;
  std::printf(
      "%s: %s%s, %zu clients: %llu awards durable in %.1f s = %.0f awards/s "
      "(%.2f x B, %.2f x B_now); latency p50 %.1f ms, p99 %.1f ms, p99.9 %.1f "
      "ms; server "
      "CPU %.3f s per 1,000 awards; server peak RSS %.0f MB\n",
      name, options.batch ? "SubmitBatch of " : "unary Submit",
      options.batch ? std::to_string(options.batch_size).c_str() : "",
      flags.clients, static_cast<unsigned long long>(r.accepted), r.seconds,
      rate, flags.bound > 0 ? rate / flags.bound : 0, rate / phase.bound_now,
      Quantile(r.latency_ms, 0.5), Quantile(r.latency_ms, 0.99),
      Quantile(r.latency_ms, 0.999),
      r.accepted ? cpu * 1000 / static_cast<double>(r.accepted) : 0,
      Mb(phase.after.peak_rss_bytes));
  std::printf("  B_now just before: %.0f/s\n", phase.bound_now);
  if (r.accepted > 0 && cpu > 0 && flags.bound > 0) {
    // What the server's CPU per award allows if it had every core to
    // itself: a figure that other work on the machine does not move much.
    const double cores = std::max(1u, std::thread::hardware_concurrency());
    const double capacity = cores * static_cast<double>(r.accepted) / cpu;
    const double us_per_award = cpu * 1e6 / static_cast<double>(r.accepted);
    const double us_per_verify = 1e6 * cores / flags.bound;
    std::printf(
        "  server CPU bound: %.0f cores / %.0f us per award = %.0f awards/s "
        "(%.2f x B); %.1f x the one-core verification time (%.0f us)\n",
        cores, us_per_award, capacity, capacity / flags.bound,
        us_per_award / us_per_verify, us_per_verify);
  }
  if (r.refused > 0) {
    std::printf("  %llu refused; the first: %s\n",
                static_cast<unsigned long long>(r.refused),
                r.first_refusal.c_str());
  }
  std::fflush(stdout);
}

int Awards(const Flags& flags) {
  auto fund = MakeFund(flags, {flags.residents, flags.initiatives});
  if (!fund.ok()) return Fail(fund.status());
  auto channels = MakeChannels(flags.server, flags.clients);
  const size_t count = ToSign(flags, flags.seconds);
  double peak = 0;
  for (const std::string& mode :
       std::vector<std::string>(absl::StrSplit(flags.modes, ','))) {
    LoadOptions options;
    options.batch = mode == "batch";
    options.batch_size = flags.batch_size;
    options.seconds = flags.seconds;
    const bool connect = mode == "connect-proto" || mode == "connect-json";
    if (connect) {
      if (flags.connect.empty())
        return Fail(
            absl::InvalidArgumentError("the connect modes need --connect"));
      options.connect = flags.connect;
      options.json = mode == "connect-json";
    }
    Phase phase =
        RunPhase(flags, **fund, channels, options, count, mode.c_str());
    const double rate =
        phase.load.seconds > 0
            ? static_cast<double>(phase.load.accepted) / phase.load.seconds
            : 0;
    if (connect) {
      // Same clients, same awards, same server: only the protocol differs.
      std::printf("Connect %s over HTTP/1.1: %.2f x the gRPC unary rate\n  ",
                  options.json ? "JSON" : "binary", peak > 0 ? rate / peak : 0);
      PrintPhase(mode.c_str(), flags, options, phase);
    } else {
      PrintPhase("peak", flags, options, phase);
      if (!options.batch) peak = rate;
    }
  }
  if (peak > 0) {
    // Half the unary peak, open loop: the latency a client sees when the
    // server is busy but not saturated.
    LoadOptions options;
    options.seconds = flags.seconds;
    options.rate = peak / 2;
    Phase phase = RunPhase(
        flags, **fund, channels, options,
        static_cast<size_t>(flags.seconds * options.rate * 1.05) + 100);
    std::printf(
        "half of the unary peak (%.0f awards/s offered, open loop):\n  ",
        options.rate);
    PrintPhase("paced", flags, options, phase);
  }
  return 0;
}

template <typename Request>
std::vector<double> TimeProofs(
    v1::Transparency::Stub& stub, size_t n,
    const std::function<Request(std::mt19937_64&)>& make,
    grpc::Status (v1::Transparency::Stub::*call)(grpc::ClientContext*,
                                                 const Request&,
                                                 v1::ProofResponse*),
    std::string& error) {
  std::mt19937_64 rng(7);
  std::vector<double> ms;
  for (size_t i = 0; i < n; ++i) {
    Request request = make(rng);
    grpc::ClientContext context;
    v1::ProofResponse response;
    const auto start = Clock::now();
    grpc::Status status = (stub.*call)(&context, request, &response);
    ms.push_back(Seconds(start) * 1000);
    if (!status.ok() && error.empty()) error = status.error_message();
  }
  return ms;
}

absl::StatusOr<uint64_t> TreeSize(client::LedgerClient& client) {
  UURO_ASSIGN_OR_RETURN(v1::CheckpointResponse cp, client.Checkpoint());
  return cp.tree_size();
}

using Channels = std::vector<std::shared_ptr<grpc::Channel>>;

// Fills the log up to `target` entries in chunks, signing as it goes;
// untimed.
absl::Status FillTo(const Flags& flags, BenchFund& fund,
                    const Channels& channels, client::LedgerClient& client,
                    uint64_t target) {
  while (true) {
    UURO_ASSIGN_OR_RETURN(uint64_t size, TreeSize(client));
    if (size >= target) return absl::OkStatus();
    const size_t chunk =
        static_cast<size_t>(std::min<uint64_t>(target - size, 100000));
    LoadOptions fill;
    fill.batch = true;
    fill.batch_size = flags.batch_size;
    fill.seconds = 0;
    Phase phase = RunPhase(flags, fund, channels, fill, chunk);
    if (phase.load.accepted == 0) {
      return absl::InternalError(
          absl::StrCat("the fill was refused: ", phase.load.first_refusal));
    }
  }
}

struct ProofTimes {
  std::vector<double> inclusion, consistency;
};

// Proofs against the tree of exactly `target` entries.
absl::StatusOr<ProofTimes> TimeProofsAt(const Flags& flags,
                                        v1::Transparency::Stub& transparency,
                                        uint64_t target) {
  std::string error;
  ProofTimes t;
  t.inclusion = TimeProofs<v1::GetInclusionProofRequest>(
      transparency, flags.proofs,
      [&](std::mt19937_64& rng) {
        v1::GetInclusionProofRequest r;
        r.set_index(rng() % target);
        r.set_tree_size(target);
        return r;
      },
      &v1::Transparency::Stub::GetInclusionProof, error);
  t.consistency = TimeProofs<v1::GetConsistencyProofRequest>(
      transparency, flags.proofs,
      [&](std::mt19937_64& rng) {
        v1::GetConsistencyProofRequest r;
        r.set_old_size(1 + rng() % (target - 1));
        r.set_new_size(target);
        return r;
      },
      &v1::Transparency::Stub::GetConsistencyProof, error);
  if (!error.empty()) return absl::InternalError(error);
  return t;
}

void PrintGrowth(uint64_t target, const Phase& phase, ProofTimes& t) {
  const double rate =
      static_cast<double>(phase.load.accepted) / phase.load.seconds;
  std::printf(
      "  GROWTH size=%llu append=%.0f/s (%.2f x B_now %.0f/s) "
      "inclusion_p50=%.2fms "
      "inclusion_p99=%.2fms consistency_p50=%.2fms consistency_p99=%.2fms "
      "server_cpu=%.0fus/award rss=%.0fMB peak_rss=%.0fMB\n",
      static_cast<unsigned long long>(target), rate, rate / phase.bound_now,
      phase.bound_now, Quantile(t.inclusion, 0.5), Quantile(t.inclusion, 0.99),
      Quantile(t.consistency, 0.5), Quantile(t.consistency, 0.99),
      (phase.after.cpu_seconds - phase.before.cpu_seconds) * 1e6 /
          static_cast<double>(std::max<uint64_t>(phase.load.accepted, 1)),
      Mb(phase.after.rss_bytes), Mb(phase.after.peak_rss_bytes));
  if (phase.load.refused > 0) {
    std::printf("  %llu refused; the first: %s\n",
                static_cast<unsigned long long>(phase.load.refused),
                phase.load.first_refusal.c_str());
  }
  std::fflush(stdout);
}

int Growth(const Flags& flags) {
  auto fund = MakeFund(flags, {flags.residents, flags.initiatives});
  if (!fund.ok()) return Fail(fund.status());
  auto channels = MakeChannels(flags.server, flags.clients);
  client::LedgerClient client(channels[0]);
  auto transparency = v1::Transparency::NewStub(channels[0]);
  std::printf(
      "growth: SubmitBatch of %zu, %zu clients; append throughput over "
      "%.0f s from each size on\n",
      flags.batch_size, flags.clients, flags.seconds);
  for (const std::string& text :
       std::vector<std::string>(absl::StrSplit(flags.sizes, ','))) {
    const uint64_t target = std::stoull(std::string(text));
    const auto fill_start = Clock::now();
    absl::Status filled = FillTo(flags, **fund, channels, client, target);
    if (!filled.ok()) return Fail(filled);
    std::printf("size %llu (filled in %.0f s):\n",
                static_cast<unsigned long long>(target), Seconds(fill_start));
    auto proofs = TimeProofsAt(flags, *transparency, target);
    if (!proofs.ok()) return Fail(proofs.status());
    LoadOptions window;
    window.batch = true;
    window.batch_size = flags.batch_size;
    window.seconds = flags.seconds;
    Phase phase =
        RunPhase(flags, **fund, channels, window, ToSign(flags, flags.seconds));
    PrintGrowth(target, phase, *proofs);
  }
  return 0;
}

// Proofs against the log as it is now, without adding to it: for a log that
// an earlier run grew (UURO_BENCH_KEEP=1), read again under other options.
int Proofs(const Flags& flags) {
  auto channels = MakeChannels(flags.server, 1);
  client::LedgerClient client(channels[0]);
  auto transparency = v1::Transparency::NewStub(channels[0]);
  auto size = TreeSize(client);
  if (!size.ok()) return Fail(size.status());
  if (*size < 2) return Fail(absl::FailedPreconditionError("the log is empty"));
  auto t = TimeProofsAt(flags, *transparency, *size);
  if (!t.ok()) return Fail(t.status());
  std::printf(
      "PROOFS size=%llu inclusion_p50=%.2fms inclusion_p99=%.2fms "
      "consistency_p50=%.2fms consistency_p99=%.2fms\n",
      static_cast<unsigned long long>(*size), Quantile(t->inclusion, 0.5),
      Quantile(t->inclusion, 0.99), Quantile(t->consistency, 0.5),
      Quantile(t->consistency, 0.99));
  return 0;
}

}  // namespace
}  // namespace uuro::bench

int main(int argc, char** argv) {
  using namespace uuro::bench;
  uuro::InitCrypto();
  CLI::App app{"The load side of bench/run (see docs/performance.md)."};
  app.require_subcommand(1);
  Flags flags;
  double verify_seconds = 2;
  unsigned verify_threads = 1;
  CLI::App* rate = app.add_subcommand(
      "verify-rate",
      "Ed25519 verifications per CPU second and per wall second on one core.");
  rate->add_option("--seconds", verify_seconds)->capture_default_str();
  rate->add_option("--threads", verify_threads)
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--server", flags.server, "uurod address")->required();
    cmd->add_option("--pid", flags.pid,
                    "uurod's process id, for CPU and memory");
    cmd->add_option("--steward-key", flags.steward_keys, "steward key files")
        ->required();
    cmd->add_option("--residents", flags.residents)->capture_default_str();
    cmd->add_option("--initiatives", flags.initiatives)->capture_default_str();
    cmd->add_option("--clients", flags.clients)
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--seconds", flags.seconds, "length of each timed phase")
        ->capture_default_str();
    cmd->add_option("--bound", flags.bound,
                    "B: cores x verifications per CPU second")
        ->required();
    cmd->add_option("--bound-now", flags.bound_now,
                    "verifications per wall second on all cores now");
    cmd->add_option("--batch-size", flags.batch_size)
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
  };
  CLI::App* awards =
      app.add_subcommand("awards", "Peak and half-peak award load.");
  common(awards);
  awards
      ->add_option("--modes", flags.modes,
                   "comma-separated: unary, batch, connect-proto, "
                   "connect-json (unary first, for the ratios)")
      ->capture_default_str();
  awards->add_option("--perf-dir", flags.perf_dir,
                     "profile the server with perf in each phase, into DIR");
  awards->add_option("--connect", flags.connect,
                     "uurod's HTTP address for the connect-* modes");
  CLI::App* growth =
      app.add_subcommand("growth", "Appends and proofs as the log grows.");
  common(growth);
  growth->add_option("--sizes", flags.sizes, "log sizes, comma-separated")
      ->capture_default_str();
  growth->add_option("--proofs", flags.proofs, "proofs timed per kind and size")
      ->capture_default_str();
  CLI::App* proofs = app.add_subcommand(
      "proofs", "Proof latency on the log as it is, adding nothing.");
  proofs->add_option("--server", flags.server, "uurod address")->required();
  proofs->add_option("--proofs", flags.proofs, "proofs timed per kind")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (rate->parsed()) return VerifyRate(verify_seconds, verify_threads);
  if (awards->parsed()) return Awards(flags);
  if (proofs->parsed()) return Proofs(flags);
  return Growth(flags);
}
