#include "clients/checkpoint_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {

std::string DefaultStateDir() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && *state != '\0') return std::string(state) + "/uuro";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/state/uuro";
  }
  return ".uuro-state";
}

std::string CheckpointStore::PathFor(std::string_view origin) const {
  return absl::StrCat(dir_, "/checkpoint-", ToHex(Sha256(AsBytes(origin))));
}

absl::StatusOr<std::optional<std::string>> CheckpointStore::Load(
    std::string_view origin) const {
  const std::string path = PathFor(origin);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::nullopt;
  if (fd < 0) return ErrnoError("cannot open", path);
  std::string note;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status status = ErrnoError("cannot read", path);
      ::close(fd);
      return status;
    }
    if (n == 0) break;
    note.append(buf, static_cast<size_t>(n));
    if (note.size() > kMaxNoteSize) {
      ::close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is too large to be a checkpoint"));
    }
  }
  ::close(fd);
  return note;
}

absl::Status CheckpointStore::Save(std::string_view origin,
                                   std::string_view note) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", dir_, ": ", ec.message()));
  }
  // Only for this user: it decides what the client trusts.
  ::chmod(dir_.c_str(), 0700);
  return WriteFileAtomically(PathFor(origin), note);
}

}  // namespace uuro::client
