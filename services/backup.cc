#include "services/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_view.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/read_text.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"
#include "services/admin_socket.h"

namespace uuro::server {
namespace {

namespace fs = std::filesystem;

// Writes `text` to `path` and syncs it.
absl::Status WriteSynced(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out)
      return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot sync ", path));
  }
  ::close(fd);
  return absl::OkStatus();
}

// Makes the names in folder `dir` durable (after creating or renaming).
absl::Status SyncFolder(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  return synced ? absl::OkStatus()
                : absl::UnavailableError(absl::StrCat("cannot sync ", dir));
}

// Copies the folder `from` to `to` (which must not exist), syncing every file
// and folder.
absl::Status CopyTreeSynced(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", to.string(), ": ", ec.message()));
  }
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec)) {
    fs::path target = to / e.path().filename();
    if (e.is_directory()) {
      UURO_RETURN_IF_ERROR(CopyTreeSynced(e.path(), target));
      continue;
    }
    fs::copy_file(e.path(), target, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("cannot copy ", e.path().string(), ": ", ec.message()));
    }
    int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!synced) {
      return absl::UnavailableError(
          absl::StrCat("cannot sync ", target.string()));
    }
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot list ", from.string(), ": ", ec.message()));
  }
  return SyncFolder(to.string());
}

absl::Status NewFolder(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_empty(path, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat(path, " exists and is not empty; not writing into it"));
  }
  fs::create_directories(path, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", path, ": ", ec.message()));
  }
  // Backups hold the fund's whole state; only the owner reads them.
  fs::permissions(path, fs::perms::owner_all, ec);
  return absl::OkStatus();
}

// Removes what a failed backup or restore made, on every return path.
class Cleanup {
 public:
  explicit Cleanup(std::vector<std::string> paths) : paths_(std::move(paths)) {}
  ~Cleanup() {
    std::error_code ec;
    for (const std::string& p : paths_) fs::remove_all(p, ec);
  }
  void Keep() { paths_.clear(); }

 private:
  std::vector<std::string> paths_;
};

}  // namespace

absl::StatusOr<LedgerFolderInfo> CheckLedgerFolder(const DataDir& dir) {
  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> store,
                        OpenRocksLogStore(dir.db()));
  UURO_ASSIGN_OR_RETURN(std::string vkey_text, ReadText(dir.log_vkey()));
  std::string vkey(absl::StripTrailingAsciiWhitespace(vkey_text));
  fund::StoreStateReader state(*store);
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, fund::ReadFund(state));
  if (fund.log_verifier_key() != vkey) {
    return absl::DataLossError(
        absl::StrCat(dir.log_vkey(),
                     " is not the log key that this ledger's genesis names"));
  }
  UURO_ASSIGN_OR_RETURN(NoteVerifier verifier, ParseVerifierKey(vkey));
  auto cp = OpenCheckpoint(store->checkpoint(), verifier, fund.origin());
  if (!cp.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the stored checkpoint of ", dir.db(),
        " does not verify with the log key: ", cp.status().message()));
  }
  if (cp->size != store->size() || cp->root != store->root()) {
    return absl::DataLossError(
        absl::StrCat("the stored checkpoint (size ", cp->size,
                     ") is not the stored tree (", store->size(), " entries)"));
  }
  return LedgerFolderInfo{fund.origin(), cp->size, cp->root};
}

absl::Status CheckLogKeyFile(const DataDir& dir, const std::string& key_file) {
  UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(key_file));
  UURO_ASSIGN_OR_RETURN(std::string vkey_text, ReadText(dir.log_vkey()));
  UURO_ASSIGN_OR_RETURN(NoteVerifier named,
                        ParseVerifierKey(std::string(
                            absl::StripTrailingAsciiWhitespace(vkey_text))));
  if (named.key() != key.public_key()) {
    return absl::FailedPreconditionError(absl::StrCat(
        key_file, " is not the log key of the ledger in ", dir.root));
  }
  return absl::OkStatus();
}

