// Districts defined on the log, and the minimum district size that keeps
// residents from being singled out.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::Status DefineDistricts(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  const auto& names = ctx.tx.body.define_districts().names();
  std::vector<std::string> all(ctx.fund.defined_districts().begin(),
                               ctx.fund.defined_districts().end());
  for (const std::string& name : names) {
    if (std::binary_search(all.begin(), all.end(), name)) {
      return absl::AlreadyExistsError(
          absl::StrCat("district \"", name, "\" is already defined"));
    }
  }
  if (all.size() + static_cast<size_t>(names.size()) > kMaxDistricts) {
    return absl::FailedPreconditionError(
        absl::StrCat("a fund has at most ", kMaxDistricts, " districts"));
  }
  all.insert(all.end(), names.begin(), names.end());
  std::sort(all.begin(), all.end());
  ctx.fund.clear_defined_districts();
  for (std::string& d : all) ctx.fund.add_defined_districts(std::move(d));
  return absl::OkStatus();
}

absl::Status CheckDistrictSizes(const v1::FundRecord& fund) {
  std::vector<std::string> small;
  for (const v1::DistrictCount& d : fund.districts()) {
    if (d.residents() > 0 && d.residents() < fund.min_district_size()) {
      small.push_back(absl::StrCat(d.district(), " (", d.residents(), ")"));
    }
  }
  if (small.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "a round does not open while a district has fewer than ",
      fund.min_district_size(),
      " residents, which could identify them: ", absl::StrJoin(small, ", ")));
}

}  // namespace uuro::fund
