// Changes that need the council: steward and council keys, closing a round
// early, and the proposals the council approves. Also the credits owners
// pass between initiatives, a public flow the council audits.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/table.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

struct OfficeArgs {
  std::string role, key, replacement;
};

absl::StatusOr<v1::TxBody> KeyChangeTx(const OfficeArgs& o,
                                       v1::KeyChangeAction action) {
  v1::TxBody body;
  v1::ProposeKeyChange* change = body.mutable_propose_key_change();
  change->set_role(o.role == "council" ? v1::OFFICE_COUNCIL
                                       : v1::OFFICE_STEWARD);
  change->set_action(action);
  UURO_ASSIGN_OR_RETURN(*change->mutable_key(), KeyArgument(o.key));
  if (action == v1::KEY_CHANGE_REPLACE) {
    UURO_ASSIGN_OR_RETURN(*change->mutable_replacement_key(),
                          KeyArgument(o.replacement));
  }
  return body;
}

void AddOfficeVerb(CLI::App& office, Context& ctx, const std::string& name,
                   v1::KeyChangeAction action, const std::string& help,
                   const std::string& example) {
  auto o = std::make_shared<OfficeArgs>();
  CLI::App* cmd = office.add_subcommand(name, help);
  cmd->add_option("--role", o->role, "steward or council")
      ->required()
      ->check(CLI::IsMember({"steward", "council"}));
  cmd->add_option("key", o->key, "public key (hex) or key file")->required();
  if (action == v1::KEY_CHANGE_REPLACE) {
    cmd->add_option("new", o->replacement, "the key that takes its place")
        ->required();
  }
  cmd->footer(
      "The change is a proposal: it takes effect once the council quorum set\n"
      "at genesis has approved it (uuro proposals, uuro proposal approve).\n"
      "Example:\n  " +
      example);
  cmd->callback([&ctx, o, action, name] {
    ctx.exit_code =
        SubmitTx(ctx, KeyChangeTx(*o, action),
                 absl::StrCat("proposed to ", name, " a ", o->role,
                              " key; the proposal id is the entry number"));
  });
}

void AddOfficeCommands(CLI::App& app, Context& ctx) {
  CLI::App* office = app.add_subcommand(
      "office", "Propose changes to the steward and council keys.");
  office->require_subcommand(1);
  AddOfficeVerb(*office, ctx, "add", v1::KEY_CHANGE_ADD, "Propose a new key.",
                "uuro --key steward.key office add --role steward 77c0...2b");
  AddOfficeVerb(*office, ctx, "remove", v1::KEY_CHANGE_REMOVE,
                "Propose to remove a key.",
                "uuro --key council1.key office remove --role steward "
                "3f9a...e1");
  AddOfficeVerb(*office, ctx, "replace", v1::KEY_CHANGE_REPLACE,
                "Propose to replace a key by a new one.",
                "uuro --key steward.key office replace --role council "
                "3f9a...e1 77c0...2b");
}

std::string ProposalStatusName(v1::ProposalStatus status) {
  return status == v1::PROPOSAL_ENACTED ? "enacted" : "pending";
}

std::string RoleName(v1::OfficeRole role) {
  return role == v1::OFFICE_COUNCIL ? "council" : "steward";
}

std::string ActionName(v1::KeyChangeAction action) {
  switch (action) {
    case v1::KEY_CHANGE_ADD:
      return "add";
    case v1::KEY_CHANGE_REMOVE:
      return "remove";
    default:
      return "replace";
  }
}

std::string ShortKey(const std::string& key) {
  return ToHex(AsBytes(key)).substr(0, 16);
}

// "replace steward key 3f9a.. by 77c0.." or "close round 12 early: ...".
std::string ProposalText(const v1::ProposalRecord& p) {
  if (p.has_early_close()) {
    return absl::StrCat("close round ", p.early_close().round_id(),
                        " early: ", p.early_close().reason());
  }
  const v1::ProposeKeyChange& k = p.key_change();
  std::string text =
      absl::StrCat(ActionName(k.action()), " ", RoleName(k.role()), " key ",
                   ShortKey(k.key()));
  if (k.action() == v1::KEY_CHANGE_REPLACE) {
    absl::StrAppend(&text, " by ", ShortKey(k.replacement_key()));
  }
  return text;
}

