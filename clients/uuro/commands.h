// The uuro verbs, one group per role, each registering its subcommands.
#ifndef CLIENTS_UURO_COMMANDS_H_
#define CLIENTS_UURO_COMMANDS_H_

#include <CLI/CLI.hpp>
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

// Signs `body` with the --key, submits it, checks the receipt against the
// pinned log key, saves it, and prints `done` with the entry and the receipt
// path. Returns the exit code.
int SubmitAndReport(Context& ctx, v1::TxBody body, const std::string& done);

// Parses a public key given as 64 hex digits or as a key file's path.
absl::StatusOr<std::string> KeyArgument(const std::string& text);

// The revocation reason code of "lost", "compromised", "left" or "error".
v1::RevocationReason RevocationCode(const std::string& name);

// "90s", "15m", "12h", "30d" -> milliseconds.
absl::StatusOr<uint64_t> ParseDuration(const std::string& text);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_COMMANDS_H_
