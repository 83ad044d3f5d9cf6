// One encoding per message. Whatever is logged is replayed by every verifier
// for ever, so a signed body or envelope must be exactly the bytes its schema
// gives for what it says: no unknown fields (arbitrary bytes in the log, and
// a meaning they would gain once that field number is used), no fields out
// of order, repeated, set to their default or encoded longer than needed.
#ifndef LEDGER_FUND_CANONICAL_H_
#define LEDGER_FUND_CANONICAL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace uuro::fund {

// The deterministic serialization of `message`, unknown fields dropped.
std::string CanonicalBytes(const google::protobuf::Message& message);

// OK if `bytes`, which decoded to `parsed`, is its canonical encoding;
// otherwise INVALID_ARGUMENT naming `what` ("the transaction body") and
// whether it carried a field this ledger does not know.
absl::Status CheckCanonical(const google::protobuf::Message& parsed,
                            std::string_view bytes, std::string_view what);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_CANONICAL_H_
