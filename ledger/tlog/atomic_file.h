// Files replaced whole or not at all: a temporary file in the same folder,
// fsync, rename over the old one, fsync of the folder. After a crash the path
// holds the old contents or the new, never a mix.
#ifndef LEDGER_TLOG_ATOMIC_FILE_H_
#define LEDGER_TLOG_ATOMIC_FILE_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace uuro {

// The folder of `path` must exist. The file gets `mode` (0600: only this
// user; 0644 for files a web server must read).
absl::Status WriteFileAtomically(const std::string& path, std::string_view data,
                                 mode_t mode = 0600);

// An error for the errno of a failed `what` ("cannot open") on `path`:
// NOT_FOUND, PERMISSION_DENIED or INTERNAL.
absl::Status ErrnoError(std::string_view what, const std::string& path);

}  // namespace uuro

#endif  // LEDGER_TLOG_ATOMIC_FILE_H_
