// What a client remembers between runs: the last checkpoint it verified, per
// log origin, so that every later checkpoint must extend it. A log that was
// rolled back or forked can then fool a client at most once, never twice in
// a way that goes unnoticed.
#ifndef CLIENTS_CHECKPOINT_STORE_H_
#define CLIENTS_CHECKPOINT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

// $XDG_STATE_HOME/uuro, or ~/.local/state/uuro when it is unset or empty
// (XDG Base Directory spec). Falls back to ./.uuro-state without a $HOME.
std::string DefaultStateDir();

// Signed checkpoint notes kept as files in one folder, one per origin. The
// file of an origin is named after the hex SHA-256 of the origin, so any
// origin (slashes, dots, unicode) maps to one safe name. Each save replaces
// the file atomically (temporary file, fsync, rename, fsync of the folder):
// after a crash the file holds either the old note or the new one.
//
// Holds only the folder name; copyable. Concurrent saves of one origin by
// several processes leave one of the notes, whole.
class CheckpointStore {
 public:
  explicit CheckpointStore(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  // The file that holds the note of `origin` (which need not exist).
  std::string PathFor(std::string_view origin) const;

  // The stored note, or nullopt if none was saved for `origin`.
  absl::StatusOr<std::optional<std::string>> Load(
      std::string_view origin) const;
  // Stores `note` for `origin`, creating the folder (mode 0700) if needed.
  absl::Status Save(std::string_view origin, std::string_view note) const;

 private:
  std::string dir_;
};

}  // namespace uuro::client

#endif  // CLIENTS_CHECKPOINT_STORE_H_
