// The independent monitor behind `uuro audit verify`: it trusts nothing the
// server says beyond what it can check with the pinned log key.
//
// It downloads every entry, checks every signature and every fund rule by
// replaying the log from scratch into its own store, rebuilds the Merkle tree
// and compares its root with the latest signed checkpoint, compares the fund
// totals it computed with the server's Audit answers, and proves the
// checkpoint consistent with the last one it verified before.
#ifndef CLIENTS_LOG_VERIFIER_H_
#define CLIENTS_LOG_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

struct VerifyOptions {
  // The pinned log key (from log.vkey or --vkey), never the server's word.
  // Its name is the log's origin.
  NoteVerifier log_key;
  // Where the last verified checkpoint is kept (see CheckpointStore); empty
  // means DefaultStateDir().
  std::string state_dir;
  // A fresh folder for the replayed copy of the log is made in here and
  // removed afterwards; empty means the system's temporary folder. It holds
  // the tree and the state (not the entries), so it needs less room than
  // the server's ledger.
  std::string scratch_dir;
  // Called from the calling thread after every page of entries with the
  // entries checked so far and the tree size being checked.
  std::function<void(uint64_t done, uint64_t total)> progress;
  // Verify the newest checkpoint that witnesses cosigned, rather than the
  // latest one.
  bool cosigned = false;
  // Entries replayed per commit of the scratch store.
  uint64_t commit_entries = 4096;
};

struct VerifyReport {
  std::string origin;
  std::string checkpoint;  // The verified signed note, as served.
  uint64_t tree_size = 0;
  Hash root{};
  uint64_t entries_checked = 0;  // Every entry, by signature and rules.
  uint64_t rounds_compared = 0;  // Rounds whose totals match the server's.
  // The size of the checkpoint verified before this run, proven to be a
  // prefix of this one; nullopt on the first run for this origin.
  std::optional<uint64_t> previous_size;
};

// Verifies the whole log that `client` serves. Any discrepancy is DATA_LOSS
// with one message naming the first one found, e.g. "entry 57 differs from
// the one the checkpoint commits to" or "round 12: awarded is 300 on the
// server, 290 replayed"; a checkpoint that the pinned key did not sign is
// UNAUTHENTICATED; a server that cannot be reached keeps its code
// (UNAVAILABLE, DEADLINE_EXCEEDED). The kept checkpoint advances only when
// everything verified.
absl::StatusOr<VerifyReport> VerifyLog(LedgerClient& client,
                                       const VerifyOptions& options);

}  // namespace uuro::client

#endif  // CLIENTS_LOG_VERIFIER_H_
