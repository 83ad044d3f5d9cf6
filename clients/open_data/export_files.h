// Open data files of a round export (Audit.ExportRound): a CSV folder, a
// pabulib .pb file, or one JSON document (docs/open-data.md). Writing is
// deterministic, so `uuro audit check-export` can rebuild an export from its
// own replay of the log and compare it byte for byte.
#ifndef CLIENTS_OPEN_DATA_EXPORT_FILES_H_
#define CLIENTS_OPEN_DATA_EXPORT_FILES_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "uuro/v1/audit.pb.h"

namespace uuro::open_data {

enum class Format { kCsv, kPabulib, kJson };

absl::StatusOr<Format> ParseFormat(const std::string& name);
std::string FormatName(Format format);

// A bookkeeping period for the euro flows: redemptions decided and
// transfers made at or after `from_ms` and before `to_ms` (0: open-ended).
struct Period {
  uint64_t from_ms = 0;
  uint64_t to_ms = 0;
};

// "2027-01-01" or "2027-01-01T12:00:00Z" (UTC) as milliseconds since 1970.
absl::StatusOr<uint64_t> ParseDate(const std::string& text);

// The files of `exported` in `format`, by relative path ("" for the single
// file of pabulib and JSON). Redemptions and transfers outside `period` are
// left out; the period is named in the files.
std::map<std::string, std::string> RenderExport(const v1::RoundExport& exported,
                                                Format format,
                                                const Period& period);

// Writes RenderExport to `path`: a folder for CSV, a file otherwise.
absl::Status WriteExport(const v1::RoundExport& exported, Format format,
                         const Period& period, const std::string& path);

// What an export at `path` says it is: its format, checkpoint, round and
// period, read from its own files. INVALID_ARGUMENT if it is not an export.
struct ExportHeader {
  Format format = Format::kJson;
  std::string origin;
  uint64_t tree_size = 0;
  std::string root_hex;
  uint64_t round_id = 0;
  Period period;
};
absl::StatusOr<ExportHeader> ReadExportHeader(const std::string& path);

// The files at `path` as RenderExport names them.
absl::StatusOr<std::map<std::string, std::string>> ReadExportFiles(
    const std::string& path, Format format);

}  // namespace uuro::open_data

#endif  // CLIENTS_OPEN_DATA_EXPORT_FILES_H_
