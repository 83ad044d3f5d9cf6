#include <chrono>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/trusted_checkpoint.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/receipt_file.h"
#include "ledger/fund/receipt.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {

absl::StatusOr<uint64_t> ParseDuration(const std::string& text) {
  if (text.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a duration like 90s, 15m, 12h, 30d"));
  }
  uint64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1000;
      break;
    case 'm':
      unit = 60 * 1000;
      break;
    case 'h':
      unit = 3600 * 1000;
      break;
    case 'd':
      unit = 24 * 3600 * 1000;
      break;
  }
  std::string digits = text.substr(0, text.size() - 1);
  if (unit == 0 || digits.empty() ||
      digits.find_first_not_of("0123456789") != std::string::npos ||
      digits.size() > 9) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a duration like 90s, 15m, 12h, 30d"));
  }
  return std::stoull(digits) * unit;
}

absl::StatusOr<std::string> KeyArgument(const std::string& text) {
  auto key = ParsePublicKey(text);
  if (!key.ok() && std::filesystem::exists(text)) {
    UURO_ASSIGN_OR_RETURN(SecretKey secret, LoadSecretKey(text));
    key = secret.public_key();
  }
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text,
        "\" is neither a public key (64 hex digits) nor a key file"));
  }
  return std::string(key->begin(), key->end());
}

absl::StatusOr<Submitted> SubmitVerified(Context& ctx, v1::TxBody body) {
  UURO_ASSIGN_OR_RETURN(SecretKey key, ctx.Key());
  Submitted out;
  UURO_ASSIGN_OR_RETURN(out.receipt, ctx.Client().Submit(key, std::move(body)));
  const v1::Receipt& receipt = out.receipt;
  UURO_ASSIGN_OR_RETURN(std::string origin, ctx.Origin());
  // Check what the server returned before telling anyone it happened.
  UURO_ASSIGN_OR_RETURN(NoteVerifier log_key, ctx.LogKey());
  auto checkpoint = VerifyReceipt(receipt, log_key, origin);
  if (!checkpoint.ok()) {
    return absl::DataLossError(
        absl::StrCat("the server's receipt does not verify: ",
                     checkpoint.status().message()));
  }
  // The checkpoint must extend every one this client verified before, or the
  // server is showing a rolled-back or forked log.
  client::CheckpointStore store(ctx.state_dir + "/checkpoints");
  UURO_RETURN_IF_ERROR(client::AdvanceTrustedCheckpoint(
      ctx.Client(), store, log_key, receipt.checkpoint()));
  UURO_ASSIGN_OR_RETURN(std::string dir, ctx.LedgerStateDir());
  UURO_ASSIGN_OR_RETURN(out.receipt_file,
                        SaveReceipt(dir + "/receipts", receipt));
  out.log_size = checkpoint->size;
  return out;
}

int SubmitAndReport(Context& ctx, v1::TxBody body, const std::string& done) {
  auto submitted = SubmitVerified(ctx, std::move(body));
  if (!submitted.ok()) return Fail(ctx, submitted.status());
  const v1::Receipt& receipt = submitted->receipt;
  nlohmann::json json = ReceiptToJson(receipt);
  json["receipt_file"] = submitted->receipt_file;
  Print(ctx, json,
        absl::StrCat(
            done, receipt.duplicate() ? " (already recorded)" : "",
            "\n  entry ", receipt.index(), " in a log of ", submitted->log_size,
            " entries; receipt verified and saved: ", submitted->receipt_file,
            "\n"));
  return 0;
}

}  // namespace uuro::cli
