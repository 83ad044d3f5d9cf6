// Initiative owners: redeem credits, report what came of it.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "clients/uuro/commands.h"

namespace uuro::cli {
namespace {

absl::StatusOr<std::string> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  Hash hash = Sha256(AsBytes(bytes));
  return std::string(AsString(hash));
}

}  // namespace

void AddOwnerCommands(CLI::App& app, Context& ctx) {
  struct RedeemArgs {
    uint64_t initiative = 0, amount = 0, round = 0;
    std::string purpose;
  };
  auto r = std::make_shared<RedeemArgs>();
  CLI::App* redeem = app.add_subcommand(
      "redeem", "Ask to redeem credits your initiative received.");
  redeem->add_option("initiative", r->initiative, "initiative id")->required();
  redeem->add_option("amount", r->amount, "whole credits")->required();
  redeem->add_option("--purpose", r->purpose, "what the money is for")
      ->required();
  redeem->add_option("--round", r->round,
                     "draw on this closed round (default: oldest first)");
  redeem->footer(
      "Credits keep their round and its euro value. Requests settle at once\n"
      "while the initiative's redemptions from each round stay within that\n"
      "round's trust threshold; the rest wait for the fund office.\n"
      "Example:\n  uuro --key owner.key redeem 17 40 --purpose \"Paint and "
      "brushes\"");
  redeem->callback([&ctx, r] {
    v1::TxBody body;
    body.mutable_request_redemption()->set_initiative_id(r->initiative);
    body.mutable_request_redemption()->set_amount(r->amount);
    body.mutable_request_redemption()->set_purpose(r->purpose);
    body.mutable_request_redemption()->set_round_id(r->round);
    ctx.exit_code = SubmitAndReport(
        ctx, body,
        absl::StrCat("requested ", ctx.Amount(r->amount), " from initiative ",
                     r->initiative, " (see: uuro redemption ENTRY)"));
  });

  struct ReportArgs {
    uint64_t initiative = 0;
    std::string text, attachment;
  };
  auto p = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report", "Post a report on what came of your initiative.");
  report->add_option("initiative", p->initiative, "initiative id")->required();
  report->add_option("--text", p->text, "the report")->required();
  report->add_option("--attachment", p->attachment,
                     "a file kept elsewhere; only its SHA-256 is logged");
  report->footer(
      "Example:\n  uuro --key owner.key report 17 --text \"Opened Saturday, "
      "40 visitors\" --attachment photos.zip");
  report->callback([&ctx, p] {
    v1::TxBody body;
    body.mutable_post_report()->set_initiative_id(p->initiative);
    body.mutable_post_report()->set_text(p->text);
    if (!p->attachment.empty()) {
      auto hash = HashFile(p->attachment);
      if (!hash.ok()) {
        ctx.exit_code = Fail(ctx, hash.status());
        return;
      }
      body.mutable_post_report()->set_attachments_sha256(*hash);
    }
    ctx.exit_code = SubmitAndReport(
        ctx, body,
        absl::StrCat("posted a report on initiative ", p->initiative));
  });
}

}  // namespace uuro::cli
