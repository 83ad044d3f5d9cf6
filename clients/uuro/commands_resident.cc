// Residents: see initiatives, award, withdraw, balance, history, propose.
#include <cstdio>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/describe.h"
#include "clients/uuro/table.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

std::string StatusName(v1::InitiativeStatus status) {
  return status == v1::INITIATIVE_SUSPENDED ? "suspended" : "active";
}

nlohmann::json InitiativeJson(const v1::InitiativeRecord& i) {
  return {{"id", i.id()},
          {"title", i.proposal().title()},
          {"summary", i.proposal().summary()},
          {"district", i.proposal().district()},
          {"status", StatusName(i.status())},
          {"status_reason", i.status_reason()},
          {"amount_asked", i.proposal().amount_asked()},
          {"received_final", i.received_final()},
          {"received_open", i.received_open()},
          {"redeemed", i.redeemed()},
          {"pending", i.pending()},
          {"transferred_in", i.transferred_in()},
          {"transferred_out", i.transferred_out()},
          {"reports", i.reports()}};
}

// The open round, for verbs that default to it.
absl::StatusOr<uint64_t> OpenRound(Context& ctx, uint64_t asked) {
  if (asked != 0) return asked;
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, ctx.Client().Fund());
  if (fund.open_round() == 0) {
    return absl::FailedPreconditionError("no round is open right now");
  }
  return fund.open_round();
}

struct AwardArgs {
  uint64_t initiative = 0;
  uint64_t amount = 0;
  uint64_t round = 0;
};

void AddAwardVerb(CLI::App& app, Context& ctx, bool withdraw) {
  auto args = std::make_shared<AwardArgs>();
  CLI::App* cmd = app.add_subcommand(
      withdraw ? "withdraw" : "award",
      withdraw ? "Take back credits you awarded while the round is open."
               : "Award credits of the open round to an initiative.");
  cmd->add_option("initiative", args->initiative, "initiative id")->required();
  cmd->add_option("amount", args->amount, "whole credits")->required();
  cmd->add_option("--round", args->round, "round id (default: the open one)");
  cmd->footer(withdraw ? "Example:\n  uuro --key me.key withdraw 17 5"
                       : "Example:\n  uuro --key me.key award 17 25");
  cmd->callback([&ctx, args, withdraw] {
    if (auto key = ctx.Key(); !key.ok()) {  // Say so before asking the server.
      ctx.exit_code = Fail(ctx, key.status());
      return;
    }
    auto round = OpenRound(ctx, args->round);
    if (!round.ok()) {
      ctx.exit_code = Fail(ctx, round.status());
      return;
    }
    v1::TxBody body;
    auto fill = [&](auto* payload) {
      payload->set_round_id(*round);
      payload->set_initiative_id(args->initiative);
      payload->set_amount(args->amount);
    };
    if (withdraw) {
      fill(body.mutable_withdraw_award());
    } else {
      fill(body.mutable_award());
    }
    ctx.exit_code = SubmitAndReport(
        ctx, body,
        absl::StrCat(withdraw ? "withdrew " : "awarded ",
                     ctx.Amount(args->amount), withdraw ? " from" : " to",
                     " initiative ", args->initiative, " in round ", *round));
  });
}

struct ListArgs {
  std::string district, status;
  uint64_t round = 0;
  uint32_t limit = 100;
};

absl::Status ListInitiatives(Context& ctx, const ListArgs& list) {
  v1::ListInitiativesRequest request;
  request.set_district(list.district);
  if (!list.status.empty()) {
    request.set_status(list.status == "active" ? v1::INITIATIVE_ACTIVE
                                               : v1::INITIATIVE_SUSPENDED);
  }
  request.set_round_id(list.round);
  Table table({"ID", "TITLE", "DISTRICT", "STATUS", "RECEIVED", "ASKED"});
  nlohmann::json json = nlohmann::json::array();
  std::string currency = ctx.Currency();
  auto read_page =
      [&](const std::string& token) -> absl::StatusOr<std::string> {
    request.set_page_token(token);
    grpc::ClientContext context;
    v1::ListInitiativesResponse page;
    UURO_RETURN_IF_ERROR(client::FromGrpc(
        ctx.Client().ledger().ListInitiatives(&context, request, &page)));
    for (const auto& i : page.initiatives()) {
      if (table.size() >= list.limit) break;
      table.Add({std::to_string(i.id()), i.proposal().title(),
                 i.proposal().district(), StatusName(i.status()),
                 std::to_string(i.received_final() + i.received_open()) + " " +
                     currency,
                 std::to_string(i.proposal().amount_asked()) + " " + currency});
      json.push_back(InitiativeJson(i));
    }
    return page.next_page_token();
  };
  UURO_RETURN_IF_ERROR(
      ForEachPage(read_page, [&] { return table.size() >= list.limit; }));
  Print(ctx, json, table.size() ? table.Render() : "no initiatives\n");
  return absl::OkStatus();
}

