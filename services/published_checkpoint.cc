#include "services/published_checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::server {
namespace {

// A slot: magic (8) | sequence (8, little endian) | length (4) | note |
// SHA-256 of everything before it (32) | zero padding.
constexpr char kMagic[8] = {'U', 'U', 'R', 'O', 'P', 'C', 'P', '1'};
constexpr size_t kSlotSize = 4096;
constexpr size_t kHeaderSize = 20;
constexpr size_t kMaxNote = kSlotSize - kHeaderSize - kHashSize;

std::string ErrnoText() { return std::strerror(errno); }

void PutLe(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  }
  return v;
}

std::string EncodeSlot(uint64_t sequence, const std::string& note) {
  std::string slot(kMagic, sizeof kMagic);
  PutLe(slot, sequence, 8);
  PutLe(slot, note.size(), 4);
  slot += note;
  Hash sum = Sha256(AsBytes(slot));
  slot += AsString(sum);
  slot.resize(kSlotSize, '\0');
  return slot;
}

struct Slot {
  uint64_t sequence;
  std::string note;
};

std::optional<Slot> DecodeSlot(std::string_view slot) {
  if (slot.size() != kSlotSize || slot.substr(0, sizeof kMagic) !=
                                      std::string_view(kMagic, sizeof kMagic)) {
    return std::nullopt;
  }
  uint64_t sequence = GetLe(slot.data() + 8, 8);
  uint64_t length = GetLe(slot.data() + 16, 4);
  if (length > kMaxNote) return std::nullopt;
  std::string_view body = slot.substr(0, kHeaderSize + length);
  Hash sum = Sha256(AsBytes(body));
  if (slot.substr(body.size(), kHashSize) != AsString(sum)) return std::nullopt;
  return Slot{sequence, std::string(body.substr(kHeaderSize))};
}

absl::Status WriteAll(int fd, const std::string& data, off_t offset,
                      const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done,
                         offset + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", path, ": ", ErrnoText()));
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PublishedCheckpointFile>>
PublishedCheckpointFile::Open(std::string path) {
  auto file = std::unique_ptr<PublishedCheckpointFile>(
      new PublishedCheckpointFile(path));
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return file;  // Created on the first Write.
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", ErrnoText()));
  }
  std::string data(2 * kSlotSize, '\0');
  ssize_t n = ::pread(fd, data.data(), data.size(), 0);
  std::optional<Slot> best;
  for (size_t i = 0; n > 0 && i < 2; ++i) {
    if (static_cast<size_t>(n) < (i + 1) * kSlotSize) break;
    auto slot =
        DecodeSlot(std::string_view(data).substr(i * kSlotSize, kSlotSize));
    if (slot && (!best || slot->sequence > best->sequence)) best = slot;
  }
  absl::MutexLock lock(&file->mu_);
  file->fd_ = fd;
  if (!best) {
    return absl::DataLossError(absl::StrCat(
        path,
        " holds no readable checkpoint record; if the ledger is known to "
        "be whole, move the file away and start again"));
  }
  file->sequence_ = best->sequence;
  file->latest_ = std::move(best->note);
  return file;
}

PublishedCheckpointFile::~PublishedCheckpointFile() {
  absl::MutexLock lock(&mu_);
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> PublishedCheckpointFile::latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

absl::Status PublishedCheckpointFile::Create(const std::string& first_slot) {
  // Created whole (temporary file, sync, rename, folder sync), then written
  // in place one slot at a time.
  absl::Status created = WriteFileAtomically(
      path_, first_slot + std::string(kSlotSize, '\0'), 0644);
  if (!created.ok()) return absl::UnavailableError(created.message());
  int fd = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path_, ": ", ErrnoText()));
  }
  fd_ = fd;
  return absl::OkStatus();
}

absl::Status PublishedCheckpointFile::Write(const std::string& note) {
  if (note.size() > kMaxNote) {
    return absl::InvalidArgumentError(
        absl::StrCat("a checkpoint note of ", note.size(),
                     " bytes does not fit the record"));
  }
  absl::MutexLock lock(&mu_);
  const uint64_t sequence = sequence_ + 1;
  std::string slot = EncodeSlot(sequence, note);
  if (fd_ < 0) {
    UURO_RETURN_IF_ERROR(Create(slot));
  } else {
    // Slot 0 holds odd sequence numbers, slot 1 even ones: the slot written
    // now never holds the latest record.
    off_t offset = (sequence % 2 == 1) ? 0 : static_cast<off_t>(kSlotSize);
    UURO_RETURN_IF_ERROR(WriteAll(fd_, slot, offset, path_));
    if (::fdatasync(fd_) != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot sync ", path_, ": ", ErrnoText()));
    }
  }
  sequence_ = sequence;
  latest_ = note;
  return absl::OkStatus();
}

absl::Status CheckStoreAgainstPublished(
    const LogStore& store, const NoteVerifier& verifier,
    const std::string& origin, const std::optional<std::string>& published,
    const std::string& data_dir) {
  if (!published) return absl::OkStatus();
  auto cp = OpenCheckpoint(*published, verifier, origin);
  if (!cp.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        data_dir, "/published-checkpoint is not a checkpoint this log signed (",
        cp.status().message(), "); refusing to serve"));
  }
  const std::string advice = absl::StrCat(
      "Signing now would fork the log, so uurod refuses to serve. Rebuild the "
      "ledger from a mirror of the public log that has the published entries: "
      "uurod rebuild --from MIRROR_URL --vkey ",
      data_dir, "/log.vkey --data ", data_dir,
      " (docs/operations.md, \"The store is behind its published "
      "checkpoint\")");
  if (store.size() < cp->size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the ledger in ", data_dir, "/db holds ", store.size(),
        " entries, but this log already published a checkpoint of ", cp->size,
        " entries: the store lost acknowledged entries (a disk that did not "
        "keep synced writes, or an older copy of db/). ",
        advice));
  }
  auto root = RootAt(store, cp->size);
  if (!root.ok() || *root != cp->root) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the ledger in ", data_dir,
        "/db is not consistent with the checkpoint "
        "this log already published at ",
        cp->size, " entries (",
        root.ok() ? "another tree" : std::string(root.status().message()),
        "). ", advice));
  }
  return absl::OkStatus();
}

}  // namespace uuro::server
