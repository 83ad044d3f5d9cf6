#include "ledger/tlog/witness_protocol.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/text.h"

namespace uuro {
namespace {

absl::Status Malformed(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed add-checkpoint request: ", std::string(why)));
}

// Takes the line at the front of `body` (without its '\n'); false if there
// is no complete line.
bool TakeLine(std::string_view& body, std::string_view& line) {
  size_t end = body.find('\n');
  if (end == std::string_view::npos) return false;
  line = body.substr(0, end);
  body.remove_prefix(end + 1);
  return true;
}

}  // namespace

std::string FormatAddCheckpoint(const AddCheckpointRequest& request) {
  std::string body = absl::StrCat("old ", request.old_size, "\n");
  for (const Hash& h : request.proof) {
    absl::StrAppend(&body, Base64Encode(h), "\n");
  }
  absl::StrAppend(&body, "\n", request.note);
  return body;
}

absl::StatusOr<AddCheckpointRequest> ParseAddCheckpoint(std::string_view body) {
  AddCheckpointRequest out;
  std::string_view line;
  if (!TakeLine(body, line) || !line.starts_with("old ")) {
    return Malformed("the first line must be \"old <size>\"");
  }
  std::optional<uint64_t> old_size = ParseCanonicalDecimal(line.substr(4));
  if (!old_size) {
    return Malformed(
        "the old size is not a decimal number without leading "
        "zeros");
  }
  out.old_size = *old_size;
  while (true) {
    if (!TakeLine(body, line)) {
      return Malformed("no empty line before the checkpoint");
    }
    if (line.empty()) break;
    if (out.proof.size() == kMaxWitnessProofLines) {
      return Malformed(absl::StrCat("more than ", kMaxWitnessProofLines,
                                    " consistency proof lines"));
    }
    absl::StatusOr<Bytes> hash = Base64Decode(line);
    if (!hash.ok() || hash->size() != kHashSize) {
      return Malformed("a consistency proof line is not base64 of 32 bytes");
    }
    Hash h;
    std::copy(hash->begin(), hash->end(), h.begin());
    out.proof.push_back(h);
  }
  out.note = std::string(body);
  return out;
}

absl::StatusOr<uint64_t> ParseTlogSize(std::string_view body) {
  std::optional<uint64_t> size;
  if (body.ends_with('\n')) {
    size = ParseCanonicalDecimal(body.substr(0, body.size() - 1));
  }
  if (!size) {
    return absl::InvalidArgumentError(
        "a text/x.tlog.size body must be a decimal size and a newline");
  }
  return *size;
}

}  // namespace uuro
