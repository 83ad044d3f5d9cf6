// Programs under test started as child processes, with their output
// captured: the building blocks of UurodProcess, and a generic long-running
// child for other servers (the witness).
#ifndef TESTS_TESTING_CHILD_PROCESS_H_
#define TESTS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace uuro::testing {

// Spawns `argv` with stdout and stderr into a pipe; returns pid and read end
// (pid -1 on failure). `env` entries ("NAME=value") are added.
std::pair<pid_t, int> Spawn(const std::vector<std::string>& argv,
                            const std::vector<std::string>& env = {});

// The exit code of a waitpid status, or 128 + signal number.
int ExitCode(int wstatus);

// A long-running child whose output is collected as it comes.
class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv)
      : argv_(std::move(argv)) {}
  ~ChildProcess();  // Kills it if it still runs.
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts it and waits (at most 30 s) until its output contains every
  // string of `ready`.
  absl::Status Start(const std::vector<std::string>& ready);
  // Sends `signal`, waits, and returns the exit code (128 + signal if a
  // signal ended it).
  absl::StatusOr<int> Stop(int signal);
  std::string Output() const;
  // The text after the first `prefix` in the output, up to a space or line
  // end; empty if absent.
  std::string ValueAfter(const std::string& prefix) const;

 private:
  const std::vector<std::string> argv_;
  pid_t pid_ = -1;
  std::thread reader_;
  mutable absl::Mutex mu_;
  std::string output_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_CHILD_PROCESS_H_
