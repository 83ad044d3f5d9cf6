// Districts are defined on the log by the fund office before anyone is
// enrolled in them or proposes for them.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/uuro/commands.h"
#include "clients/uuro/table.h"

namespace uuro::cli {
namespace {

void ListDistricts(Context& ctx) {
  auto fund = ctx.Client().Fund();
  if (!fund.ok()) {
    ctx.exit_code = Fail(ctx, fund.status());
    return;
  }
  // Residents per district, for the districts that have any.
  std::map<std::string, uint64_t> residents;
  for (const v1::DistrictCount& d : fund->districts()) {
    residents[d.district()] = d.residents();
  }
  Table table({"DISTRICT", "RESIDENTS"});
  nlohmann::json json = nlohmann::json::array();
  for (const std::string& name : fund->defined_districts()) {
    table.Add({name, std::to_string(residents[name])});
    json.push_back({{"district", name}, {"residents", residents[name]}});
  }
  Print(ctx, json,
        table.size() ? absl::StrCat(table.Render(), "minimum district size: ",
                                    fund->min_district_size(), "\n")
                     : "no districts defined\n");
}

}  // namespace

void AddDistrictCommands(CLI::App& app, Context& ctx) {
  CLI::App* district =
      app.add_subcommand("district", "Define districts (fund office).");
  district->require_subcommand(1);
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* add = district->add_subcommand(
      "add", "Define districts; enrolment and proposals name only these.");
  add->add_option("name", *names, "district names")->required();
  add->footer(
      "Example:\n  uuro --key steward.key district add harbour \"old town\"");
  add->callback([&ctx, names] {
    v1::TxBody body;
    for (const std::string& name : *names) {
      body.mutable_define_districts()->add_names(name);
    }
    ctx.exit_code = SubmitAndReport(
        ctx, body, absl::StrCat("defined ", absl::StrJoin(*names, ", ")));
  });

  CLI::App* list = app.add_subcommand(
      "districts", "List the defined districts and their residents.");
  list->footer("Example:\n  uuro districts");
  list->callback([&ctx] { ListDistricts(ctx); });
}

}  // namespace uuro::cli
