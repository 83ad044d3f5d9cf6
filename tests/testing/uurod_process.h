// A real uurod, started as its own process on a loopback port the OS picks,
// for integration tests. The test talks to it over gRPC like any client.
#ifndef TESTS_TESTING_UUROD_PROCESS_H_
#define TESTS_TESTING_UUROD_PROCESS_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace uuro::testing {

// The paths of the uurod and uuro binaries under test.
std::string UurodBinary();
std::string UuroBinary();

// Runs a command to completion; returns its exit code and what it printed
// (stdout and stderr together).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
// `env` entries ("NAME=value") are added to this process's environment.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

// Runs uuro as a user of `ledger` would: against `server`, with the ledger's
// log.vkey pinned and a state folder of its own in the ledger's temporary
// folder; `key`, if set, is passed as --key.
struct TestLedger;
CommandResult RunUuro(const TestLedger& ledger, const std::string& server,
                      const std::vector<std::string>& args,
                      const std::string& key = "");

// A ledger made with `uurod init` in a temporary folder, with a steward and a
// council key made for it.
struct TestLedger {
  TempDir dir;
  std::string data;  // The data folder, inside `dir`.
  std::string origin = "test.uuro.example/ledger";
  SecretKey steward = SecretKey::Generate();
  SecretKey council = SecretKey::Generate();
  std::string vkey_text;  // The log's verifier key, as init printed it.
  NoteVerifier log_key() const;
};
// Fails the calling test (and returns nullptr) if init fails. The ledger
// defines the districts harbour, hills, north and south and allows districts of
// one resident; `extra_init_args` go to `uurod init` as well.
std::unique_ptr<TestLedger> InitTestLedger(
    const std::vector<std::string>& extra_init_args = {});

class UurodProcess {
 public:
  // `extra_args` are appended to `uurod serve --data DATA --grpc-listen
  // 127.0.0.1:0` (or `uurod COMMAND ...`, e.g. "follow"); a --grpc-listen
  // among them replaces the loopback one.
  explicit UurodProcess(std::string data,
                        std::vector<std::string> extra_args = {},
                        std::string command = "serve");
  ~UurodProcess();  // Kills the process if it still runs.
  UurodProcess(const UurodProcess&) = delete;
  UurodProcess& operator=(const UurodProcess&) = delete;

  // Starts it and waits until it listens (at most 30 s).
  absl::Status Start();
  // Sends `signal` and waits for the exit; returns the exit code, or 128 +
  // signal number if a signal ended it.
  absl::StatusOr<int> Stop(int signal);
  void Kill();  // SIGKILL, no questions asked.

  const std::string& address() const { return address_; }
  // The tiles-over-HTTP address; empty unless started with --http-listen.
  const std::string& http_address() const { return http_address_; }
  // The admin (/metrics) address; a free loopback port unless the test
  // passed --admin-listen itself (empty if it passed "").
  const std::string& admin_address() const { return admin_address_; }
  std::shared_ptr<grpc::Channel> Channel() const;
  // Everything it logged so far.
  std::string Log() const;

 private:
  bool HasValue(const std::string& flag, const std::string& value) const;

  const std::vector<std::string> extra_args_;
  const std::string command_;
  ChildProcess process_;
  std::string address_;
  std::string http_address_;
  std::string admin_address_;
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_UUROD_PROCESS_H_
