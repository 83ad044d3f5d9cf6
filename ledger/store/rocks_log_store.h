// LogStore on an embedded RocksDB. The on-disk layout is in docs/log-format.md.
#ifndef LEDGER_STORE_ROCKS_LOG_STORE_H_
#define LEDGER_STORE_ROCKS_LOG_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/tlog/log_store.h"

namespace rocksdb {
class Env;
}

namespace uuro {

// Whether a commit survives a crash once Append returns.
enum class Durability {
  kSynced,   // Written to the write-ahead log and synced: every ledger.
  kScratch,  // No write-ahead log, no sync: a copy that is thrown away after
             // use (a mirror's replay) and is rebuilt if the process dies.
  kScratchWithoutEntries,  // kScratch that keeps the tree and the state but
                           // not the entries, for a replay that checks each
                           // entry as it passes (a verifier's): it needs far
                           // less room. ReadEntry is FAILED_PRECONDITION.
};

// `env`, if not null, is the RocksDB environment the store does all its file
// work through (not owned; it must outlive the store). Tests pass one that
// simulates power loss (tests/reliability/power_loss_test.cc).

// Creates a new, empty ledger in `dir`, which must not exist or be empty.
// ALREADY_EXISTS if it holds a ledger, FAILED_PRECONDITION if it holds
// anything else.
absl::StatusOr<std::unique_ptr<LogStore>> CreateRocksLogStore(
    const std::string& dir, Durability durability = Durability::kSynced,
    rocksdb::Env* env = nullptr);

// Opens the ledger in `dir` and checks it: the format marker, that the stored
// tree nodes give the stored root, and that the last entry is the last leaf.
// NOT_FOUND if `dir` holds no ledger; DATA_LOSS if the checks fail;
// UNAVAILABLE if another process has it open.
absl::StatusOr<std::unique_ptr<LogStore>> OpenRocksLogStore(
    const std::string& dir, rocksdb::Env* env = nullptr);

// A consistent copy of an open RocksLogStore in `dir` (which must not exist),
// made while it keeps appending: a RocksDB checkpoint, with SST files
// hard-linked when `dir` is on the same file system and copied otherwise.
// Every commit is one write batch, so the copy holds whole commits only.
// FAILED_PRECONDITION if `store` is not a RocksLogStore.
absl::Status CheckpointRocksLogStore(const LogStore& store,
                                     const std::string& dir);

// RocksDB figures an operator watches.
struct RocksFigures {
  uint64_t live_sst_bytes = 0;            // Size of the live SST files.
  uint64_t pending_compaction_bytes = 0;  // Estimated bytes left to compact.
  uint64_t compaction_pending = 0;        // 1 if a compaction is due.
  uint64_t running_compactions = 0;
  uint64_t memtable_bytes = 0;  // All memtables, all column families.
};
// FAILED_PRECONDITION if `store` is not a RocksLogStore.
absl::StatusOr<RocksFigures> ReadRocksFigures(const LogStore& store);

}  // namespace uuro

#endif  // LEDGER_STORE_ROCKS_LOG_STORE_H_
