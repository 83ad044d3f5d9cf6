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

  // The connected client; made on first use. Before it is handed out the
  // first time, the server's identity is checked (CheckServerIdentity): a
  // server that is not the pinned ledger throws ServerRefused, so nothing is
  // read from it or signed for it.
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
  // Asks the server for its fund record and latest checkpoint and checks
  // them against the pinned log key (--vkey, or the key pinned on first
  // contact, which this pins if there is none yet): the fund's origin must
  // be the key's name and the checkpoint must verify with the key.
  // FAILED_PRECONDITION naming both keys otherwise.
  absl::Status CheckServerIdentity();

  bool identity_checked_ = false;
  std::optional<NoteVerifier> log_key_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<client::LedgerClient> client_;
  std::optional<std::string> currency_;
  std::optional<std::string> origin_;
};

// Thrown by Context::Client() when the server is not the pinned ledger; main
// reports it with Fail.
struct ServerRefused {
  absl::Status status;
};

// A C2SP verifier key read from the file `path` (such as log.vkey).
absl::StatusOr<NoteVerifier> ReadVerifierKeyFile(const std::string& path);

// Turns a failure into one line on stderr and exit code 1. Refusals name the
// code and the server's reason; an unreachable server says so plainly. With
// --json the line is a JSON object instead, still on stderr:
// {"error":{"code":"FAILED_PRECONDITION","message":"..."}}.
int Fail(const Context& ctx, const absl::Status& status);
// The same for an error that is not a status (such as a command line that
// does not parse): `code` names it, `exit_code` is returned.
int FailWith(const Context& ctx, const std::string& code,
             const std::string& message, int exit_code);

// Prints `json` as is with --json, else `text`.
void Print(const Context& ctx, const nlohmann::json& json,
           const std::string& text);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_CONTEXT_H_