nlohmann::json ProposalJson(const v1::ProposalRecord& p) {
  nlohmann::json json = {{"id", p.id()},
                         {"status", ProposalStatusName(p.status())},
                         {"proposer", ToHex(AsBytes(p.proposer()))},
                         {"proposed_at_ms", p.proposed_at_ms()},
                         {"approvals", p.approvals_size()},
                         {"enacted_at_ms", p.enacted_at_ms()}};
  if (p.has_early_close()) {
    json["early_close"] = {{"round", p.early_close().round_id()},
                           {"reason", p.early_close().reason()}};
  } else {
    const v1::ProposeKeyChange& k = p.key_change();
    json["key_change"] = {
        {"role", RoleName(k.role())},
        {"action", ActionName(k.action())},
        {"key", ToHex(AsBytes(k.key()))},
        {"replacement_key", ToHex(AsBytes(k.replacement_key()))}};
  }
  return json;
}

struct ProposalListArgs {
  bool pending = false;
  uint32_t limit = 100;
};

absl::Status ListProposals(Context& ctx, const ProposalListArgs& args) {
  v1::ListProposalsRequest request;
  request.set_pending_only(args.pending);
  Table table({"ID", "STATUS", "APPROVALS", "CHANGE"});
  nlohmann::json json = nlohmann::json::array();
  auto read_page =
      [&](const std::string& token) -> absl::StatusOr<std::string> {
    request.set_page_token(token);
    grpc::ClientContext context;
    v1::ListProposalsResponse page;
    UURO_RETURN_IF_ERROR(client::FromGrpc(
        ctx.Client().ledger().ListProposals(&context, request, &page)));
    for (const v1::ProposalRecord& p : page.proposals()) {
      if (table.size() >= args.limit) break;
      table.Add({std::to_string(p.id()), ProposalStatusName(p.status()),
                 std::to_string(p.approvals_size()), ProposalText(p)});
      json.push_back(ProposalJson(p));
    }
    return page.next_page_token();
  };
  UURO_RETURN_IF_ERROR(
      ForEachPage(read_page, [&] { return table.size() >= args.limit; }));
  Print(ctx, json,
        table.size()
            ? table.Render()
            : (args.pending ? "no pending proposals\n" : "no proposals\n"));
  return absl::OkStatus();
}

void AddProposalCommands(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ProposalListArgs>();
  CLI::App* list = app.add_subcommand(
      "proposals", "List key changes and early closes, and their approvals.");
  list->add_flag("--pending", args->pending, "only those waiting for approval");
  list->add_option("--limit", args->limit, "at most this many")
      ->capture_default_str();
  list->footer("Example:\n  uuro proposals --pending");
  OnRun(list, ctx, [args](Context& c) { return ListProposals(c, *args); });

  CLI::App* proposal =
      app.add_subcommand("proposal", "Council: approve a proposal.");
  proposal->require_subcommand(1);
  auto id = std::make_shared<uint64_t>(0);
  CLI::App* approve = proposal->add_subcommand(
      "approve", "Approve a pending proposal with a council key.");
  approve->add_option("id", *id, "proposal id")->required();
  approve->footer(
      "The change takes effect with the approval that reaches the quorum.\n"
      "Example:\n  uuro --key council.key proposal approve 41");
  approve->callback([&ctx, id] {
    v1::TxBody body;
    body.mutable_approve_proposal()->set_proposal_id(*id);
    ctx.exit_code =
        SubmitAndReport(ctx, body, absl::StrCat("approved proposal ", *id));
  });
}

struct TransferArgs {
  uint64_t from = 0, to = 0, amount = 0, round = 0;
  std::string note;
};

void AddTransferVerb(CLI::App& app, Context& ctx) {
  auto t = std::make_shared<TransferArgs>();
  CLI::App* cmd = app.add_subcommand(
      "transfer", "Pass credits of closed rounds to another initiative.");
  cmd->add_option("--from", t->from, "your initiative")->required();
  cmd->add_option("--to", t->to, "the initiative that receives")->required();
  cmd->add_option("amount", t->amount, "whole credits")->required();
  cmd->add_option("--note", t->note,
                  "what it pays for; public and permanent, so no personal "
                  "data")
      ->required();
  cmd->add_option("--round", t->round,
                  "draw on this closed round (default: oldest first)");
  cmd->footer(
      "The credits keep their round and euro value; the receiving initiative\n"
      "redeems them or passes them on.\n"
      "Example:\n  uuro --key owner.key transfer --from 17 --to 23 30 "
      "--note \"Sound system for the street party\"");
  cmd->callback([&ctx, t] {
    v1::TxBody body;
    v1::TransferCredits* transfer = body.mutable_transfer_credits();
    transfer->set_from_initiative_id(t->from);
    transfer->set_to_initiative_id(t->to);
    transfer->set_amount(t->amount);
    transfer->set_note(t->note);
    transfer->set_round_id(t->round);
    ctx.exit_code = SubmitAndReport(
        ctx, body,
        absl::StrCat("passed ", ctx.Amount(t->amount), " from initiative ",
                     t->from, " to initiative ", t->to));
  });
}

