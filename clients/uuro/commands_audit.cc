// The council and anyone: totals, the independent verifier, receipts, and
// plain reads of the fund, redemptions and the checkpoint.
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/checkpoint_store.h"
#include "clients/log_fetch.h"
#include "clients/log_verifier.h"
#include "clients/trusted_checkpoint.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/cosigned.h"
#include "clients/uuro/receipt_file.h"
#include "clients/uuro/table.h"
#include "ledger/fund/receipt.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

std::string CheckpointsDir(const Context& ctx) {
  return ctx.state_dir + "/checkpoints";
}

}  // namespace

// A progress bar on a terminal, a plain line every ~10% elsewhere.
std::function<void(uint64_t, uint64_t)> Progress() {
  bool tty = ::isatty(STDERR_FILENO);
  auto last_tenth = std::make_shared<int>(-1);
  return [tty, last_tenth](uint64_t done, uint64_t total) {
    int percent = total ? static_cast<int>(done * 100 / total) : 100;
    if (tty) {
      int filled = percent / 5;
      std::fprintf(stderr, "\r[%s%s] %3d%% %llu/%llu entries",
                   std::string(filled, '#').c_str(),
                   std::string(20 - filled, ' ').c_str(), percent,
                   static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
      if (done >= total) std::fprintf(stderr, "\n");
    } else if (percent / 10 != *last_tenth) {
      *last_tenth = percent / 10;
      std::fprintf(stderr, "verified %llu of %llu entries (%d%%)\n",
                   static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total), percent);
    }
  };
}

