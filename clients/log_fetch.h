// The Transparency reads every verifier needs: entries and proofs, with the
// shape of the answer checked (the content is the caller's to verify).
#ifndef CLIENTS_LOG_FETCH_H_
#define CLIENTS_LOG_FETCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/bytes.h"

namespace uuro::client {

// Serialized entries [start, end) as the server sends them: fewer is fine,
// none or more is DATA_LOSS.
absl::StatusOr<std::vector<std::string>> FetchEntries(LedgerClient& client,
                                                      uint64_t start,
                                                      uint64_t end);

// Transparency.GetInclusionProof of entry `index` in the tree of `tree_size`.
absl::StatusOr<std::vector<Hash>> FetchInclusionProof(LedgerClient& client,
                                                      uint64_t index,
                                                      uint64_t tree_size);

// Transparency.GetConsistencyProof from `old_size` to `new_size` (both set).
absl::StatusOr<std::vector<Hash>> FetchConsistencyProof(LedgerClient& client,
                                                        uint64_t old_size,
                                                        uint64_t new_size);

}  // namespace uuro::client

#endif  // CLIENTS_LOG_FETCH_H_
