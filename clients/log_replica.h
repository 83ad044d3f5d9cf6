// A server's log rebuilt by a client, entry by entry, in a scratch RocksDB:
// the part of the monitor that checks entries, signatures, rules and tree.
#ifndef CLIENTS_LOG_REPLICA_H_
#define CLIENTS_LOG_REPLICA_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/log_store.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

// Entries asked of the server per Transparency.GetEntries call (its limit).
inline constexpr uint64_t kEntriesPerPage = 1000;

// A checkpoint as served, and what it says once its signature checked out.
struct SignedCheckpoint {
  std::string note;
  Checkpoint cp;
};

// The server's latest checkpoint (or its newest cosigned one), opened with
// the pinned `log_key`; UNAUTHENTICATED if that key did not sign it.
absl::StatusOr<SignedCheckpoint> FetchCheckpoint(LedgerClient& client,
                                                 const NoteVerifier& log_key,
                                                 bool cosigned);

class LogReplica {
 public:
  // Called after every page: entries checked so far, size being reached.
  using Progress = std::function<void(uint64_t done, uint64_t total)>;

  // An empty store in a new folder inside `parent` (the system's temporary
  // folder if empty), committing `commit_entries` entries at a time. Without
  // `keep_entries` it holds the tree and the state only, and needs far less
  // room: enough for a verifier, not for a mirror.
  static absl::StatusOr<std::unique_ptr<LogReplica>> Create(
      const std::string& parent, uint64_t commit_entries,
      bool keep_entries = true);
  ~LogReplica();  // Closes the store and removes its folder.
  LogReplica(const LogReplica&) = delete;
  LogReplica& operator=(const LogReplica&) = delete;

  // The replayed log; its state is the fund state the entries produce.
  const LogStore& store() const { return *store_; }

  // Downloads the entries from store().size() up to `cp.size` (a checkpoint
  // whose signature was checked, at least as large as store().size()),
  // replays each with every check of the fund rules, and compares the
  // rebuilt root with cp.root. DATA_LOSS names the first entry that does not
  // replay or is not the one `cp` commits to; server errors keep their code.
  absl::Status CatchUp(LedgerClient& client, const Checkpoint& cp,
                       const Progress& progress);

 private:
  LogReplica(std::string dir, std::unique_ptr<LogStore> store,
             uint64_t commit_entries);

  // Why entry `index` (bytes `entry`) did not replay: the server serves an
  // entry other than the committed one, or the log committed a bad entry.
  absl::Status ExplainRefusal(LedgerClient& client, const Checkpoint& cp,
                              uint64_t index, std::string_view entry,
                              const absl::Status& refusal);
  // The first entry where the replayed tree (of cp.size entries, with
  // another root) leaves the tree `cp` commits to, found by binary search
  // over prefixes with the server's consistency proofs.
  absl::Status FindFirstDifference(LedgerClient& client, const Checkpoint& cp);

  const std::string dir_;
  std::unique_ptr<LogStore> store_;
  const uint64_t commit_entries_;
};

}  // namespace uuro::client

#endif  // CLIENTS_LOG_REPLICA_H_
