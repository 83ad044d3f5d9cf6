#include "clients/export_check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger/fund/open_data.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {
namespace {

// "figures.csv, line 3: the file says "issued,120,6000", the log gives
// "issued,120,60000"".
absl::Status FirstDifference(const std::map<std::string, std::string>& file,
                             const std::map<std::string, std::string>& log) {
  for (const auto& [name, expected] : log) {
    const std::string where = name.empty() ? "the file" : name;
    auto found = file.find(name);
    if (found == file.end()) {
      return absl::DataLossError(absl::StrCat(where, " is missing"));
    }
    if (found->second == expected) continue;
    std::vector<std::string> ours = absl::StrSplit(found->second, '\n');
    std::vector<std::string> theirs = absl::StrSplit(expected, '\n');
    for (size_t i = 0; i < std::max(ours.size(), theirs.size()); ++i) {
      std::string a = i < ours.size() ? ours[i] : "(nothing)";
      std::string b = i < theirs.size() ? theirs[i] : "(nothing)";
      if (a == b) continue;
      if (!a.empty() && a.back() == '\r') a.pop_back();
      if (!b.empty() && b.back() == '\r') b.pop_back();
      return absl::DataLossError(absl::StrCat(
          where, ", line ", i + 1, ": the export says \"", a.substr(0, 200),
          "\", the log gives \"", b.substr(0, 200), "\""));
    }
  }
  for (const auto& [name, text] : file) {
    if (!log.contains(name)) {
      return absl::DataLossError(
          absl::StrCat(name, " is not part of an export"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExportCheck> CheckExport(LedgerClient& client,
                                        const NoteVerifier& log_key,
                                        const std::string& path,
                                        const std::string& scratch_dir,
                                        const LogReplica::Progress& progress) {
  ExportCheck result;
  UURO_ASSIGN_OR_RETURN(result.header, open_data::ReadExportHeader(path));
  const open_data::ExportHeader& h = result.header;
  if (h.origin != log_key.name()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the export is of the log ", h.origin, ", not of ",
                     log_key.name(), " whose key is pinned"));
  }
  auto root = FromHex(h.root_hex);
  if (!root.ok() || root->size() != kHashSize) {
    return absl::DataLossError("the export's root is not a 32-byte hex hash");
  }
  UURO_ASSIGN_OR_RETURN(SignedCheckpoint latest,
                        FetchCheckpoint(client, log_key, false));
  if (latest.cp.size < h.tree_size) {
    return absl::UnavailableError(absl::StrCat(
        "the log's latest signed checkpoint has ", latest.cp.size,
        " entries; the export reflects ", h.tree_size, ". Try again shortly"));
  }
  Checkpoint at_export;
  at_export.origin = h.origin;
  at_export.size = h.tree_size;
  std::copy(root->begin(), root->end(), at_export.root.begin());

  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogReplica> replica,
                        LogReplica::Create(scratch_dir, 4096,
                                           /*keep_entries=*/false));
  absl::Status replayed = replica->CatchUp(client, at_export, progress);
  if (!replayed.ok()) {
    return absl::DataLossError(
        absl::StrCat("the log does not have the export's root at ", h.tree_size,
                     " entries: ", replayed.message()));
  }
  fund::StoreStateReader state(replica->store());
  UURO_ASSIGN_OR_RETURN(v1::RoundExport rebuilt,
                        fund::BuildRoundExport(state, h.round_id));
  v1::ExportCheckpoint* cp = rebuilt.mutable_checkpoint();
  cp->set_origin(h.origin);
  cp->set_tree_size(h.tree_size);
  cp->set_root(std::string(AsString(*root)));
  UURO_ASSIGN_OR_RETURN(auto files, open_data::ReadExportFiles(path, h.format));
  UURO_RETURN_IF_ERROR(FirstDifference(
      files, open_data::RenderExport(rebuilt, h.format, h.period)));
  // The replica extends the tree it rebuilt, so reaching the signed root
  // proves the export's tree a prefix of the signed log.
  UURO_RETURN_IF_ERROR(replica->CatchUp(client, latest.cp, progress));
  result.signed_size = latest.cp.size;
  return result;
}

}  // namespace uuro::client
