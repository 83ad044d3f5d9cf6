// --require-cosignatures K: the council's cosignatures that a checkpoint
// must carry before uuro accepts it. The council keys come from the log's own
// genesis, proven included; they are kept in the ledger's state folder
// (council.keys) so that offline checks can use them later.
#ifndef CLIENTS_UURO_COSIGNED_H_
#define CLIENTS_UURO_COSIGNED_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/uuro/context.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/note.h"

namespace uuro::cli {

// Online: the council keys of the log, read from entry 0 and proven against
// the signed checkpoint `note`, then `required` cosignatures checked.
absl::StatusOr<std::vector<Cosignature>> CheckCosignaturesOnline(
    Context& ctx, const NoteVerifier& log_key, const std::string& note,
    size_t required);

// Offline: the same with the council keys kept by an earlier online check.
absl::StatusOr<std::vector<Cosignature>> CheckCosignaturesOffline(
    Context& ctx, const NoteVerifier& log_key, const std::string& note,
    size_t required);

// "2 council cosignatures (witness.a/alice, witness.b/bob)".
std::string DescribeCosignatures(const std::vector<Cosignature>& cosigs);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_COSIGNED_H_
