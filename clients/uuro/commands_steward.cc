// The fund office: enroll and revoke residents, open and close rounds,
// settle and reject redemptions, suspend and reinstate initiatives.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/table.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::cli {
namespace {

// Registers a verb that takes an id and a required text, e.g. a reason.
void AddIdTextVerb(
    CLI::App& app, Context& ctx, const std::string& name,
    const std::string& help, const std::string& text_flag,
    const std::string& example,
    std::function<v1::TxBody(uint64_t, const std::string&)> build,
    std::string done) {
  struct Args {
    uint64_t id = 0;
    std::string text;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("id", args->id, "id")->required();
  cmd->add_option("--" + text_flag, args->text, text_flag)->required();
  cmd->footer("Example:\n  " + example);
  cmd->callback([&ctx, args, build, done] {
    ctx.exit_code = SubmitAndReport(ctx, build(args->id, args->text),
                                    absl::StrCat(done, " ", args->id));
  });
}

struct OpenArgs {
  uint64_t allowance = 0, cents = 0, threshold = 0;
  std::string opens_in = "0s", closes_in;
  uint32_t max_share = 100;
  bool owner_may_award_own = false, may_exceed_asked = false;
  std::vector<std::string> district_allowances;  // "harbour=120"
};

absl::Status AddDistrictAllowances(const std::vector<std::string>& pairs,
                                   v1::OpenRound& round) {
  std::vector<std::pair<std::string, uint64_t>> sorted;
  for (const std::string& pair : pairs) {
    size_t eq = pair.find('=');
    uint64_t allowance = 0;
    if (eq == std::string::npos || eq == 0 ||
        !absl::SimpleAtoi(pair.substr(eq + 1), &allowance)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--district-allowance wants DISTRICT=CREDITS, not \"", pair, "\""));
    }
    sorted.emplace_back(pair.substr(0, eq), allowance);
  }
  // The rules want them sorted by district, so the order typed is free.
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [district, allowance] : sorted) {
    v1::DistrictAllowance* a = round.add_district_allowances();
    a->set_district(district);
    a->set_allowance(allowance);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TxBody> OpenRoundTx(const OpenArgs& o) {
  auto opens = ParseDuration(o.opens_in);
  auto closes = ParseDuration(o.closes_in);
  if (!opens.ok() || !closes.ok()) {
    return opens.ok() ? closes.status() : opens.status();
  }
  uint64_t now = WallClockMs();
  v1::TxBody body;
  v1::OpenRound* r = body.mutable_open_round();
  r->set_allowance(o.allowance);
  r->set_credit_value_cents(o.cents);
  r->set_opens_at_ms(now + *opens);
  r->set_closes_at_ms(now + *opens + *closes);
  r->set_max_share_percent(o.max_share);
  r->set_trust_threshold(o.threshold);
  r->set_owner_may_award_own(o.owner_may_award_own);
  r->set_may_exceed_amount_asked(o.may_exceed_asked);
  UURO_RETURN_IF_ERROR(AddDistrictAllowances(o.district_allowances, *r));
  return body;
}

void AddRoundOpenVerb(CLI::App& round, Context& ctx) {
  auto o = std::make_shared<OpenArgs>();
  CLI::App* open = round.add_subcommand(
      "open", "Open a round; its rules are logged and never change.");
  open->add_option("--allowance", o->allowance, "credits per resident")
      ->required();
  open->add_option("--credit-value-cents", o->cents,
                   "euro cents one credit is worth")
      ->required();
  open->add_option("--closes-in", o->closes_in,
                   "how long it stays open: 90s, 15m, 12h, 30d")
      ->required();
  open->add_option("--opens-in", o->opens_in, "delay before awards open")
      ->capture_default_str();
  open->add_option("--max-share", o->max_share,
                   "percent of one resident's allowance per initiative")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  open->add_option("--trust-threshold", o->threshold,
                   "redemptions up to this settle at once")
      ->capture_default_str();
  open->add_flag("--owner-may-award-own", o->owner_may_award_own,
                 "let owners award their own initiatives (off by default)");
  open->add_flag("--may-exceed-asked", o->may_exceed_asked,
                 "let initiatives receive more than they asked (off by "
                 "default)");
  open->add_option("--district-allowance", o->district_allowances,
                   "DISTRICT=CREDITS: another allowance in one district; "
                   "repeat for more");
  open->footer(
      "Example:\n  uuro --key steward.key round open --allowance 100 "
      "--credit-value-cents 50 --closes-in 30d --max-share 40 "
      "--trust-threshold 50 --district-allowance harbour=120");
  open->callback([&ctx, o] {
    ctx.exit_code = SubmitTx(
        ctx, OpenRoundTx(*o),
        absl::StrCat("opened a round: ", ctx.Amount(o->allowance),
                     " per resident; its id is the entry number below"));
  });
}

// Closes round `id`, or the open round if `id` is 0.
absl::StatusOr<v1::TxBody> CloseRoundTx(Context& ctx, uint64_t id) {
  if (id == 0) {
    auto fund = ctx.Client().Fund();
    if (!fund.ok()) return fund.status();
    id = fund->open_round();
    if (id == 0) return absl::FailedPreconditionError("no round is open");
  }
  v1::TxBody body;
  body.mutable_close_round()->set_round_id(id);
  return body;
}

void AddRoundCloseVerb(CLI::App& round, Context& ctx) {
  auto close_id = std::make_shared<uint64_t>(0);
  CLI::App* close = round.add_subcommand(
      "close", "Close a round once its closing time has come.");
  close->add_option("id", *close_id, "round id (default: the open one)");
  close->footer("Example:\n  uuro --key steward.key round close");
  close->callback([&ctx, close_id] {
    auto body = CloseRoundTx(ctx, *close_id);
    ctx.exit_code =
        SubmitTx(ctx, body,
                 absl::StrCat("closed round ",
                              body.ok() ? body->close_round().round_id() : 0));
  });
}

std::string DistrictAllowancesText(Context& ctx, const v1::OpenRound& rules) {
  std::string text;
  for (const v1::DistrictAllowance& a : rules.district_allowances()) {
    absl::StrAppend(&text, "\n  in ", a.district(), ": ",
                    ctx.Amount(a.allowance()), " per resident");
  }
  return text;
}

std::string RoundText(Context& ctx, const v1::RoundRecord& r) {
  const auto& rules = r.rules();
  return absl::StrCat(
      "round ", r.id(), r.closed() ? " (closed)" : " (open)",
      "\n  allowance:       ", ctx.Amount(rules.allowance()),
      " per resident, 1 credit = ", rules.credit_value_cents(),
      " cents\n  max share:       ", rules.max_share_percent(),
      "% per initiative\n  trust threshold: ",
      ctx.Amount(rules.trust_threshold()), "\n  own initiative:  ",
      rules.owner_may_award_own() ? "owners may award their own"
                                  : "owners may not award their own",
      "\n  above asked:     ",
      rules.may_exceed_amount_asked() ? "allowed" : "not allowed",
      DistrictAllowancesText(ctx, rules),
      "\n  residents:       ", r.residents(),
      "\n  issued:          ", ctx.Amount(r.issued()),
      "\n  awarded:         ", ctx.Amount(r.awarded()), " (withdrawn ",
      ctx.Amount(r.withdrawn()), ")\n",
      r.closed() ? "  lapsed:          " + ctx.Amount(r.lapsed()) + "\n" : "",
      r.transferred() ? "  transferred:     " + ctx.Amount(r.transferred()) +
                            " between initiatives\n"
                      : "",
      r.early_close_reason().empty()
          ? ""
          : "  closed early:    " + r.early_close_reason() + "\n");
}

absl::Status ShowRound(Context& ctx, uint64_t id) {
  grpc::ClientContext context;
  v1::GetRoundRequest request;
  request.set_id(id);
  v1::RoundRecord r;
  UURO_RETURN_IF_ERROR(
      client::FromGrpc(ctx.Client().ledger().GetRound(&context, request, &r)));
  const auto& rules = r.rules();
  nlohmann::json json = {
      {"id", r.id()},
      {"closed", r.closed()},
      {"allowance", rules.allowance()},
      {"credit_value_cents", rules.credit_value_cents()},
      {"opens_at_ms", rules.opens_at_ms()},
      {"closes_at_ms", rules.closes_at_ms()},
      {"max_share_percent", rules.max_share_percent()},
      {"trust_threshold", rules.trust_threshold()},
      {"residents", r.residents()},
      {"awarded", r.awarded()},
      {"withdrawn", r.withdrawn()},
      {"lapsed", r.lapsed()},
      {"issued", r.issued()},
      {"transferred", r.transferred()},
      {"early_close_reason", r.early_close_reason()},
      {"owner_may_award_own", rules.owner_may_award_own()},
      {"may_exceed_amount_asked", rules.may_exceed_amount_asked()}};
  json["district_allowances"] = nlohmann::json::object();
  for (const v1::DistrictAllowance& a : rules.district_allowances()) {
    json["district_allowances"][a.district()] = a.allowance();
  }
  Print(ctx, json, RoundText(ctx, r));
  return absl::OkStatus();
}

void AddRoundCommands(CLI::App& app, Context& ctx) {
  CLI::App* round = app.add_subcommand("round", "Open, close and show rounds.");
  round->require_subcommand(1);
  AddRoundOpenVerb(*round, ctx);
  AddRoundCloseVerb(*round, ctx);
  AddRoundCloseEarlyVerb(*round, ctx);
  auto show_id = std::make_shared<uint64_t>(0);
  CLI::App* show =
      round->add_subcommand("show", "Show a round's rules and totals.");
  show->add_option("id", *show_id, "round id (default: the latest)");
  show->footer("Example:\n  uuro round show");
  OnRun(show, ctx, [show_id](Context& c) { return ShowRound(c, *show_id); });
}

void AddEnrollVerb(CLI::App& app, Context& ctx) {
  struct EnrollArgs {
    std::string key, district;
  };
  auto e = std::make_shared<EnrollArgs>();
  CLI::App* enroll = app.add_subcommand(
      "enroll", "Enroll a resident's public key in a district.");
  enroll->add_option("key", e->key, "public key (hex) or key file")->required();
  enroll->add_option("--district", e->district, "district code")->required();
  enroll->footer(
      "Example:\n  uuro --key steward.key enroll 3f9a...e1 --district harbour");
  enroll->callback([&ctx, e] {
    auto key = KeyArgument(e->key);
    v1::TxBody body;
    if (key.ok()) {
      body.mutable_enroll_resident()->set_key(*key);
      body.mutable_enroll_resident()->set_district(e->district);
    }
    ctx.exit_code = SubmitTx(
        ctx, key.ok() ? absl::StatusOr<v1::TxBody>(body) : key.status(),
        absl::StrCat("enrolled a resident in ", e->district));
  });
}

struct RevokeArgs {
  std::string key, reason, replacement;
};

absl::StatusOr<v1::TxBody> RevokeTx(const RevokeArgs& r) {
  v1::TxBody body;
  v1::RevokeResident* revoke = body.mutable_revoke_resident();
  UURO_ASSIGN_OR_RETURN(*revoke->mutable_key(), KeyArgument(r.key));
  revoke->set_reason_code(RevocationCode(r.reason));
  if (!r.replacement.empty()) {
    UURO_ASSIGN_OR_RETURN(*revoke->mutable_replacement_key(),
                          KeyArgument(r.replacement));
  }
  return body;
}

void AddRevokeVerb(CLI::App& app, Context& ctx) {
  auto r = std::make_shared<RevokeArgs>();
  CLI::App* revoke = app.add_subcommand(
      "revoke",
      "Revoke a resident's key, optionally moving them to a new one.");
  revoke->add_option("key", r->key, "public key (hex) or key file")->required();
  revoke
      ->add_option("--reason", r->reason,
                   "reason code: lost, compromised, left or error (never "
                   "free text: the log cannot be erased)")
      ->required()
      ->check(CLI::IsMember({"lost", "compromised", "left", "error"}));
  revoke->add_option("--replacement", r->replacement,
                     "the resident's new key; it keeps balance and awards");
  revoke->footer(
      "Example:\n  uuro --key steward.key revoke 3f9a...e1 --reason lost "
      "--replacement 77c0...2b");
  revoke->callback([&ctx, r] {
    ctx.exit_code = SubmitTx(ctx, RevokeTx(*r), "revoked the key");
  });
}

}  // namespace

