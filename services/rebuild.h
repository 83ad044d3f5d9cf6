// Rebuilding a ledger from its public log, and keeping a copy of it current:
// entries fetched from any C2SP tlog-tiles mirror, every one checked against
// a checkpoint signed by the pinned log key, and replayed through the fund
// rules, so the local state is the one the log says.
#ifndef SERVICES_REBUILD_H_
#define SERVICES_REBUILD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/net/tile_log_reader.h"
#include "ledger/tlog/log_store.h"
#include "services/backup.h"
#include "services/data_dir.h"

namespace uuro::server {

// Called after every commit: entries held so far, size being reached.
using SyncProgress = std::function<void(uint64_t done, uint64_t total)>;

// Brings `store` (empty, or a prefix of the mirror's log) up to the signed
// checkpoint `cp`:
//   1. the local tree must be a prefix of cp's tree (a consistency proof
//      from the mirror's tiles), else DATA_LOSS and nothing changes;
//   2. entries are fetched in bundles, their leaf hashes appended to a copy
//      of the local tree, and that tree checked to be a prefix of cp's
//      before anything is stored, else DATA_LOSS naming the entries;
//   3. they are replayed through the fund rules and committed, about
//      `commit_entries` at a time; the last commit stores cp's note.
// Every commit is verified progress, so an interrupted sync resumes where it
// stopped. A mirror that stops answering leaves UNAVAILABLE. Only one thread
// may sync a store, and nothing else may append to it.
absl::Status SyncToCheckpoint(client::TileLogReader& reader, LogStore& store,
                              const client::VerifiedCheckpoint& cp,
                              uint64_t commit_entries,
                              const SyncProgress& progress);

struct RebuildOptions {
  std::string url;   // The mirror.
  std::string vkey;  // The log's verifier key text.
  uint64_t commit_entries = 4096;
};

// Rebuilds the ledger into `dir` up to the mirror's latest checkpoint, or
// resumes a rebuild that stopped. `dir` must not hold a log key: a rebuilt
// folder is public data, and a serving ledger is never written from outside.
// Checks the result with CheckLedgerFolder.
absl::StatusOr<LedgerFolderInfo> RebuildLedger(const RebuildOptions& options,
                                               const DataDir& dir,
                                               const SyncProgress& progress);

// `text` if it is a verifier key, else the contents of the file it names.
absl::StatusOr<std::string> VerifierKeyText(const std::string& text_or_file);

}  // namespace uuro::server

#endif  // SERVICES_REBUILD_H_
