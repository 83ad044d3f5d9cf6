// The layout of a uurod data folder and creating a new ledger in one.
//
//   DIR/db/        the RocksDB ledger (docs/log-format.md)
//   DIR/log.key    the log signing key, mode 0600; it never leaves DIR
//   DIR/log.vkey   the log's C2SP verifier key, for anyone to pin
//   DIR/published-checkpoint  the latest checkpoint handed out, kept apart
//                  from db/ (services/published_checkpoint.h)
//   DIR/admin.sock while serving: backups (services/admin_socket.h)
#ifndef SERVICES_DATA_DIR_H_
#define SERVICES_DATA_DIR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/log_store.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace uuro::server {

struct DataDir {
  std::string root;
  std::string db() const { return root + "/db"; }
  std::string log_key() const { return root + "/log.key"; }
  std::string log_vkey() const { return root + "/log.vkey"; }
  std::string published_checkpoint() const {
    return root + "/published-checkpoint";
  }
};

struct InitOptions {
  std::string origin;
  std::string fund_name = "Innovation micro-fund";
  std::string currency_name = "Uuro";
  std::vector<PublicKey> steward_keys;
  std::vector<PublicKey> council_keys;
  // Council approvals a redemption above the trust threshold needs.
  uint32_t council_quorum = 0;
  // Five residents per district keeps one person's awards from being read
  // off the district totals; 1 is for tests and tiny pilots.
  uint32_t min_district_size = 5;
  std::vector<std::string> districts;  // Defined from the start.
};

// Creates the ledger: generates the log key, writes genesis as entry 0 with a
// signed checkpoint, and writes log.vkey. Returns the verifier key text.
// ALREADY_EXISTS if DIR already holds a ledger; nothing is overwritten.
absl::StatusOr<std::string> InitLedger(const DataDir& dir,
                                       const InitOptions& options);

// The default data folder: $XDG_DATA_HOME/uuro, or ~/.local/share/uuro.
std::string DefaultDataDir();

// The store of a keyless copy of a public log in `dir` (what rebuild and
// follow fill from a mirror): opened if it exists, created otherwise, with
// `vkey` written to log.vkey if that file is missing.
absl::StatusOr<std::unique_ptr<LogStore>> OpenOrCreateCopy(
    const DataDir& dir, const std::string& vkey);

// Opens the store in `db` (OpenRocksLogStore), telling apart why a store
// cannot be opened that RocksDB reports alike as a lock failure: a folder
// that another process holds stays UNAVAILABLE "in use by another process";
// a folder uurod cannot write (read-only filesystem, permissions, LOCK not a
// file) is PERMISSION_DENIED with the operating system's reason.
// `env`, if given, is the RocksDB environment (tests pass one that simulates
// power loss).
absl::StatusOr<std::unique_ptr<LogStore>> OpenStore(
    const std::string& db, rocksdb::Env* env = nullptr);

// The diagnosis OpenStore makes of `status`, a failure to open `db`.
absl::Status ExplainOpenFailure(const std::string& db, absl::Status status);

}  // namespace uuro::server

#endif  // SERVICES_DATA_DIR_H_
