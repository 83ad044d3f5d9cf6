// Trust on first use, then proof of every step: the rule by which a client
// accepts a new checkpoint of a log it has seen before.
#ifndef CLIENTS_TRUSTED_CHECKPOINT_H_
#define CLIENTS_TRUSTED_CHECKPOINT_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "clients/checkpoint_store.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

// Called by every client command that sees a new checkpoint `new_note`.
// Opens it with the pinned `log_key` (the origin is the key's name, as uurod
// names its key) and compares it with the stored checkpoint of that origin:
//   - none stored: the new one is saved (trust on first use);
//   - smaller, or the same size with another root, or larger without a
//     consistency proof from the server that verifies: DATA_LOSS naming both
//     sizes (the log was rolled back or forked), and the stored checkpoint
//     stays as it was;
//   - otherwise the new one replaces it.
// A new note that does not verify keeps its code (UNAUTHENTICATED or
// INVALID_ARGUMENT); a stored note that no longer verifies with `log_key` is
// FAILED_PRECONDITION. If `previous` is set, it receives the stored
// checkpoint that was compared (nullopt if there was none).
absl::Status AdvanceTrustedCheckpoint(
    LedgerClient& client, const CheckpointStore& store,
    const NoteVerifier& log_key, std::string_view new_note,
    std::optional<Checkpoint>* previous = nullptr);

}  // namespace uuro::client

#endif  // CLIENTS_TRUSTED_CHECKPOINT_H_
