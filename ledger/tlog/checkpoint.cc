#include "ledger/tlog/checkpoint.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/text.h"

namespace uuro {
namespace {

absl::Status Malformed(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed checkpoint: ", std::string(why)));
}

absl::StatusOr<uint64_t> ParseTreeSize(std::string_view text) {
  std::optional<uint64_t> size = ParseCanonicalDecimal(text);
  if (!size) {
    return Malformed(
        "tree size is not a decimal number without leading zeros that fits "
        "64 bits");
  }
  return *size;
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& cp) {
  assert(!cp.origin.empty() && cp.origin.find('\n') == std::string::npos);
  std::string text =
      absl::StrCat(cp.origin, "\n", cp.size, "\n", Base64Encode(cp.root), "\n");
  for (const std::string& line : cp.extensions) {
    assert(!line.empty() && line.find('\n') == std::string::npos);
    absl::StrAppend(&text, line, "\n");
  }
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (!text.ends_with('\n')) {
    return Malformed("text does not end with a newline");
  }
  UURO_RETURN_IF_ERROR(CheckNoteText(text));
  text.remove_suffix(1);
  std::vector<std::string> lines = absl::StrSplit(std::string(text), '\n');
  if (lines.size() < 3) {
    return Malformed("fewer than three lines (origin, tree size, root hash)");
  }
  Checkpoint cp;
  cp.origin = std::move(lines[0]);
  if (cp.origin.empty()) return Malformed("origin line is empty");
  UURO_ASSIGN_OR_RETURN(cp.size, ParseTreeSize(lines[1]));
  absl::StatusOr<Bytes> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != kHashSize) {
    return Malformed("root hash is not canonical base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), cp.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Malformed("extension line is empty");
    cp.extensions.push_back(std::move(lines[i]));
  }
  return cp;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& cp,
                                           const NoteSigner& signer) {
  bool fields_ok = !cp.origin.empty() &&
                   cp.origin.find('\n') == std::string::npos &&
                   std::none_of(cp.extensions.begin(), cp.extensions.end(),
                                [](const std::string& line) {
                                  return line.empty() ||
                                         line.find('\n') != std::string::npos;
                                });
  if (!fields_ok) {
    return absl::InvalidArgumentError(
        "checkpoint origin or extension line is empty or holds a newline");
  }
  std::string text = FormatCheckpoint(cp);
  // Never sign text that would not read back as the same checkpoint.
  UURO_ASSIGN_OR_RETURN(Checkpoint parsed, ParseCheckpoint(text));
  if (parsed != cp) {
    return absl::InvalidArgumentError("checkpoint does not round-trip");
  }
  const NoteSigner* signers[] = {&signer};
  return SignNote(text, signers);
}

absl::StatusOr<Checkpoint> OpenCheckpoint(std::string_view note,
                                          const NoteVerifier& verifier,
                                          std::string_view origin) {
  UURO_ASSIGN_OR_RETURN(
      Note opened,
      OpenNote(note, absl::Span<const NoteVerifier>(&verifier, 1)));
  UURO_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(opened.text));
  if (cp.origin != origin) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint is for origin \"", cp.origin,
                     "\", expected \"", std::string(origin), "\""));
  }
  return cp;
}

}  // namespace uuro
