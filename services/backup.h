// Backups of a uurod data folder, taken online, and restoring one.
//
// A backup folder holds:
//   OUT/db/        a RocksDB checkpoint of DIR/db: whole commits only
//   OUT/log.vkey   the log's verifier key
//   OUT/BACKUP     what the backup holds (origin, tree size, root, time)
//   OUT/log.key    the log signing key, mode 0600, only if asked for
// Everything in it but log.key is public data: the log is public anyway.
#ifndef SERVICES_BACKUP_H_
#define SERVICES_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "services/data_dir.h"

namespace uuro::server {

// DIR/admin.sock, where a serving uurod takes backup requests.
inline std::string AdminSocketPath(const DataDir& dir) {
  return dir.root + "/admin.sock";
}

// What a checked ledger folder holds.
struct LedgerFolderInfo {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
};

// Opens the ledger in `dir` read for checking (it must not be in use) and
// checks what a restore relies on: the store's own checks (docs/log-format.md),
// that log.vkey is the key genesis names, and that the stored checkpoint is
// signed by that key and commits to exactly the stored tree. DATA_LOSS if a
// check fails, NOT_FOUND if a part is missing.
absl::StatusOr<LedgerFolderInfo> CheckLedgerFolder(const DataDir& dir);

struct BackupOptions {
  bool with_log_key = false;  // Also copy DIR/log.key (mode 0600).
};

// Backs up the ledger in `dir` into the new folder `out`: directly if no
// process has it open, otherwise through the serving uurod's admin socket.
// Checks the result with CheckLedgerFolder. On failure removes what it made.
absl::StatusOr<LedgerFolderInfo> BackupLedger(const DataDir& dir,
                                              const std::string& out,
                                              const BackupOptions& options);

struct RestoreOptions {
  // A log key file to install when the backup has none; empty for none.
  std::string log_key;
};

// Checks the backup in `backup` and copies it into `dir`, which must not hold
// a ledger. Installs the backup's log key, or options.log_key, after checking
// that it is the key genesis names. Sets *installed_key to whether a key was
// installed. On failure removes what it made.
absl::StatusOr<LedgerFolderInfo> RestoreLedger(const std::string& backup,
                                               const DataDir& dir,
                                               const RestoreOptions& options,
                                               bool* installed_key);

// Checks that the key in `key_file` is the log key that the ledger in `dir`
// (closed) names in genesis; FAILED_PRECONDITION if not.
absl::Status CheckLogKeyFile(const DataDir& dir, const std::string& key_file);

}  // namespace uuro::server

#endif  // SERVICES_BACKUP_H_
