// The uuro verbs, one group per role, each registering its subcommands.
#ifndef CLIENTS_UURO_COMMANDS_H_
#define CLIENTS_UURO_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "clients/uuro/context.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::cli {

void AddKeyCommands(CLI::App& app, Context& ctx);
void AddResidentCommands(CLI::App& app, Context& ctx);
void AddOwnerCommands(CLI::App& app, Context& ctx);
void AddStewardCommands(CLI::App& app, Context& ctx);
void AddAuditCommands(CLI::App& app, Context& ctx);
void AddTransparencyCommands(CLI::App& app, Context& ctx);
void AddRedemptionCommands(CLI::App& app, Context& ctx);
void AddDistrictCommands(CLI::App& app, Context& ctx);
void AddInviteCommands(CLI::App& app, Context& ctx);
void AddCardCommand(CLI::App& app, Context& ctx);
void AddGovernanceCommands(CLI::App& app, Context& ctx);
// `round close-early`, which the council approves like a key change.
void AddRoundCloseEarlyVerb(CLI::App& round, Context& ctx);

// Signs `body` with the --key, submits it, checks the receipt against the
// pinned log key, saves it, and prints `done` with the entry and the receipt
// path. Returns the exit code.
int SubmitAndReport(Context& ctx, v1::TxBody body, const std::string& done);

// What SubmitAndReport does but the printing: signs with --key, submits,
// verifies the receipt, advances the trusted checkpoint and saves the
// receipt.
struct Submitted {
  v1::Receipt receipt;
  std::string receipt_file;
  uint64_t log_size = 0;  // Of the checkpoint the receipt was verified to.
};
absl::StatusOr<Submitted> SubmitVerified(Context& ctx, v1::TxBody body);

// Parses a public key given as 64 hex digits or as a key file's path.
absl::StatusOr<std::string> KeyArgument(const std::string& text);

// The revocation reason code of "lost", "compromised", "left" or "error".
v1::RevocationReason RevocationCode(const std::string& name);

// "90s", "15m", "12h", "30d" -> milliseconds.
absl::StatusOr<uint64_t> ParseDuration(const std::string& text);

// What every verb shares, so each verb's function holds only its own work.

// SubmitAndReport of `body`, or Fail with the reason it could not be made.
int SubmitTx(Context& ctx, const absl::StatusOr<v1::TxBody>& body,
             const std::string& done);

// The exit code for a verb that ended with `status`: 0, or Fail's.
int ExitCode(const Context& ctx, const absl::Status& status);

// Sets the callback of `cmd` to run `verb` and keep its exit code.
void OnRun(CLI::App* cmd, Context& ctx,
           std::function<absl::Status(Context&)> verb);

// The public key a verb is about: `other` (hex or a key file) if given,
// else the public half of --key.
absl::StatusOr<std::string> KeyOrOwn(Context& ctx, const std::string& other);

// Reads a paged listing: calls `page` with "" and then with each next page
// token it returns, until it returns "" or `enough()` holds.
absl::Status ForEachPage(
    const std::function<absl::StatusOr<std::string>(const std::string& token)>&
        page,
    const std::function<bool()>& enough);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_COMMANDS_H_