namespace {

// The per-district and per-initiative tables of `t`, also added to `json`.
std::string TotalsTables(Context& ctx, const v1::RoundTotals& t,
                         nlohmann::json& json) {
  Table districts({"DISTRICT", "RESIDENTS", "ALLOWANCE", "AWARDED", "WITHDRAWN",
                   "RECEIVED"});
  json["districts"] = nlohmann::json::array();
  for (const auto& d : t.districts()) {
    districts.Add({d.district(), std::to_string(d.totals().residents()),
                   ctx.Amount(d.totals().allowance()),
                   ctx.Amount(d.totals().awarded()),
                   ctx.Amount(d.totals().withdrawn()),
                   ctx.Amount(d.totals().received())});
    json["districts"].push_back({{"district", d.district()},
                                 {"residents", d.totals().residents()},
                                 {"allowance", d.totals().allowance()},
                                 {"awarded", d.totals().awarded()},
                                 {"withdrawn", d.totals().withdrawn()},
                                 {"received", d.totals().received()}});
  }
  Table initiatives({"INITIATIVE", "DISTRICT", "AWARDED", "WITHDRAWN", "NET",
                     "REDEEMED", "PENDING"});
  json["initiatives"] = nlohmann::json::array();
  for (const auto& i : t.initiatives()) {
    uint64_t net = i.totals().awarded() - i.totals().withdrawn();
    initiatives.Add({std::to_string(i.initiative_id()), i.district(),
                     ctx.Amount(i.totals().awarded()),
                     ctx.Amount(i.totals().withdrawn()), ctx.Amount(net),
                     ctx.Amount(i.totals().redeemed()),
                     ctx.Amount(i.totals().pending())});
    json["initiatives"].push_back(
        {{"initiative", i.initiative_id()},
         {"district", i.district()},
         {"awarded", i.totals().awarded()},
         {"withdrawn", i.totals().withdrawn()},
         {"redeemed", i.totals().redeemed()},
         {"redeemed_cents", i.totals().redeemed_cents()},
         {"pending", i.totals().pending()}});
  }
  return districts.Render() + "\n" +
         (initiatives.size() ? initiatives.Render()
                             : "no awards in this round\n");
}

int ShowTotals(Context& ctx, uint64_t round_id) {
  grpc::ClientContext context;
  v1::GetRoundTotalsRequest request;
  request.set_round_id(round_id);
  v1::RoundTotals t;
  absl::Status status = client::FromGrpc(
      ctx.Client().audit().GetRoundTotals(&context, request, &t));
  if (!status.ok()) return Fail(ctx, status);
  nlohmann::json json = {{"round", t.round_id()},
                         {"closed", t.closed()},
                         {"residents", t.residents()},
                         {"issued", t.issued()},
                         {"awarded", t.awarded()},
                         {"withdrawn", t.withdrawn()},
                         {"net_awarded", t.net_awarded()},
                         {"unspent", t.unspent()},
                         {"lapsed", t.lapsed()},
                         {"tree_size", t.tree_size()},
                         {"transferred", t.transferred()},
                         {"early_close_reason", t.early_close_reason()}};
  json["redemptions"] = {{"requested", t.redemptions().requested()},
                         {"settled", t.redemptions().settled()},
                         {"pending", t.redemptions().pending()},
                         {"rejected", t.redemptions().rejected()},
                         {"settled_cents", t.redemptions().settled_cents()},
                         {"pending_cents", t.redemptions().pending_cents()}};
  std::string text = absl::StrCat(
      "round ", t.round_id(), t.closed() ? " (closed)" : " (open)",
      ", as of entry ", t.tree_size(),
      "\n  issued:      ", ctx.Amount(t.issued()), " (", t.residents(),
      " residents)", "\n  awarded:     ", ctx.Amount(t.net_awarded()), " net (",
      ctx.Amount(t.awarded()), " awarded, ", ctx.Amount(t.withdrawn()),
      " withdrawn)\n  unspent:     ", ctx.Amount(t.unspent()),
      t.closed() ? " (lapsed)" : "",
      "\n  redemptions: ", ctx.Amount(t.redemptions().settled()), " settled, ",
      ctx.Amount(t.redemptions().pending()), " pending, ",
      ctx.Amount(t.redemptions().rejected()),
      " rejected (of this round's credits; ", t.redemptions().settled_cents(),
      " euro cents paid)\n",
      t.transferred()
          ? absl::StrCat("  transferred: ", ctx.Amount(t.transferred()),
                         " between initiatives\n")
          : "",
      t.early_close_reason().empty()
          ? ""
          : "  closed early: " + t.early_close_reason() + "\n",
      "\n");
  Print(ctx, json, text + TotalsTables(ctx, t, json));
  return 0;
}

int Verify(Context& ctx, size_t required_cosignatures) {
  auto log_key = ctx.LogKey();
  if (!log_key.ok()) return Fail(ctx, log_key.status());
  client::VerifyOptions options{*log_key, CheckpointsDir(ctx), "", nullptr};
  if (!ctx.json) options.progress = Progress();
  options.cosigned = required_cosignatures > 0;
  auto report = client::VerifyLog(ctx.Client(), options);
  std::string cosigned_text;
  if (report.ok() && required_cosignatures > 0) {
    auto cosigs = CheckCosignaturesOnline(ctx, *log_key, report->checkpoint,
                                          required_cosignatures);
    if (!cosigs.ok()) {
      report = cosigs.status();
    } else {
      cosigned_text = absl::StrCat("  the checkpoint carries ",
                                   DescribeCosignatures(*cosigs), "\n");
    }
  }
  if (!report.ok()) {
    if (!ctx.json) std::fprintf(stderr, "uuro: audit verify FAILED\n");
    return Fail(ctx, report.status());
  }
  nlohmann::json json = {
      {"origin", report->origin},
      {"tree_size", report->tree_size},
      {"root", Base64Encode(report->root)},
      {"entries_checked", report->entries_checked},
      {"rounds_compared", report->rounds_compared},
      {"previous_size", report->previous_size
                            ? nlohmann::json(*report->previous_size)
                            : nlohmann::json(nullptr)}};
  Print(ctx, json,
        absl::StrCat(
            "OK: ", report->origin, " verified at ", report->tree_size,
            " entries\n  every entry's signature and fund rules checked, the "
            "tree rebuilt to the signed root\n  totals of ",
            report->rounds_compared,
            report->rounds_compared == 1 ? " round match" : " rounds match",
            " the server's, and the fund's totals too\n",
            report->previous_size
                ? absl::StrCat("  consistent with the checkpoint verified "
                               "before (",
                               *report->previous_size, " entries)\n")
                : "  first verification of this log; its checkpoint is kept "
                  "for the next run\n",
            cosigned_text));
  return 0;
}

// With --require-cosignatures: offline, the receipt's own checkpoint must
// carry them; online, the entry must be in the newest cosigned checkpoint.
absl::Status CheckReceiptCosigned(Context& ctx, const v1::Receipt& receipt,
                                  const NoteVerifier& log_key, bool offline,
                                  size_t required, std::string& text,
                                  nlohmann::json& json) {
  std::string note = receipt.checkpoint();
  if (!offline) {
    auto response = ctx.Client().Checkpoint(/*cosigned=*/true);
    if (!response.ok()) return response.status();
    note = response->checkpoint();
    auto cp = OpenCheckpoint(note, log_key, log_key.name());
    if (!cp.ok()) return cp.status();
    if (cp->size <= receipt.index()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the newest cosigned checkpoint has ", cp->size,
          " entries and does not include entry ", receipt.index(),
          " yet; try again once the witnesses have cosigned a newer one"));
    }
    auto proof =
        client::FetchInclusionProof(ctx.Client(), receipt.index(), cp->size);
    if (!proof.ok()) return proof.status();
    Hash leaf;
    std::copy(receipt.leaf_hash().begin(), receipt.leaf_hash().end(),
              leaf.begin());
    absl::Status included =
        VerifyInclusion(leaf, receipt.index(), cp->size, *proof, cp->root);
    if (!included.ok()) {
      return absl::DataLossError(absl::StrCat(
          "entry ", receipt.index(),
          " is not in the cosigned checkpoint: ", included.message()));
    }
    absl::StrAppend(&text, "  and in the cosigned checkpoint of ", cp->size,
                    " entries");
    json["cosigned_size"] = cp->size;
  } else {
    absl::StrAppend(&text, "  its checkpoint carries");
  }
  auto cosigs = offline ? CheckCosignaturesOffline(ctx, log_key, note, required)
                        : CheckCosignaturesOnline(ctx, log_key, note, required);
  if (!cosigs.ok()) return cosigs.status();
  absl::StrAppend(&text, offline ? " " : ", with ",
                  DescribeCosignatures(*cosigs), "\n");
  json["cosignatures"] = cosigs->size();
  return absl::OkStatus();
}

