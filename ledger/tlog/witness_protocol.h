// The body of a C2SP tlog-witness add-checkpoint request
// (https://c2sp.org/tlog-witness): "old <size>\n", up to 63 base64 proof
// lines, an empty line, then the signed checkpoint note. The log formats it,
// the witness parses it; both link this.
#ifndef LEDGER_TLOG_WITNESS_PROTOCOL_H_
#define LEDGER_TLOG_WITNESS_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"

namespace uuro {

inline constexpr size_t kMaxWitnessProofLines = 63;
// The Content-Type of a 409 answer, whose body is "<size>\n".
inline constexpr char kTlogSizeContentType[] = "text/x.tlog.size";

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<Hash> proof;  // Consistency proof from old_size.
  std::string note;         // The signed checkpoint.
};

std::string FormatAddCheckpoint(const AddCheckpointRequest& request);

// Strict: "old" with a canonical decimal, canonical base64 hashes, at most
// kMaxWitnessProofLines of them. InvalidArgument otherwise; the note itself is
// left for the caller to open.
absl::StatusOr<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body);

// Parses a 409 answer's body "<size>\n".
absl::StatusOr<uint64_t> ParseTlogSize(std::string_view body);

}  // namespace uuro

#endif  // LEDGER_TLOG_WITNESS_PROTOCOL_H_
