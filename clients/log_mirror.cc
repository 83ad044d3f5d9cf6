#include "clients/log_mirror.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/log_fetch.h"
#include "clients/log_replica.h"
#include "clients/trusted_checkpoint.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/tiles.h"

namespace uuro::client {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kPublic = 0644;

// The checkpoint the mirror serves now, if any.
absl::StatusOr<std::optional<Checkpoint>> MirroredCheckpoint(
    const std::string& out_dir, const NoteVerifier& log_key) {
  std::ifstream in(out_dir + "/checkpoint", std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream note;
  note << in.rdbuf();
  auto cp = OpenCheckpoint(note.str(), log_key, log_key.name());
  if (!cp.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(out_dir,
                     "/checkpoint does not verify with the log key; is this a "
                     "mirror of another log? ",
                     cp.status().message()));
  }
  return *cp;
}

absl::Status CheckExtends(LedgerClient& client, const Checkpoint& mirrored,
                          const Checkpoint& cp) {
  if (cp.size < mirrored.size ||
      (cp.size == mirrored.size && cp.root != mirrored.root)) {
    return absl::DataLossError(absl::StrCat(
        "the server's checkpoint of ", cp.size,
        " entries does not extend the mirror's of ", mirrored.size,
        ": the log was rolled back or forked; the mirror is left as it was"));
  }
  if (mirrored.size == 0 || mirrored.size == cp.size) return absl::OkStatus();
  UURO_ASSIGN_OR_RETURN(std::vector<Hash> proof,
                        FetchConsistencyProof(client, mirrored.size, cp.size));
  absl::Status ok =
      VerifyConsistency(mirrored.size, cp.size, proof, mirrored.root, cp.root);
  if (!ok.ok()) {
    return absl::DataLossError(
        absl::StrCat("the server's checkpoint of ", cp.size,
                     " entries is not consistent with the mirror's of ",
                     mirrored.size, ": ", ok.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MirrorReport> MirrorLog(LedgerClient& client,
                                       const std::string& out_dir,
                                       const MirrorOptions& options) {
  const NoteVerifier& log_key = options.log_key;
  UURO_ASSIGN_OR_RETURN(v1::CheckpointResponse latest, client.Checkpoint());
  const std::string& note = latest.checkpoint();
  UURO_ASSIGN_OR_RETURN(Checkpoint cp,
                        OpenCheckpoint(note, log_key, log_key.name()));
  UURO_RETURN_IF_ERROR(AdvanceTrustedCheckpoint(
      client, CheckpointStore(options.state_dir), log_key, note));
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", out_dir, ": ", ec.message()));
  }
  UURO_ASSIGN_OR_RETURN(std::optional<Checkpoint> mirrored,
                        MirroredCheckpoint(out_dir, log_key));
  if (mirrored) UURO_RETURN_IF_ERROR(CheckExtends(client, *mirrored, cp));

  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogReplica> replica,
                        LogReplica::Create(options.scratch_dir, 4096));
  UURO_RETURN_IF_ERROR(replica->CatchUp(client, cp, options.progress));

  MirrorReport report;
  report.tree_size = cp.size;
  for (const TileAddress& tile : TilesAt(cp.size)) {
    std::string path = absl::StrCat(out_dir, "/", TilePath(tile));
    if (tile.width == kTileWidth && fs::exists(path)) {
      ++report.tiles_kept;
      continue;
    }
    UURO_ASSIGN_OR_RETURN(Bytes bytes, ReadTile(replica->store(), tile));
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot create the folder of ", path, ": ", ec.message()));
    }
    UURO_RETURN_IF_ERROR(WriteFileAtomically(path, AsString(bytes), kPublic));
    ++report.tiles_written;
  }
  UURO_RETURN_IF_ERROR(WriteFileAtomically(
      out_dir + "/log.vkey", FormatVerifierKey(log_key) + "\n", kPublic));
  // Last: from now on readers may ask for the tiles it names.
  UURO_RETURN_IF_ERROR(
      WriteFileAtomically(out_dir + "/checkpoint", note, kPublic));
  return report;
}

}  // namespace uuro::client
