// What every uuro command shares: the connection, the signing key, the pinned
// log key, the output mode, and how a failure is reported.
#ifndef CLIENTS_UURO_CONTEXT_H_
#define CLIENTS_UURO_CONTEXT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "nlohmann/json.hpp"

namespace uuro::cli {

struct Context {
  // Global flags (with environment defaults, see main.cc).
  std::string server = "127.0.0.1:50051";
  std::string key_file;
  std::string vkey_file;
  std::string tls_ca;  // PEM roots; implies TLS.
  bool tls = false;
  bool json = false;
  std::string state_dir;  // $XDG_STATE_HOME/uuro by default.

  // Set by the command that ran; main returns it.
  int exit_code = 0;

  // The connected client; made on first use.
  client::LedgerClient& Client();
  // The key named by --key / UURO_KEY.
  absl::StatusOr<SecretKey> Key();
  // The log's verifier key: --vkey / UURO_VKEY, else the one pinned in the
  // state folder on first contact with this server (trust on first use).
  absl::StatusOr<NoteVerifier> LogKey();
  // The ledger's origin, asked of the server once per run.
  absl::StatusOr<std::string> Origin();
  // The fund's currency name ("Uuro" unless genesis says otherwise).
  std::string Currency();
  std::string Amount(uint64_t credits) {
    return std::to_string(credits) + " " + Currency();
  }

  // Where receipts and verified checkpoints are kept for this ledger (the
  // server's, or the one with `origin`).
  absl::StatusOr<std::string> LedgerStateDir();
  absl::StatusOr<std::string> LedgerStateDir(const std::string& origin);
  // The pinned log key of the ledger with `origin`, without asking a server:
  // --vkey, or the copy pinned on first contact.
  absl::StatusOr<NoteVerifier> PinnedLogKey(const std::string& origin);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<client::LedgerClient> client_;
  std::optional<std::string> currency_;
  std::optional<std::string> origin_;
};

// A C2SP verifier key read from the file `path` (such as log.vkey).
absl::StatusOr<NoteVerifier> ReadVerifierKeyFile(const std::string& path);

// Turns a failure into one line on stderr and exit code 1. Refusals name the
// code and the server's reason; an unreachable server says so plainly.
int Fail(const Context& ctx, const absl::Status& status);

// Prints `json` as is with --json, else `text`.
void Print(const Context& ctx, const nlohmann::json& json,
           const std::string& text);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_CONTEXT_H_