void AddInitiativesVerb(CLI::App& app, Context& ctx) {
  auto list = std::make_shared<ListArgs>();
  CLI::App* cmd = app.add_subcommand("initiatives", "List initiatives.");
  cmd->add_option("--district", list->district, "only this district");
  cmd->add_option("--status", list->status, "active or suspended")
      ->check(CLI::IsMember({"active", "suspended"}));
  cmd->add_option("--round", list->round,
                  "only initiatives awarded in this round");
  cmd->add_option("--limit", list->limit, "at most this many")
      ->capture_default_str();
  cmd->footer("Example:\n  uuro initiatives --district harbour");
  OnRun(cmd, ctx, [list](Context& c) { return ListInitiatives(c, *list); });
}

std::string InitiativeText(Context& ctx, const v1::InitiativeView& view) {
  const auto& i = view.initiative();
  std::string text = absl::StrCat(
      "initiative ", i.id(), ": ", i.proposal().title(),
      "\n  district:  ", i.proposal().district(),
      "\n  status:    ", StatusName(i.status()),
      i.status_reason().empty() ? "" : " (" + i.status_reason() + ")",
      "\n  asked:     ", ctx.Amount(i.proposal().amount_asked()),
      "\n  received:  ", ctx.Amount(i.received_final()), " final, ",
      ctx.Amount(i.received_open()), " in the open round",
      "\n  redeemed:  ", ctx.Amount(i.redeemed()), ", pending ",
      ctx.Amount(i.pending()), ", balance ", ctx.Amount(view.balance()), "\n",
      i.transferred_in() || i.transferred_out()
          ? absl::StrCat("  passed on: ", ctx.Amount(i.transferred_out()),
                         ", received from others ",
                         ctx.Amount(i.transferred_in()), "\n")
          : "");
  if (!i.proposal().summary().empty()) {
    absl::StrAppend(&text, "\n  ", i.proposal().summary(), "\n");
  }
  for (const auto& link : i.proposal().links()) {
    absl::StrAppend(&text, "  ", link, "\n");
  }
  for (const auto& r : view.reports()) {
    absl::StrAppend(&text, "\n  report: ", r.text(), "\n");
  }
  return text;
}

absl::Status ShowInitiative(Context& ctx, uint64_t id) {
  grpc::ClientContext context;
  v1::GetInitiativeRequest request;
  request.set_id(id);
  v1::InitiativeView view;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      ctx.Client().ledger().GetInitiative(&context, request, &view)));
  nlohmann::json json = InitiativeJson(view.initiative());
  json["balance"] = view.balance();
  json["reports"] = nlohmann::json::array();
  for (const auto& r : view.reports()) {
    json["reports"].push_back(
        {{"text", r.text()}, {"posted_at_ms", r.posted_at_ms()}});
  }
  Print(ctx, json, InitiativeText(ctx, view));
  return absl::OkStatus();
}

void AddInitiativeVerb(CLI::App& app, Context& ctx) {
  auto id = std::make_shared<uint64_t>(0);
  CLI::App* cmd = app.add_subcommand("initiative", "Show one initiative.");
  cmd->add_option("id", *id, "initiative id")->required();
  cmd->footer("Example:\n  uuro initiative 17");
  OnRun(cmd, ctx, [id](Context& c) { return ShowInitiative(c, *id); });
}

absl::Status ShowBalance(Context& ctx, const std::string& who) {
  v1::GetResidentRequest request;
  UURO_ASSIGN_OR_RETURN(*request.mutable_key(), KeyOrOwn(ctx, who));
  grpc::ClientContext context;
  v1::ResidentView view;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      ctx.Client().ledger().GetResident(&context, request, &view)));
  nlohmann::json json = {{"resident", view.resident().id()},
                         {"district", view.resident().district()},
                         {"revoked", view.key_revoked()},
                         {"round", view.round_id()},
                         {"allowance", view.allowance()},
                         {"spent", view.spent()},
                         {"balance", view.balance()},
                         {"awards", nlohmann::json::array()}};
  std::string text = absl::StrCat("resident ", view.resident().id(), " (",
                                  view.resident().district(), ")\n");
  if (view.key_revoked()) absl::StrAppend(&text, "  this key is revoked\n");
  if (view.round_id() == 0) {
    absl::StrAppend(&text, "  no round is open\n");
  } else {
    absl::StrAppend(&text, "  round ", view.round_id(), ": balance ",
                    ctx.Amount(view.balance()), " of ",
                    ctx.Amount(view.allowance()), "\n");
    for (const auto& a : view.awards()) {
      absl::StrAppend(&text, "  awarded ", ctx.Amount(a.amount()),
                      " to initiative ", a.initiative_id(), "\n");
      json["awards"].push_back(
          {{"initiative", a.initiative_id()}, {"amount", a.amount()}});
    }
  }
  Print(ctx, json, text);
  return absl::OkStatus();
}