struct TransferListArgs {
  uint64_t initiative = 0;
  uint32_t limit = 100;
};

absl::Status ListTransfers(Context& ctx, const TransferListArgs& args) {
  v1::ListTransfersRequest request;
  request.set_initiative_id(args.initiative);
  Table table({"ID", "FROM", "TO", "AMOUNT", "EUROS", "NOTE"});
  nlohmann::json json = nlohmann::json::array();
  auto read_page =
      [&](const std::string& token) -> absl::StatusOr<std::string> {
    request.set_page_token(token);
    grpc::ClientContext context;
    v1::ListTransfersResponse page;
    UURO_RETURN_IF_ERROR(client::FromGrpc(
        ctx.Client().ledger().ListTransfers(&context, request, &page)));
    for (const v1::TransferRecord& r : page.transfers()) {
      if (table.size() >= args.limit) break;
      table.Add({std::to_string(r.id()), std::to_string(r.from_initiative_id()),
                 std::to_string(r.to_initiative_id()), ctx.Amount(r.amount()),
                 Euros(r.cents()), r.note()});
      nlohmann::json draws = nlohmann::json::array();
      for (const v1::RedemptionDraw& d : r.draws()) {
        draws.push_back({{"round", d.round_id()},
                         {"credits", d.credits()},
                         {"cents", d.cents()}});
      }
      json.push_back({{"id", r.id()},
                      {"from", r.from_initiative_id()},
                      {"to", r.to_initiative_id()},
                      {"amount", r.amount()},
                      {"cents", r.cents()},
                      {"note", r.note()},
                      {"draws", draws},
                      {"transferred_at_ms", r.transferred_at_ms()}});
    }
    return page.next_page_token();
  };
  UURO_RETURN_IF_ERROR(
      ForEachPage(read_page, [&] { return table.size() >= args.limit; }));
  Print(ctx, json, table.size() ? table.Render() : "no transfers\n");
  return absl::OkStatus();
}

void AddTransfersVerb(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<TransferListArgs>();
  CLI::App* cmd = app.add_subcommand(
      "transfers", "List credits passed between initiatives.");
  cmd->add_option("--initiative", args->initiative,
                  "only transfers from or to this initiative");
  cmd->add_option("--limit", args->limit, "at most this many")
      ->capture_default_str();
  cmd->footer("Example:\n  uuro transfers --initiative 17");
  OnRun(cmd, ctx, [args](Context& c) { return ListTransfers(c, *args); });
}

}  // namespace

void AddRoundCloseEarlyVerb(CLI::App& round, Context& ctx) {
  struct Args {
    uint64_t id = 0;
    std::string reason;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = round.add_subcommand(
      "close-early", "Propose to close a round before its closing time.");
  cmd->add_option("id", a->id, "round id")->required();
  cmd->add_option("--reason", a->reason,
                  "why; public and permanent, so no personal data")
      ->required();
  cmd->footer(
      "The round closes once the council quorum set at genesis has approved\n"
      "(uuro --key council.key proposal approve ID).\n"
      "Example:\n  uuro --key steward.key round close-early 12 --reason "
      "\"Fraud found in district harbour\"");
  cmd->callback([&ctx, a] {
    v1::TxBody body;
    body.mutable_propose_early_close()->set_round_id(a->id);
    body.mutable_propose_early_close()->set_reason(a->reason);
    ctx.exit_code = SubmitAndReport(
        ctx, body,
        absl::StrCat("proposed to close round ", a->id,
                     " early; the proposal id is the entry number"));
  });
}

void AddGovernanceCommands(CLI::App& app, Context& ctx) {
  AddOfficeCommands(app, ctx);
  AddProposalCommands(app, ctx);
  AddTransferVerb(app, ctx);
  AddTransfersVerb(app, ctx);
}

}  // namespace uuro::cli
