#include "tests/testing/uurod_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "tests/testing/child_process.h"

namespace uuro::testing {
namespace {

constexpr char kListening[] = "event=listening grpc=";
// Logged after kListening when serving tiles over HTTP too.
constexpr char kListeningHttp[] = "event=listening http=";

// The log text from `at` up to the next space or line end.
std::string ValueAfter(const std::string& log, size_t at) {
  return log.substr(at, log.find_first_of(" \n", at) - at);
}

}  // namespace

std::string UurodBinary() { return UUROD_BINARY; }
std::string UuroBinary() { return UURO_BINARY; }

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
  CommandResult result;
  auto [pid, fd] = Spawn(argv, env);
  if (pid < 0) {
    result.output = "cannot start " + argv[0];
    return result;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) {
    result.output.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  result.exit_code = ExitCode(wstatus);
  return result;
}

NoteVerifier TestLedger::log_key() const {
  auto key = ParseVerifierKey(vkey_text);
  if (!key.ok()) std::abort();
  return *key;
}

std::unique_ptr<TestLedger> InitTestLedger() {
  auto ledger = std::make_unique<TestLedger>();
  ledger->data = ledger->dir.Sub("data");
  CommandResult init = RunCommand(
      {UurodBinary(), "init", "--data", ledger->data, "--origin",
       ledger->origin, "--steward-key",
       FormatPublicKey(ledger->steward.public_key()), "--council-key",
       FormatPublicKey(ledger->council.public_key())});
  if (init.exit_code != 0) {
    ADD_FAILURE() << "uurod init failed: " << init.output;
    return nullptr;
  }
  // The verifier key is the last non-empty line init prints.
  std::string out = init.output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  ledger->vkey_text = out.substr(out.rfind('\n') + 1);
  if (!ParseVerifierKey(ledger->vkey_text).ok()) {
    ADD_FAILURE() << "no verifier key in: " << init.output;
    return nullptr;
  }
  return ledger;
}

UurodProcess::UurodProcess(std::string data, std::vector<std::string> extra_args)
    : data_(std::move(data)), extra_args_(std::move(extra_args)) {}

UurodProcess::~UurodProcess() {
  if (pid_ > 0) Kill();
}

absl::Status UurodProcess::Start() {
  std::vector<std::string> argv = {UurodBinary(),  "serve",
                                   "--data",       data_,
                                   "--grpc-listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  {
    absl::MutexLock lock(&mu_);
    log_.clear();
    closed_ = false;
  }
  const bool http = std::find(extra_args_.begin(), extra_args_.end(),
                              "--http-listen") != extra_args_.end();
  auto [pid, fd] = Spawn(argv);
  if (pid < 0) return absl::InternalError("cannot start uurod");
  pid_ = pid;
  reader_ = std::thread([this, fd = fd] { ReadOutput(fd); });

  absl::MutexLock lock(&mu_);
  auto ready = [this, http]() -> bool {
    mu_.AssertHeld();
    return closed_ || (log_.find(kListening) != std::string::npos &&
                       (!http || log_.find(kListeningHttp) != std::string::npos));
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(30));
  size_t at = log_.find(kListening);
  if (at == std::string::npos) {
    return absl::UnavailableError(absl::StrCat("uurod did not start: ", log_));
  }
  at += sizeof(kListening) - 1;
  address_ = log_.substr(at, log_.find(' ', at) - at);
  http_address_.clear();
  if (http) {
    size_t http_at = log_.find(kListeningHttp);
    if (http_at == std::string::npos) {
      return absl::UnavailableError(
          absl::StrCat("uurod did not listen for HTTP: ", log_));
    }
    http_address_ = ValueAfter(log_, http_at + sizeof(kListeningHttp) - 1);
  }
  return absl::OkStatus();
}

void UurodProcess::ReadOutput(int fd) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) {
    absl::MutexLock lock(&mu_);
    log_.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

absl::StatusOr<int> UurodProcess::Stop(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("uurod is not running");
  ::kill(pid_, signal);
  int wstatus = 0;
  ::waitpid(pid_, &wstatus, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return ExitCode(wstatus);
}

void UurodProcess::Kill() { (void)Stop(SIGKILL); }

std::shared_ptr<grpc::Channel> UurodProcess::Channel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

std::string UurodProcess::Log() const {
  absl::MutexLock lock(&mu_);
  return log_;
}

}  // namespace uuro::testing
