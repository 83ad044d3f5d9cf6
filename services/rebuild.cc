#include "services/rebuild.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_view.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/read_text.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::server {
namespace {

namespace fs = std::filesystem;

// A file's text without the newline an editor leaves at its end.
absl::StatusOr<std::string> ReadTrimmed(const std::string& path) {
  UURO_ASSIGN_OR_RETURN(std::string text, ReadText(path));
  return std::string(absl::StripTrailingAsciiWhitespace(text));
}

// Stores `note` as the checkpoint of a store that already has its tree.
absl::Status StoreCheckpoint(LogStore& store, const std::string& note) {
  if (store.checkpoint() == note) return absl::OkStatus();
  return store.Append({}, [&](uint64_t, const Hash&) { return note; });
}

}  // namespace

absl::Status SyncToCheckpoint(client::TileLogReader& reader, LogStore& store,
                              const client::VerifiedCheckpoint& verified,
                              uint64_t commit_entries,
                              const SyncProgress& progress) {
  const Checkpoint& cp = verified.checkpoint;
  UURO_RETURN_IF_ERROR(
      client::CheckExtends(reader, store.size(), store.root(), cp));
  if (store.size() == cp.size) return StoreCheckpoint(store, verified.note);
  UURO_ASSIGN_OR_RETURN(TreeFrontier tree,
                        TreeFrontier::Load(store, store.size()));
  while (store.size() < cp.size) {
    const uint64_t begin = store.size();
    const uint64_t end =
        std::min(cp.size, begin + std::max<uint64_t>(commit_entries, 1));
    absl::Status interrupted;
    UURO_ASSIGN_OR_RETURN(std::vector<Bytes> entries,
                          reader.FetchEntries(begin, end, cp, &interrupted));
    TreeFrontier grown = tree;
    for (const Bytes& entry : entries) grown.Append(HashLeaf(entry), nullptr);
    const uint64_t size = grown.size();
    // Checked before anything of them is stored.
    absl::Status fits = client::CheckExtends(reader, size, grown.Root(), cp);
    if (absl::IsUnavailable(fits)) return fits;
    if (!fits.ok()) {
      return absl::DataLossError(absl::StrCat(
          reader.url(), " serves entries [", begin, ", ", size,
          ") that are not the ones its signed checkpoint of ", cp.size,
          " entries commits to; nothing of them was kept (", fits.message(),
          ")"));
    }
    fund::StoreStateReader state(store);
    fund::BatchApplier applier(state, begin);
    for (const Bytes& entry : entries) {
      absl::Status applied = applier.ApplyEntry(entry);
      if (!applied.ok()) {
        // Signed by the log key, yet against the rules: the log misbehaved.
        return absl::DataLossError(absl::StrCat(
            "entry ", applier.next_index(), " of the signed log does not ",
            "replay under the fund rules: ", applied.message()));
      }
    }
    CheckpointMaker maker;
    if (size == cp.size) {
      maker = [&](uint64_t, const Hash&) -> absl::StatusOr<std::string> {
        return verified.note;
      };
    }
    UURO_RETURN_IF_ERROR(store.Append(applier.TakeBatch(), maker));
    tree = std::move(grown);
    if (progress) progress(size, cp.size);
    if (!interrupted.ok()) return interrupted;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> VerifierKeyText(const std::string& text_or_file) {
  if (ParseVerifierKey(text_or_file).ok()) return text_or_file;
  UURO_ASSIGN_OR_RETURN(std::string text, ReadTrimmed(text_or_file));
  UURO_RETURN_IF_ERROR(ParseVerifierKey(text).status());
  return text;
}

absl::StatusOr<LedgerFolderInfo> RebuildLedger(const RebuildOptions& options,
                                               const DataDir& dir,
                                               const SyncProgress& progress) {
  std::error_code ec;
  if (fs::exists(dir.log_key(), ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir.root,
                     " holds a log signing key: it is a serving ledger, not a "
                     "rebuild; rebuild into a new folder"));
  }
  UURO_ASSIGN_OR_RETURN(NoteVerifier log_key, ParseVerifierKey(options.vkey));
  if (fs::exists(dir.log_vkey(), ec)) {
    UURO_ASSIGN_OR_RETURN(std::string held, ReadTrimmed(dir.log_vkey()));
    if (held != options.vkey) {
      return absl::FailedPreconditionError(
          absl::StrCat(dir.root, " holds another log (", dir.log_vkey(),
                       " differs); rebuild into a new folder"));
    }
  }
  UURO_ASSIGN_OR_RETURN(auto reader,
                        client::TileLogReader::Create(options.url, log_key));
  UURO_ASSIGN_OR_RETURN(client::VerifiedCheckpoint cp,
                        reader->FetchCheckpoint());
  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> store,
                        OpenOrCreateCopy(dir, options.vkey));
  UURO_RETURN_IF_ERROR(
      SyncToCheckpoint(*reader, *store, cp, options.commit_entries, progress));
  store.reset();
  return CheckLedgerFolder(dir);
}

}  // namespace uuro::server
