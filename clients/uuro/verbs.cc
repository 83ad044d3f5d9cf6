// The helpers every verb shares (commands.h).
#include "clients/uuro/commands.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {

int SubmitTx(Context& ctx, const absl::StatusOr<v1::TxBody>& body,
             const std::string& done) {
  if (!body.ok()) return Fail(ctx, body.status());
  return SubmitAndReport(ctx, *body, done);
}

int ExitCode(const Context& ctx, const absl::Status& status) {
  return status.ok() ? 0 : Fail(ctx, status);
}

void OnRun(CLI::App* cmd, Context& ctx,
           std::function<absl::Status(Context&)> verb) {
  cmd->callback([&ctx, verb = std::move(verb)] {
    ctx.exit_code = ExitCode(ctx, verb(ctx));
  });
}

absl::StatusOr<std::string> KeyOrOwn(Context& ctx, const std::string& other) {
  if (!other.empty()) return KeyArgument(other);
  UURO_ASSIGN_OR_RETURN(SecretKey key, ctx.Key());
  return std::string(key.public_key().begin(), key.public_key().end());
}

absl::Status ForEachPage(
    const std::function<absl::StatusOr<std::string>(const std::string& token)>&
        page,
    const std::function<bool()>& enough) {
  std::string token;
  do {
    UURO_ASSIGN_OR_RETURN(token, page(token));
  } while (!token.empty() && !enough());
  return absl::OkStatus();
}

}  // namespace uuro::cli
