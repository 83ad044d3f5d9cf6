// Reading a small text file (a key, a checkpoint, a CA certificate) whole.
#ifndef LEDGER_TLOG_READ_TEXT_H_
#define LEDGER_TLOG_READ_TEXT_H_

#include <string>

#include "absl/status/statusor.h"

namespace uuro {

// The whole of the file at `path`, as it is; NOT_FOUND, naming the path, if
// it cannot be opened.
absl::StatusOr<std::string> ReadText(const std::string& path);

}  // namespace uuro

#endif  // LEDGER_TLOG_READ_TEXT_H_