void AddBalanceVerb(CLI::App& app, Context& ctx) {
  auto who = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "balance", "Your balance and awards in the open round.");
  cmd->add_option("--of", *who, "another resident's public key");
  cmd->footer("Example:\n  uuro --key me.key balance");
  OnRun(cmd, ctx, [who](Context& c) { return ShowBalance(c, *who); });
}

void AddProposeVerb(CLI::App& app, Context& ctx) {
  struct ProposeArgs {
    std::string title, summary, district;
    uint64_t amount = 0;
    std::vector<std::string> links;
  };
  auto p = std::make_shared<ProposeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "propose", "Propose an initiative; you become its owner.");
  cmd->add_option("--title", p->title, "short title")->required();
  cmd->add_option("--district", p->district, "district code")->required();
  cmd->add_option("--amount", p->amount, "credits asked")->required();
  cmd->add_option("--summary", p->summary, "what and why");
  cmd->add_option("--link", p->links, "http(s) link; repeatable");
  cmd->footer(
      "Example:\n  uuro --key me.key propose --title \"Repair café\" "
      "--district harbour --amount 400 --link https://example.org/cafe");
  cmd->callback([&ctx, p] {
    v1::TxBody body;
    auto* i = body.mutable_propose_initiative();
    i->set_title(p->title);
    i->set_summary(p->summary);
    i->set_district(p->district);
    i->set_amount_asked(p->amount);
    for (const auto& l : p->links) i->add_links(l);
    ctx.exit_code =
        SubmitAndReport(ctx, body, absl::StrCat("proposed \"", p->title, "\""));
  });
}

struct HistoryArgs {
  std::string of;
  uint32_t limit = 50;
};

// "2026-12-02 19:10:59", from milliseconds since the epoch.
std::string UtcTime(uint64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::gmtime(&seconds));
  return when;
}

absl::Status ShowHistory(Context& ctx, const HistoryArgs& h) {
  v1::GetHistoryRequest request;
  UURO_ASSIGN_OR_RETURN(*request.mutable_key(), KeyOrOwn(ctx, h.of));
  Table table({"NONCE", "ENTRY", "TIME (UTC)", "WHAT"});
  nlohmann::json json = nlohmann::json::array();
  auto read_page =
      [&](const std::string& token) -> absl::StatusOr<std::string> {
    request.set_page_token(token);
    grpc::ClientContext context;
    v1::GetHistoryResponse page;
    UURO_RETURN_IF_ERROR(client::FromGrpc(
        ctx.Client().ledger().GetHistory(&context, request, &page)));
    for (const auto& item : page.items()) {
      if (table.size() >= h.limit) break;
      v1::LogEntry entry;
      entry.ParseFromString(item.entry());
      std::string what = DescribeEntry(item.entry());
      table.Add({std::to_string(item.nonce()), std::to_string(item.index()),
                 UtcTime(entry.time_ms()), what});
      json.push_back({{"nonce", item.nonce()},
                      {"index", item.index()},
                      {"time_ms", entry.time_ms()},
                      {"what", what}});
    }
    return page.next_page_token();
  };
  UURO_RETURN_IF_ERROR(
      ForEachPage(read_page, [&] { return table.size() >= h.limit; }));
  Print(ctx, json, table.size() ? table.Render() : "no transactions yet\n");
  return absl::OkStatus();
}

void AddHistoryVerb(CLI::App& app, Context& ctx) {
  auto h = std::make_shared<HistoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "history", "The transactions a key signed, oldest first.");
  cmd->add_option("--of", h->of, "another account's public key");
  cmd->add_option("--limit", h->limit, "at most this many")
      ->capture_default_str();
  cmd->footer("Example:\n  uuro --key me.key history --limit 20");
  OnRun(cmd, ctx, [h](Context& c) { return ShowHistory(c, *h); });
}

}  // namespace

void AddResidentCommands(CLI::App& app, Context& ctx) {
  AddInitiativesVerb(app, ctx);
  AddInitiativeVerb(app, ctx);
  AddAwardVerb(app, ctx, /*withdraw=*/false);
  AddAwardVerb(app, ctx, /*withdraw=*/true);
  AddBalanceVerb(app, ctx);
  AddProposeVerb(app, ctx);
  AddHistoryVerb(app, ctx);
}

}  // namespace uuro::cli
