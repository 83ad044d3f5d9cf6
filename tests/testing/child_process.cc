#include "tests/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace uuro::testing {

std::pair<pid_t, int> Spawn(const std::vector<std::string>& argv,
                            const std::vector<std::string>& env) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(),
                       envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return {-1, -1};
  }
  return {pid, fds[0]};
}

int ExitCode(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) (void)Stop(SIGKILL);
}

absl::Status ChildProcess::Start(const std::vector<std::string>& ready) {
  {
    absl::MutexLock lock(&mu_);
    output_.clear();
    closed_ = false;
  }
  auto [pid, fd] = Spawn(argv_);
  if (pid < 0) return absl::InternalError("cannot start " + argv_[0]);
  pid_ = pid;
  reader_ = std::thread([this, fd = fd] {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
      absl::MutexLock lock(&mu_);
      output_.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    absl::MutexLock lock(&mu_);
    closed_ = true;
  });
  absl::MutexLock lock(&mu_);
  auto all_there = [this, &ready]() -> bool {
    mu_.AssertHeld();
    for (const std::string& r : ready) {
      if (output_.find(r) == std::string::npos) return false;
    }
    return true;
  };
  auto done = [this, &all_there]() -> bool {
    mu_.AssertHeld();
    return closed_ || all_there();
  };
  mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(30));
  if (!all_there()) {
    return absl::UnavailableError(
        absl::StrCat(argv_[0], " did not start: ", output_));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ChildProcess::Stop(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  ::kill(pid_, signal);
  int wstatus = 0;
  ::waitpid(pid_, &wstatus, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return ExitCode(wstatus);
}

std::string ChildProcess::Output() const {
  absl::MutexLock lock(&mu_);
  return output_;
}

std::string ChildProcess::ValueAfter(const std::string& prefix) const {
  absl::MutexLock lock(&mu_);
  size_t at = output_.find(prefix);
  if (at == std::string::npos) return "";
  at += prefix.size();
  return output_.substr(at, output_.find_first_of(" \n", at) - at);
}

}  // namespace uuro::testing
