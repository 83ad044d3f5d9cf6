// The state digest and replaying a log from scratch.
#ifndef LEDGER_FUND_DIGEST_H_
#define LEDGER_FUND_DIGEST_H_

#include <functional>

#include "absl/status/statusor.h"
#include "ledger/tlog/log_store.h"

namespace uuro::fund {

// SHA-256 over every state record in key order (docs/fund-rules.md).
absl::StatusOr<Hash> StateDigest(const LogStore& store);

// Applies every entry of `source` to `target`, which must hold a prefix of the
// same log (empty to start from scratch), committing `batch_size` entries at
// a time. Fails on the first entry the rules refuse, naming its index.
// `progress`, if set, is called with the number of entries replayed so far.
absl::Status ReplayLog(const LogStore& source, LogStore& target,
                       uint64_t batch_size = 1024,
                       const std::function<void(uint64_t)>& progress = nullptr);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_DIGEST_H_
