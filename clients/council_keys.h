// The council's keys, as the log itself names them, and the count of council
// cosignatures on a checkpoint: what `--require-cosignatures K` checks.
#ifndef CLIENTS_COUNCIL_KEYS_H_
#define CLIENTS_COUNCIL_KEYS_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

// The council keys of genesis (entry 0), trusting nothing the server says:
// the entry must be in the tree of `cp` (a checkpoint already verified with
// the pinned `log_key`) by an inclusion proof, and signed by that log key.
absl::StatusOr<std::vector<PublicKey>> FetchCouncilKeys(
    LedgerClient& client, const Checkpoint& cp, const NoteVerifier& log_key);

// The same from a genesis entry already in hand (a serialized LogEntry).
absl::StatusOr<std::vector<PublicKey>> CouncilKeysOfGenesis(
    ByteView entry, const NoteVerifier& log_key);

// The council cosignatures on the signed checkpoint `note` that verify, at
// most one per council key. FAILED_PRECONDITION, naming both counts, if
// fewer than `required`.
absl::StatusOr<std::vector<Cosignature>> RequireCosignatures(
    std::string_view note, const NoteVerifier& log_key,
    const std::vector<PublicKey>& council, size_t required);

}  // namespace uuro::client

#endif  // CLIENTS_COUNCIL_KEYS_H_
