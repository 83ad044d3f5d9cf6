// `uuro audit check-export`: rebuilds a published export from the log
// itself and says whether the file matches, so that anyone can check the
// open data a municipality publishes without trusting its server.
#ifndef CLIENTS_EXPORT_CHECK_H_
#define CLIENTS_EXPORT_CHECK_H_

#include <string>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "clients/log_replica.h"
#include "clients/open_data/export_files.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

struct ExportCheck {
  open_data::ExportHeader header;
  uint64_t signed_size = 0;  // The signed checkpoint the export is part of.
};

// Replays the log up to the export's tree size, checking every entry and
// that the root is the one the export names, rebuilds the export from that
// state, compares it byte for byte with the files at `path`, and proves the
// export's tree a prefix of the latest checkpoint signed by `log_key`.
// DATA_LOSS names the first difference (file and line); UNAVAILABLE when
// the signed checkpoint does not cover the export yet.
absl::StatusOr<ExportCheck> CheckExport(LedgerClient& client,
                                        const NoteVerifier& log_key,
                                        const std::string& path,
                                        const std::string& scratch_dir,
                                        const LogReplica::Progress& progress);

}  // namespace uuro::client

#endif  // CLIENTS_EXPORT_CHECK_H_
