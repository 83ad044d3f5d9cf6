// Where money leaves the fund: the list of redemption requests (the fund
// office's payment queue) and the council's approval of large ones.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/table.h"

namespace uuro::cli {
namespace {

std::string StatusText(const v1::RedemptionRecord& r) {
  switch (r.status()) {
    case v1::REDEMPTION_PENDING:
      return "pending";
    case v1::REDEMPTION_SETTLED:
      return r.settled_by_rule() ? "settled by rule" : "settled";
    case v1::REDEMPTION_REJECTED:
      return "rejected";
    default:
      return "unknown";
  }
}

// "r812: 30 (15.00 EUR), r900: 10 (10.00 EUR)": credits and euros per round.
std::string DrawsText(const v1::RedemptionRecord& r) {
  std::vector<std::string> parts;
  for (const v1::RedemptionDraw& d : r.draws()) {
    parts.push_back(absl::StrCat("round ", d.round_id(), ": ", d.credits(),
                                 " (", Euros(d.cents()), ")"));
  }
  return absl::StrJoin(parts, ", ");
}

nlohmann::json RedemptionJson(const v1::RedemptionRecord& r) {
  nlohmann::json draws = nlohmann::json::array();
  for (const v1::RedemptionDraw& d : r.draws()) {
    draws.push_back({{"round", d.round_id()},
                     {"credits", d.credits()},
                     {"cents", d.cents()}});
  }
  return {{"id", r.id()},
          {"initiative", r.initiative_id()},
          {"amount", r.amount()},
          {"cents", r.cents()},
          {"status", StatusText(r)},
          {"purpose", r.purpose()},
          {"draws", draws},
          {"approvals", r.approvals_size()},
          {"payment_reference", r.payment_reference()}};
}

struct ListArgs {
  bool pending = false;
  uint64_t initiative = 0, round = 0;
  size_t limit = 100;
};

void ListRedemptions(Context& ctx, const ListArgs& args) {
  v1::ListRedemptionsRequest request;
  if (args.pending) request.set_status(v1::REDEMPTION_PENDING);
  request.set_initiative_id(args.initiative);
  request.set_round_id(args.round);
  Table table(
      {"ID", "INITIATIVE", "AMOUNT", "EUROS", "STATUS", "APPROVALS", "ROUNDS"});
  nlohmann::json json = nlohmann::json::array();
  do {
    grpc::ClientContext context;
    v1::ListRedemptionsResponse page;
    absl::Status status = client::FromGrpc(
        ctx.Client().ledger().ListRedemptions(&context, request, &page));
    if (!status.ok()) {
      ctx.exit_code = Fail(ctx, status);
      return;
    }
    for (const v1::RedemptionRecord& r : page.redemptions()) {
      if (table.size() >= args.limit) break;
      table.Add({std::to_string(r.id()), std::to_string(r.initiative_id()),
                 ctx.Amount(r.amount()), Euros(r.cents()), StatusText(r),
                 std::to_string(r.approvals_size()), DrawsText(r)});
      json.push_back(RedemptionJson(r));
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && table.size() < args.limit);
  Print(ctx, json,
        table.size()
            ? table.Render()
            : (args.pending ? "no pending redemptions\n" : "no redemptions\n"));
}

}  // namespace

void AddRedemptionCommands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ListArgs>();
  CLI::App* list = app.add_subcommand(
      "redemptions", "List redemption requests, with euros per round.");
  list->add_flag("--pending", args->pending,
                 "only requests waiting for the fund office");
  list->add_option("--initiative", args->initiative, "only this initiative");
  list->add_option("--round", args->round,
                   "only requests drawing on this round");
  list->add_option("--limit", args->limit, "at most this many")
      ->capture_default_str();
  list->footer(
      "Example:\n  uuro redemptions --pending\n"
      "  uuro --json redemptions --initiative 17");
  list->callback([&ctx, args] { ListRedemptions(ctx, *args); });

  auto id = std::make_shared<uint64_t>(0);
  CLI::App* approve = app.add_subcommand(
      "approve", "Council: approve a pending redemption above the threshold.");
  approve->add_option("id", *id, "request id")->required();
  approve->footer(
      "Once the council quorum set at genesis has approved, a steward may\n"
      "settle the request.\n"
      "Example:\n  uuro --key council.key approve 812");
  approve->callback([&ctx, id] {
    v1::TxBody body;
    body.mutable_approve_redemption()->set_request_id(*id);
    ctx.exit_code = SubmitAndReport(
        ctx, body, absl::StrCat("approved redemption request ", *id));
  });
}

}  // namespace uuro::cli
