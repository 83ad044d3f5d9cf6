// The round's open data: `audit export` writes what the server exports,
// `audit check-export` rebuilds an export from the log and compares.
#include "absl/strings/str_cat.h"
#include "clients/export_check.h"
#include "clients/open_data/export_files.h"
#include "clients/uuro/commands.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::cli {
namespace {

struct ExportArgs {
  uint64_t round = 0;
  std::string format = "csv", out, from, to;
};

absl::StatusOr<open_data::Period> PeriodOf(const ExportArgs& a) {
  open_data::Period period;
  if (!a.from.empty()) {
    UURO_ASSIGN_OR_RETURN(period.from_ms, open_data::ParseDate(a.from));
  }
  if (!a.to.empty()) {
    UURO_ASSIGN_OR_RETURN(period.to_ms, open_data::ParseDate(a.to));
  }
  if (period.to_ms != 0 && period.to_ms <= period.from_ms) {
    return absl::InvalidArgumentError("--to must come after --from");
  }
  return period;
}

absl::Status Export(Context& ctx, const ExportArgs& a) {
  UURO_ASSIGN_OR_RETURN(open_data::Format format,
                        open_data::ParseFormat(a.format));
  UURO_ASSIGN_OR_RETURN(open_data::Period period, PeriodOf(a));
  grpc::ClientContext context;
  v1::ExportRoundRequest request;
  request.set_round_id(a.round);
  v1::RoundExport exported;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      ctx.Client().audit().ExportRound(&context, request, &exported)));
  UURO_RETURN_IF_ERROR(open_data::WriteExport(exported, format, period, a.out));
  size_t failing = 0;
  for (const v1::Identity& i : exported.identities()) failing += !i.holds();
  nlohmann::json json = {{"path", a.out},
                         {"format", a.format},
                         {"round", exported.round().id()},
                         {"tree_size", exported.checkpoint().tree_size()},
                         {"identities_failing", failing}};
  Print(ctx, json,
        absl::StrCat("wrote round ", exported.round().id(), " as ", a.format,
                     " to ", a.out, "\n  as of entry ",
                     exported.checkpoint().tree_size(), " of ",
                     exported.checkpoint().origin(), "; ",
                     exported.identities_size() - failing, " of ",
                     exported.identities_size(),
                     " conservation identities hold\n  check it against the "
                     "log: uuro audit check-export ",
                     a.out, "\n"));
  return failing == 0 ? absl::OkStatus()
                      : absl::DataLossError(absl::StrCat(
                            failing,
                            " conservation identities do not hold; "
                            "see identities in the export"));
}

absl::Status CheckExport(Context& ctx, const std::string& path) {
  UURO_ASSIGN_OR_RETURN(NoteVerifier log_key, ctx.LogKey());
  UURO_ASSIGN_OR_RETURN(
      client::ExportCheck check,
      client::CheckExport(
          ctx.Client(), log_key, path, "",
          ctx.json ? client::LogReplica::Progress() : Progress()));
  nlohmann::json json = {{"path", path},
                         {"matches", true},
                         {"format", open_data::FormatName(check.header.format)},
                         {"round", check.header.round_id},
                         {"tree_size", check.header.tree_size},
                         {"signed_size", check.signed_size}};
  Print(ctx, json,
        absl::StrCat(path, " matches the log: round ", check.header.round_id,
                     " as of entry ", check.header.tree_size,
                     ", rebuilt from a replay of every entry, within the "
                     "checkpoint of ",
                     check.signed_size, " entries signed by ", log_key.name(),
                     "\n"));
  return absl::OkStatus();
}

}  // namespace

void AddExportVerbs(CLI::App& audit, Context& ctx) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* exp = audit.add_subcommand(
      "export", "Write a round's open data: csv, pabulib or json.");
  exp->add_option("--round", a->round, "round id (default: the latest)");
  exp->add_option("--format", a->format, "csv (a folder), pabulib or json")
      ->check(CLI::IsMember({"csv", "pabulib", "json"}))
      ->capture_default_str();
  exp->add_option("--out", a->out, "folder (csv) or file to write")->required();
  exp->add_option("--from", a->from,
                  "euro flows from this date (2027-01-01, UTC) on");
  exp->add_option("--to", a->to, "euro flows before this date");
  exp->footer(
      "Every export names the log entry it reflects; docs/open-data.md\n"
      "describes each file and column.\n"
      "Examples:\n  uuro audit export --round 12 --format csv --out round-12\n"
      "  uuro audit export --format pabulib --out round.pb\n"
      "  uuro audit export --format json --from 2027-01-01 --to 2027-04-01 "
      "--out q1.json");
  OnRun(exp, ctx, [a](Context& c) { return Export(c, *a); });

  auto path = std::make_shared<std::string>();
  CLI::App* check = audit.add_subcommand(
      "check-export", "Check an export against the log, byte for byte.");
  check->add_option("path", *path, "the export's folder or file")->required();
  check->footer(
      "Replays the log up to the entry the export names (checking every\n"
      "signature and rule), rebuilds the export and compares it.\n"
      "Example:\n  uuro --vkey log.vkey audit check-export round-12");
  OnRun(check, ctx, [path](Context& c) { return CheckExport(c, *path); });
}

}  // namespace uuro::cli
