#include "services/admin_socket.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/store/rocks_log_store.h"

namespace uuro::server {
namespace {

constexpr size_t kMaxLine = 4096;

absl::StatusOr<sockaddr_un> SocketAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the socket path ", path, " is longer than the ",
                     sizeof(addr.sun_path) - 1, " bytes a Unix socket allows"));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// Reads up to '\n' (excluded), at most kMaxLine bytes.
std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (line.size() < kMaxLine && ::read(fd, &c, 1) == 1 && c != '\n') {
    line.push_back(c);
  }
  return line;
}

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdminSocket>> AdminSocket::Start(
    const std::string& path, const LogStore& store) {
  auto addr = SocketAddress(path);
  if (!addr.ok()) return addr.status();
  ::unlink(path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("cannot create a Unix socket");
  // Created with no permissions for anyone else from the first moment.
  mode_t old_mask = ::umask(0177);
  int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&*addr),
                     sizeof(sockaddr_un));
  ::umask(old_mask);
  if (bound != 0 || ::listen(fd, 4) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", path, ": ", std::strerror(err)));
  }
  int wake = ::eventfd(0, EFD_CLOEXEC);
  if (wake < 0) {
    ::close(fd);
    ::unlink(path.c_str());
    return absl::InternalError("cannot create an eventfd");
  }
  std::unique_ptr<AdminSocket> socket(new AdminSocket(path, store, fd, wake));
  socket->thread_ = std::thread([s = socket.get()] { s->Run(); });
  return socket;
}

AdminSocket::AdminSocket(std::string path, const LogStore& store, int listen_fd,
                         int wake_fd)
    : path_(std::move(path)),
      store_(store),
      listen_fd_(listen_fd),
      wake_fd_(wake_fd) {}

AdminSocket::~AdminSocket() {
  Stop();
  ::close(listen_fd_);
  ::close(wake_fd_);
}

void AdminSocket::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) != sizeof one) std::abort();
  thread_.join();
  ::unlink(path_.c_str());
}

void AdminSocket::Run() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Serve(fd);
    ::close(fd);
  }
}

void AdminSocket::Serve(int fd) {
  // One client at a time, and none may hold the thread forever.
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ucred peer{};
  socklen_t length = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
      (peer.uid != ::geteuid() && peer.uid != 0)) {
    WriteAll(fd, "error only the server's own user may ask for a backup\n");
    return;
  }
  std::string line = ReadLine(fd);
  constexpr std::string_view kVerb = "checkpoint ";
  if (line.rfind(kVerb, 0) != 0 || line.size() == kVerb.size() ||
      line[kVerb.size()] != '/') {
    WriteAll(fd, "error want: checkpoint <absolute path>\n");
    return;
  }
  std::string out = line.substr(kVerb.size());
  uint64_t size = store_.size();
  absl::Status made = CheckpointRocksLogStore(store_, out);
  if (!made.ok()) {
    WriteAll(fd, absl::StrCat("error ", made.message(), "\n"));
    return;
  }
  WriteAll(fd, absl::StrCat("ok ", size, "\n"));
}

absl::StatusOr<uint64_t> RequestCheckpoint(const std::string& path,
                                           const std::string& out_dir) {
  auto addr = SocketAddress(path);
  if (!addr.ok()) return addr.status();
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("cannot create a Unix socket");
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&*addr),
                sizeof(sockaddr_un)) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("the ledger is in use, but no uurod answers on ", path,
                     ": ", std::strerror(err)));
  }
  WriteAll(fd, absl::StrCat("checkpoint ", out_dir, "\n"));
  std::string answer = ReadLine(fd);
  ::close(fd);
  uint64_t size = 0;
  if (answer.rfind("ok ", 0) == 0 &&
      absl::SimpleAtoi(answer.substr(3), &size)) {
    return size;
  }
  if (answer.rfind("error ", 0) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the server could not make the backup: ", answer.substr(6)));
  }
  return absl::UnavailableError(
      absl::StrCat("no valid answer from the server on ", path));
}

}  // namespace uuro::server
