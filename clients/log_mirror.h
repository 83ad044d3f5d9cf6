// A static mirror of the log: the files of C2SP tlog-tiles (checkpoint, hash
// tiles, entry bundles, log.vkey) written to a folder that nginx or any
// static host can serve as is, so that the log stays readable, checkable and
// cacheable without uurod.
#ifndef CLIENTS_LOG_MIRROR_H_
#define CLIENTS_LOG_MIRROR_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

struct MirrorOptions {
  NoteVerifier log_key;     // Pinned; never the server's word.
  std::string state_dir;    // Where the last verified checkpoint is kept.
  std::string scratch_dir;  // Parent of the scratch replica; empty: /tmp.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct MirrorReport {
  uint64_t tree_size = 0;
  uint64_t tiles_written = 0;
  uint64_t tiles_kept = 0;  // Full tiles already in the mirror: immutable.
};

// Brings the mirror in `out_dir` up to the server's latest checkpoint. Every
// entry is verified first, as `uuro audit verify` does (signatures, fund
// rules, the rebuilt root against the signed checkpoint), and the new
// checkpoint must extend both the one this client verified before and the
// one the mirror already serves (DATA_LOSS otherwise, and the mirror is left
// as it was). Tiles are written before the checkpoint that names them, each
// file atomically, so a mirror being updated is always consistent.
absl::StatusOr<MirrorReport> MirrorLog(LedgerClient& client,
                                       const std::string& out_dir,
                                       const MirrorOptions& options);

}  // namespace uuro::client

#endif  // CLIENTS_LOG_MIRROR_H_
