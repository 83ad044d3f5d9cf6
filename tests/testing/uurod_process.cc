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
constexpr char kListeningAdmin[] = "event=listening admin=";

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

CommandResult RunUuro(const TestLedger& ledger, const std::string& server,
                      const std::vector<std::string>& args,
                      const std::string& key) {
  std::vector<std::string> argv = {UuroBinary(), "--server", server, "--vkey",
                                   ledger.data + "/log.vkey"};
  if (!key.empty()) {
    argv.push_back("--key");
    argv.push_back(key);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, {"XDG_STATE_HOME=" + ledger.dir.Sub("state")});
}

NoteVerifier TestLedger::log_key() const {
  auto key = ParseVerifierKey(vkey_text);
  if (!key.ok()) std::abort();
  return *key;
}

std::unique_ptr<TestLedger> InitTestLedger(
    const std::vector<std::string>& extra_init_args) {
  auto ledger = std::make_unique<TestLedger>();
  ledger->data = ledger->dir.Sub("data");
  std::vector<std::string> args = {
      UurodBinary(),   "init",
      "--data",        ledger->data,
      "--origin",      ledger->origin,
      "--steward-key", FormatPublicKey(ledger->steward.public_key()),
      "--council-key", FormatPublicKey(ledger->council.public_key()),
      "--district",    "harbour",
      "--district",    "north",
      "--district",    "south",
      "--district",    "hills"};
  args.insert(args.end(), extra_init_args.begin(), extra_init_args.end());
  if (std::find(args.begin(), args.end(), "--min-district-size") ==
      args.end()) {
    args.insert(args.end(), {"--min-district-size", "1"});
  }
  CommandResult init = RunCommand(args);
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

namespace {

bool ServesAdmin(const std::string& command) {
  return command == "serve" || command == "follow";
}

std::vector<std::string> ServeArgv(const std::string& data,
                                   const std::vector<std::string>& extra_args,
                                   const std::string& command) {
  std::vector<std::string> argv = {UurodBinary(), command, "--data", data};
  // Loopback unless the test names another address.
  if (std::find(extra_args.begin(), extra_args.end(), "--grpc-listen") ==
      extra_args.end()) {
    argv.push_back("--grpc-listen");
    argv.push_back("127.0.0.1:0");
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // The admin port's default address is fixed: tests running side by side
  // each take a free port instead.
  if (ServesAdmin(command) && std::find(extra_args.begin(), extra_args.end(),
                                        "--admin-listen") == extra_args.end()) {
    argv.insert(argv.end(), {"--admin-listen", "127.0.0.1:0"});
  }
  return argv;
}

}  // namespace

UurodProcess::UurodProcess(std::string data,
                           std::vector<std::string> extra_args,
                           std::string command)
    : extra_args_(extra_args),
      command_(command),
      process_(ServeArgv(data, extra_args, command)) {}

UurodProcess::~UurodProcess() = default;  // The child process kills it.

absl::Status UurodProcess::Start() {
  const bool http = std::find(extra_args_.begin(), extra_args_.end(),
                              "--http-listen") != extra_args_.end();
  std::vector<std::string> ready = {kListening};
  if (http) ready.push_back(kListeningHttp);
  const bool admin = ServesAdmin(command_) && !HasValue("--admin-listen", "");
  if (admin) ready.push_back(kListeningAdmin);
  absl::Status started = process_.Start(ready);
  if (!started.ok()) {
    return absl::UnavailableError(
        absl::StrCat("uurod did not start: ", started.message()));
  }
  address_ = process_.ValueAfter(kListening);
  http_address_ = http ? process_.ValueAfter(kListeningHttp) : "";
  admin_address_ = admin ? process_.ValueAfter(kListeningAdmin) : "";
  return absl::OkStatus();
}

absl::StatusOr<int> UurodProcess::Stop(int signal) {
  return process_.Stop(signal);
}

bool UurodProcess::HasValue(const std::string& flag,
                            const std::string& value) const {
  for (size_t i = 0; i + 1 < extra_args_.size(); ++i) {
    if (extra_args_[i] == flag && extra_args_[i + 1] == value) return true;
  }
  return false;
}

void UurodProcess::Kill() { (void)Stop(SIGKILL); }

std::shared_ptr<grpc::Channel> UurodProcess::Channel() const {
  return grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

std::string UurodProcess::Log() const { return process_.Output(); }

}  // namespace uuro::testing