v1::RevocationReason RevocationCode(const std::string& name) {
  if (name == "compromised") return v1::REVOCATION_KEY_COMPROMISED;
  if (name == "left") return v1::REVOCATION_LEFT_FUND;
  if (name == "error") return v1::REVOCATION_ENROLLED_IN_ERROR;
  return v1::REVOCATION_KEY_LOST;
}

void AddStewardCommands(CLI::App& app, Context& ctx) {
  AddEnrollVerb(app, ctx);
  AddRevokeVerb(app, ctx);
  AddRoundCommands(app, ctx);

  AddIdTextVerb(
      app, ctx, "settle", "Record the payment of a pending redemption.",
      "reference", "uuro --key steward.key settle 812 --reference SEPA-2027-14",
      [](uint64_t id, const std::string& text) {
        v1::TxBody body;
        body.mutable_settle_redemption()->set_request_id(id);
        body.mutable_settle_redemption()->set_payment_reference(text);
        return body;
      },
      "settled redemption request");
  AddIdTextVerb(
      app, ctx, "reject", "Reject a pending redemption; the credits return.",
      "reason", "uuro --key steward.key reject 812 --reason \"no receipts\"",
      [](uint64_t id, const std::string& text) {
        v1::TxBody body;
        body.mutable_reject_redemption()->set_request_id(id);
        body.mutable_reject_redemption()->set_reason(text);
        return body;
      },
      "rejected redemption request");
  AddIdTextVerb(
      app, ctx, "suspend", "Suspend an initiative, with a public reason.",
      "reason", "uuro --key steward.key suspend 17 --reason \"under review\"",
      [](uint64_t id, const std::string& text) {
        v1::TxBody body;
        body.mutable_suspend_initiative()->set_initiative_id(id);
        body.mutable_suspend_initiative()->set_reason(text);
        return body;
      },
      "suspended initiative");
  AddIdTextVerb(
      app, ctx, "reinstate", "Lift an initiative's suspension.", "reason",
      "uuro --key steward.key reinstate 17 --reason \"review passed\"",
      [](uint64_t id, const std::string& text) {
        v1::TxBody body;
        body.mutable_reinstate_initiative()->set_initiative_id(id);
        body.mutable_reinstate_initiative()->set_reason(text);
        return body;
      },
      "reinstated initiative");
}

}  // namespace uuro::cli
