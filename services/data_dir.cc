#include "services/data_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/transaction.h"
#include "ledger/fund/validation.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::server {
namespace {

namespace fs = std::filesystem;

}  // namespace

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return absl::StrCat(xdg, "/uuro");
  }
  const char* home = std::getenv("HOME");
  return absl::StrCat(home && *home ? home : ".", "/.local/share/uuro");
}

absl::StatusOr<std::string> InitLedger(const DataDir& dir,
                                       const InitOptions& options) {
  UURO_RETURN_IF_ERROR(fund::ValidateOrigin(options.origin));
  if (options.steward_keys.empty()) {
    return absl::InvalidArgumentError(
        "a ledger needs at least one steward key");
  }
  std::error_code ec;
  if (fs::exists(dir.db(), ec) || fs::exists(dir.log_key(), ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat(dir.root, " already holds a ledger; not overwriting it"));
  }
  fs::create_directories(dir.root, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", dir.root, ": ", ec.message()));
  }
  UURO_ASSIGN_OR_RETURN(auto store, CreateRocksLogStore(dir.db()));
  SecretKey generated = SecretKey::Generate();
  UURO_RETURN_IF_ERROR(SaveSecretKey(generated, dir.log_key()));
  UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(dir.log_key()));
  UURO_ASSIGN_OR_RETURN(NoteSigner signer,
                        NoteSigner::Create(options.origin, std::move(key)));
  std::string vkey = FormatVerifierKey(signer.verifier());

  v1::TxBody body;
  body.set_origin(options.origin);
  body.set_nonce(0);
  uint64_t now = WallClockMs();
  body.set_expires_at_ms(now + 60'000);
  v1::Genesis* genesis = body.mutable_genesis();
  genesis->set_origin(options.origin);
  genesis->set_fund_name(options.fund_name);
  genesis->set_currency_name(options.currency_name);
  for (const PublicKey& k : options.steward_keys) {
    genesis->add_steward_keys(PublicKeyBytes(k));
  }
  for (const PublicKey& k : options.council_keys) {
    genesis->add_council_keys(PublicKeyBytes(k));
  }
  genesis->set_log_verifier_key(vkey);
  genesis->set_format_version(fund::kFormatVersion);
  genesis->set_council_quorum(options.council_quorum);
  genesis->set_min_district_size(options.min_district_size);
  for (const std::string& d : options.districts) genesis->add_districts(d);

  UURO_ASSIGN_OR_RETURN(
      fund::VerifiedTx tx,
      fund::DecodeEnvelope(fund::SignEnvelope(signer.key(), body)));
  fund::StoreStateReader state(*store);
  fund::BatchApplier applier(state, 0);
  UURO_RETURN_IF_ERROR(applier.Apply(tx, now).status());
  UURO_RETURN_IF_ERROR(
      store->Append(applier.TakeBatch(), [&](uint64_t size, const Hash& root) {
        return SignCheckpoint({options.origin, size, root, {}}, signer);
      }));
  std::ofstream out(dir.log_vkey());
  out << vkey << "\n";
  out.close();
  if (!out) {
    return absl::InternalError(absl::StrCat("cannot write ", dir.log_vkey()));
  }
  return vkey;
}

absl::StatusOr<std::unique_ptr<LogStore>> OpenOrCreateCopy(
    const DataDir& dir, const std::string& vkey) {
  std::error_code ec;
  std::filesystem::create_directories(dir.root, ec);
  std::unique_ptr<LogStore> store;
  if (std::filesystem::exists(dir.db(), ec)) {
    UURO_ASSIGN_OR_RETURN(store, OpenStore(dir.db()));
  } else {
    UURO_ASSIGN_OR_RETURN(store, CreateRocksLogStore(dir.db()));
  }
  if (!std::filesystem::exists(dir.log_vkey(), ec)) {
    std::ofstream out(dir.log_vkey());
    out << vkey << "\n";
    out.close();
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", dir.log_vkey()));
    }
  }
  return store;
}

absl::Status ExplainOpenFailure(const std::string& db, absl::Status status) {
  if (!absl::IsUnavailable(status) ||
      status.message().find("in use by another process") ==
          std::string_view::npos) {
    return status;
  }
  // RocksDB says "lock" both when another process holds the LOCK file and
  // when the LOCK file cannot be opened at all: try what it tried.
  const std::string lock = db + "/LOCK";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot open the ledger in ", db, ": ", lock, ": ", std::strerror(err),
        " (uurod must be able to write its data folder: check the folder's "
        "owner and mode, and that its filesystem is not mounted read-only)"));
  }
  struct flock request = {};
  request.l_type = F_WRLCK;
  request.l_whence = SEEK_SET;
  const int locked = ::fcntl(fd, F_SETLK, &request);
  const int err = errno;
  if (locked == 0) {
    request.l_type = F_UNLCK;
    ::fcntl(fd, F_SETLK, &request);
  }
  ::close(fd);
  if (locked == 0 || err == EAGAIN || err == EWOULDBLOCK || err == EACCES) {
    return status;  // Held by another process (or was, a moment ago).
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "cannot lock the ledger in ", db, ": ", lock, ": ", std::strerror(err)));
}

absl::StatusOr<std::unique_ptr<LogStore>> OpenStore(const std::string& db,
                                                    rocksdb::Env* env) {
  auto store = OpenRocksLogStore(db, env);
  if (!store.ok()) return ExplainOpenFailure(db, store.status());
  return store;
}

}  // namespace uuro::server
