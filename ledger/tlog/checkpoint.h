// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): a log's tree head
// as the text of a signed note.
//
//   <origin>\n<decimal tree size>\n<base64 root hash>\n[<extension line>\n]*
#ifndef LEDGER_TLOG_CHECKPOINT_H_
#define LEDGER_TLOG_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/note.h"

namespace uuro {

struct Checkpoint {
  std::string origin;  // Identifies the log; non-empty, no '\n'.
  uint64_t size = 0;   // Number of entries in the tree.
  Hash root{};         // RFC 6962 root hash of the first `size` entries.
  // Opaque; each non-empty with no '\n'. The spec discourages their use.
  std::vector<std::string> extensions;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `cp`, ending in '\n'. `cp` must satisfy the field comments
// above; SignCheckpoint checks that, for callers that build checkpoints.
std::string FormatCheckpoint(const Checkpoint& cp);

// Parses checkpoint note text strictly: the tree size has no sign, no leading
// zeros (except "0") and fits 64 bits; the root is canonical base64 of 32
// bytes; the text ends in '\n'; extension lines are non-empty. InvalidArgument
// otherwise.
absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text);

// The signed note of `cp` by `signer`. InvalidArgument if `cp` is not one that
// ParseCheckpoint would read back exactly.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& cp,
                                           const NoteSigner& signer);

// Opens the signed note `note` with `verifier` (see OpenNote) and parses its
// text; InvalidArgument if its origin is not `origin`. Signatures by other
// keys, such as witness cosignatures, are ignored here: use OpenNote and
// ParseCheckpoint to see them.
absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note,
                                          const NoteVerifier& verifier,
                                          std::string_view origin);

}  // namespace uuro

#endif  // LEDGER_TLOG_CHECKPOINT_H_
