// The latest checkpoint this log handed out, kept apart from the store.
//
// A store can lose its tail after it was acknowledged: a disk or controller
// that does not keep synced writes, an older copy of db/ put back. The
// checkpoints already handed out (receipts, /checkpoint, witnesses) still
// exist, so signing a new checkpoint over the shorter store would fork the
// log. This record survives what the store loses: it is written and synced
// before any checkpoint is handed out, and on start the store must be at
// least as long as it and agree with it (CheckStoreAgainstPublished).
//
// DIR/published-checkpoint holds two fixed-size slots written in turn, each
// with a sequence number and a SHA-256 over its contents. One write is one
// pwrite and one fdatasync of a file whose size never changes (no rename, no
// directory sync per commit); a torn write damages only the slot being
// written, and the other still holds the previous record. The file is
// created once by writing a temporary file, syncing it, renaming it into
// place and syncing the folder.
#ifndef SERVICES_PUBLISHED_CHECKPOINT_H_
#define SERVICES_PUBLISHED_CHECKPOINT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/tlog/log_store.h"
#include "ledger/tlog/note.h"

namespace uuro::server {

class PublishedCheckpointFile {
 public:
  // Opens (does not create) the record at `path` and reads it. DATA_LOSS if
  // the file exists but neither slot is whole.
  static absl::StatusOr<std::unique_ptr<PublishedCheckpointFile>> Open(
      std::string path);
  ~PublishedCheckpointFile();
  PublishedCheckpointFile(const PublishedCheckpointFile&) = delete;
  PublishedCheckpointFile& operator=(const PublishedCheckpointFile&) = delete;

  // The signed note last recorded; nullopt before the first Write.
  std::optional<std::string> latest() const;

  // Records `note`; it is on disk when this returns OK. UNAVAILABLE if the
  // write or the sync failed (the previous record stays readable).
  absl::Status Write(const std::string& note);

 private:
  explicit PublishedCheckpointFile(std::string path) : path_(std::move(path)) {}
  absl::Status Create(const std::string& first_slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  mutable absl::Mutex mu_;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
  uint64_t sequence_ ABSL_GUARDED_BY(mu_) = 0;  // Of the latest record.
  std::optional<std::string> latest_ ABSL_GUARDED_BY(mu_);
};

// Whether serving `store` could sign a fork of the checkpoint recorded in
// `published` (a signed note by `verifier`, or nullopt if none was
// recorded): FAILED_PRECONDITION, with what to do, if the store holds fewer
// entries than it or a different tree at its size. `data_dir` names the
// folder in the message.
absl::Status CheckStoreAgainstPublished(
    const LogStore& store, const NoteVerifier& verifier,
    const std::string& origin, const std::optional<std::string>& published,
    const std::string& data_dir);

}  // namespace uuro::server

#endif  // SERVICES_PUBLISHED_CHECKPOINT_H_