int VerifyReceiptFile(Context& ctx, const std::string& path, bool offline,
                      size_t required_cosignatures) {
  auto receipt = LoadReceipt(path);
  if (!receipt.ok()) return Fail(ctx, receipt.status());
  std::string note = receipt->checkpoint();
  std::string origin = note.substr(0, note.find('\n'));
  auto log_key = ctx.PinnedLogKey(origin);
  if (!log_key.ok()) return Fail(ctx, log_key.status());
  auto cp = VerifyReceipt(*receipt, *log_key, origin);
  if (!cp.ok()) return Fail(ctx, cp.status());
  std::string text = absl::StrCat("receipt for entry ", receipt->index(),
                                  ": valid, included in the signed log of ",
                                  cp->size, " entries\n");
  nlohmann::json json = {{"index", receipt->index()},
                         {"checkpoint_size", cp->size},
                         {"offline_valid", true}};
  if (!offline) {
    auto latest = ctx.Client().Checkpoint();
    if (!latest.ok()) return Fail(ctx, latest.status());
    auto now = OpenCheckpoint(latest->checkpoint(), *log_key, origin);
    if (!now.ok()) return Fail(ctx, now.status());
    if (now->size > cp->size) {
      auto proof =
          client::FetchConsistencyProof(ctx.Client(), cp->size, now->size);
      if (!proof.ok()) return Fail(ctx, proof.status());
      absl::Status consistent =
          VerifyConsistency(cp->size, now->size, *proof, cp->root, now->root);
      if (!consistent.ok()) {
        return Fail(ctx, absl::DataLossError(absl::StrCat(
                             "the log no longer contains this receipt's "
                             "checkpoint: ",
                             consistent.message())));
      }
    } else if (now->size < cp->size ||
               (now->size == cp->size && now->root != cp->root)) {
      return Fail(ctx, absl::DataLossError(
                           "the server's log is behind or forked from this "
                           "receipt's checkpoint"));
    }
    client::CheckpointStore store(CheckpointsDir(ctx));
    absl::Status advanced = client::AdvanceTrustedCheckpoint(
        ctx.Client(), store, *log_key, latest->checkpoint());
    if (!advanced.ok()) return Fail(ctx, advanced);
    absl::StrAppend(&text, "  and still in the current log of ", now->size,
                    " entries\n");
    json["current_size"] = now->size;
  }
  if (required_cosignatures > 0) {
    absl::Status cosigned = CheckReceiptCosigned(
        ctx, *receipt, *log_key, offline, required_cosignatures, text, json);
    if (!cosigned.ok()) return Fail(ctx, cosigned);
  }
  Print(ctx, json, text);
  return 0;
}