absl::StatusOr<LedgerFolderInfo> BackupLedger(const DataDir& dir,
                                              const std::string& out,
                                              const BackupOptions& options) {
  std::error_code ec;
  const std::string out_abs = fs::absolute(out, ec).lexically_normal().string();
  UURO_RETURN_IF_ERROR(NewFolder(out_abs));
  Cleanup cleanup({out_abs});
  const DataDir backup{out_abs};

  auto store = OpenRocksLogStore(dir.db());
  if (store.ok()) {
    // Nobody serves it: copy it here, with the same guarantees.
    UURO_RETURN_IF_ERROR(CheckpointRocksLogStore(**store, backup.db()));
    store->reset();
  } else if (absl::IsUnavailable(store.status())) {
    UURO_RETURN_IF_ERROR(
        RequestCheckpoint(AdminSocketPath(dir), backup.db()).status());
  } else {
    return store.status();
  }
  UURO_ASSIGN_OR_RETURN(std::string vkey, ReadText(dir.log_vkey()));
  UURO_RETURN_IF_ERROR(WriteSynced(backup.log_vkey(), vkey));
  UURO_ASSIGN_OR_RETURN(LedgerFolderInfo info, CheckLedgerFolder(backup));
  if (options.with_log_key) {
    UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(dir.log_key()));
    UURO_RETURN_IF_ERROR(SaveSecretKey(key, backup.log_key()));
  }
  UURO_RETURN_IF_ERROR(WriteSynced(
      out_abs + "/BACKUP",
      absl::StrCat("origin ", info.origin, "\ntree_size ", info.size, "\nroot ",
                   ToHex(info.root), "\ntaken_at_ms ", WallClockMs(),
                   "\nlog_key ",
                   options.with_log_key ? "included" : "not included", "\n")));
  cleanup.Keep();
  return info;
}

absl::StatusOr<LedgerFolderInfo> RestoreLedger(const std::string& backup_dir,
                                               const DataDir& dir,
                                               const RestoreOptions& options,
                                               bool* installed_key) {
  *installed_key = false;
  const DataDir backup{backup_dir};
  std::error_code ec;
  if (fs::exists(dir.db(), ec) || fs::exists(dir.log_key(), ec) ||
      fs::exists(dir.log_vkey(), ec)) {
    return absl::AlreadyExistsError(absl::StrCat(
        dir.root, " already holds a ledger; restore into a new folder"));
  }
  // A backup that does not check out is not copied at all.
  UURO_ASSIGN_OR_RETURN(LedgerFolderInfo info, CheckLedgerFolder(backup));
  std::string key_file;
  if (fs::exists(backup.log_key(), ec)) {
    key_file = backup.log_key();
  } else if (!options.log_key.empty()) {
    key_file = options.log_key;
  }
  if (!key_file.empty()) {
    UURO_RETURN_IF_ERROR(CheckLogKeyFile(backup, key_file));
  }

  fs::create_directories(dir.root, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", dir.root, ": ", ec.message()));
  }
  const std::string staging = dir.db() + ".restoring";
  Cleanup cleanup({staging, dir.db(), dir.log_vkey(), dir.log_key()});
  fs::remove_all(staging, ec);
  UURO_RETURN_IF_ERROR(CopyTreeSynced(backup.db(), staging));
  // The ledger appears whole or not at all.
  fs::rename(staging, dir.db(), ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot move the restored ledger into place: ", ec.message()));
  }
  UURO_ASSIGN_OR_RETURN(std::string vkey, ReadText(backup.log_vkey()));
  UURO_RETURN_IF_ERROR(WriteSynced(dir.log_vkey(), vkey));
  UURO_RETURN_IF_ERROR(SyncFolder(dir.root));
  UURO_ASSIGN_OR_RETURN(LedgerFolderInfo restored, CheckLedgerFolder(dir));
  if (restored.size != info.size || restored.root != info.root) {
    return absl::DataLossError("the restored ledger differs from the backup");
  }
  if (!key_file.empty()) {
    UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(key_file));
    UURO_RETURN_IF_ERROR(SaveSecretKey(key, dir.log_key()));
    *installed_key = true;
  }
  cleanup.Keep();
  return restored;
}

}  // namespace uuro::server
