// Checking a receipt: the proof that an accepted transaction is in the log.
#ifndef LEDGER_FUND_RECEIPT_H_
#define LEDGER_FUND_RECEIPT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"
#include "uuro/v1/ledger.pb.h"

namespace uuro {

// Checks, offline, that `receipt` holds a checkpoint signed by `log_key` for
// `origin`, that its leaf hash is the hash of its entry, and that the
// inclusion proof leads from that leaf to the checkpoint's root. Returns the
// checkpoint. UNAUTHENTICATED for a bad signature, INVALID_ARGUMENT for
// anything else that does not hold.
absl::StatusOr<Checkpoint> VerifyReceipt(const v1::Receipt& receipt,
                                         const NoteVerifier& log_key,
                                         std::string_view origin);

}  // namespace uuro

#endif  // LEDGER_FUND_RECEIPT_H_