void AddTotalsVerb(CLI::App& audit, Context& ctx) {
  auto round = std::make_shared<uint64_t>(0);
  CLI::App* totals = audit.add_subcommand(
      "totals", "A round's totals, per district and per initiative.");
  totals->add_option("--round", *round, "round id (default: the latest)");
  totals->footer("Example:\n  uuro audit totals --round 12");
  totals->callback([&ctx, round] { ctx.exit_code = ShowTotals(ctx, *round); });
}

void AddVerifyVerb(CLI::App& audit, Context& ctx) {
  CLI::App* verify = audit.add_subcommand(
      "verify",
      "Check the whole log independently: signatures, rules, tree, totals.");
  verify->footer(
      "Downloads every entry, replays the fund rules from scratch, rebuilds "
      "the\n"
      "tree, checks it against the checkpoint signed by the pinned log key, "
      "and\n"
      "compares the totals with the server's. Exits non-zero naming the first\n"
      "discrepancy.\n"
      "Example:\n  uuro --server ledger.example-town.fi:443 --tls --vkey "
      "log.vkey "
      "audit verify");
  auto required = std::make_shared<size_t>(0);
  verify
      ->add_option("--require-cosignatures", *required,
                   "verify the newest checkpoint that witnesses cosigned, "
                   "and demand this many cosignatures by council keys of "
                   "genesis")
      ->capture_default_str();
  verify->callback(
      [&ctx, required] { ctx.exit_code = Verify(ctx, *required); });
}

void AddReceiptVerbs(CLI::App& app, Context& ctx) {
  CLI::App* receipt = app.add_subcommand("receipt", "Check saved receipts.");
  receipt->require_subcommand(1);
  struct ReceiptArgs {
    std::string file;
    bool offline = false;
    size_t required = 0;
  };
  auto r = std::make_shared<ReceiptArgs>();
  CLI::App* check = receipt->add_subcommand(
      "verify", "Check a receipt against the log key and the current log.");
  check->add_option("file", r->file, "receipt JSON file")->required();
  check->add_flag("--offline", r->offline,
                  "only check the signature and proof in the file");
  check
      ->add_option("--require-cosignatures", r->required,
                   "demand this many council cosignatures: on the newest "
                   "cosigned checkpoint, which must include the entry (or, "
                   "with --offline, on the receipt's own checkpoint)")
      ->capture_default_str();
  check->footer(
      "Example:\n  uuro receipt verify "
      "~/.local/state/uuro/ledgers/*/receipts/451.json\n"
      "  uuro receipt verify --require-cosignatures 2 receipts/451.json");
  check->callback([&ctx, r] {
    ctx.exit_code = VerifyReceiptFile(ctx, r->file, r->offline, r->required);
  });
}

using KeyList = google::protobuf::RepeatedPtrField<std::string>;

std::vector<std::string> KeysHex(const KeyList& keys) {
  std::vector<std::string> hex;
  for (const std::string& key : keys) hex.push_back(ToHex(AsBytes(key)));
  return hex;
}

// The office keys, shortened: "3f9a0c1b.., 77c0e2d4.." or "none".
std::string KeysText(const KeyList& keys) {
  std::vector<std::string> shown;
  for (const std::string& hex : KeysHex(keys)) {
    shown.push_back(hex.substr(0, 8) + "..");
  }
  return shown.empty() ? "none" : absl::StrJoin(shown, ", ");
}

absl::Status ShowFund(Context& ctx) {
  UURO_ASSIGN_OR_RETURN(v1::FundRecord f, ctx.Client().Fund());
  nlohmann::json json = {{"origin", f.origin()},
                         {"fund_name", f.fund_name()},
                         {"currency", f.currency_name()},
                         {"active_residents", f.active_residents()},
                         {"initiatives", f.initiatives()},
                         {"rounds", f.rounds()},
                         {"open_round", f.open_round()},
                         {"entries", f.entries()},
                         {"log_key", f.log_verifier_key()},
                         {"stewards", KeysHex(f.steward_keys())},
                         {"council", KeysHex(f.council_keys())},
                         {"council_quorum", f.council_quorum()}};
  Print(
      ctx, json,
      absl::StrCat(
          f.fund_name(), " (", f.origin(), ")\n  currency:    ",
          f.currency_name(), "\n  residents:   ", f.active_residents(),
          "\n  initiatives: ", f.initiatives(), "\n  rounds:      ", f.rounds(),
          f.open_round() ? absl::StrCat(" (round ", f.open_round(), " is open)")
                         : "",
          "\n  log entries: ", f.entries(), "\n  log key:     ",
          f.log_verifier_key(), "\n  stewards:    ", KeysText(f.steward_keys()),
          "\n  council:     ", KeysText(f.council_keys()),
          f.council_quorum() == 0
              ? std::string(" (no approvals needed)")
              : absl::StrCat(" (quorum ", f.council_quorum(),
                             " for large payments, key changes and early "
                             "closes)"),
          "\n"));
  return absl::OkStatus();
}

absl::Status ShowRedemption(Context& ctx, uint64_t id) {
  grpc::ClientContext context;
  v1::GetRedemptionRequest request;
  request.set_id(id);
  v1::RedemptionRecord r;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      ctx.Client().ledger().GetRedemption(&context, request, &r)));
  std::string state =
      r.status() == v1::REDEMPTION_PENDING ? "pending"
      : r.status() == v1::REDEMPTION_SETTLED
          ? (r.settled_by_rule() ? "settled by rule" : "settled")
          : "rejected";
  nlohmann::json json = {{"id", r.id()},
                         {"initiative", r.initiative_id()},
                         {"amount", r.amount()},
                         {"purpose", r.purpose()},
                         {"status", state},
                         {"payment_reference", r.payment_reference()},
                         {"reject_reason", r.reject_reason()}};
  Print(ctx, json,
        absl::StrCat(
            "redemption ", r.id(), ": ", ctx.Amount(r.amount()),
            " for initiative ", r.initiative_id(), ", ", state,
            r.payment_reference().empty()
                ? ""
                : " (payment " + r.payment_reference() + ")",
            r.reject_reason().empty() ? "" : " (" + r.reject_reason() + ")",
            "\n  purpose: ", r.purpose(), "\n"));
  return absl::OkStatus();
}

}  // namespace

void AddAuditCommands(CLI::App& app, Context& ctx) {
  CLI::App* audit = app.add_subcommand("audit", "Totals and verification.");
  audit->require_subcommand(1);
  AddTotalsVerb(*audit, ctx);
  AddVerifyVerb(*audit, ctx);
  AddExportVerbs(*audit, ctx);
  AddReceiptVerbs(app, ctx);

  CLI::App* fund = app.add_subcommand("fund", "The fund: names, keys, totals.");
  fund->footer("Example:\n  uuro fund");
  OnRun(fund, ctx, ShowFund);

  auto id = std::make_shared<uint64_t>(0);
  CLI::App* redemption =
      app.add_subcommand("redemption", "Show a redemption request.");
  redemption->add_option("id", *id, "request id")->required();
  redemption->footer("Example:\n  uuro redemption 812");
  OnRun(redemption, ctx, [id](Context& c) { return ShowRedemption(c, *id); });
}

}  // namespace uuro::cli
