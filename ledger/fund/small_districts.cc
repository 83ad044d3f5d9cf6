#include "ledger/fund/small_districts.h"

#include <algorithm>
#include <vector>

namespace uuro::fund {

std::map<std::string, std::string> PublishedDistricts(
    const std::map<std::string, uint64_t>& residents, uint64_t min_size) {
  std::map<std::string, std::string> names;
  uint64_t merged = 0;
  bool any_merged = false;
  std::vector<std::pair<uint64_t, std::string>> large;  // By size, then name.
  for (const auto& [district, count] : residents) {
    if (count < min_size) {
      names[district] = kMergedDistricts;
      merged += count;
      any_merged = true;
    } else {
      names[district] = district;
      large.emplace_back(count, district);
    }
  }
  std::sort(large.begin(), large.end());
  // Merged rows of a resident or two would still tell what they did.
  for (const auto& [count, district] : large) {
    if (!any_merged || merged == 0 || merged >= min_size) break;
    names[district] = kMergedDistricts;
    merged += count;
  }
  return names;
}

void MergeSmallDistricts(v1::RoundTotals& totals, uint64_t min_size) {
  std::map<std::string, uint64_t> residents;
  for (const v1::DistrictTotals& d : totals.districts()) {
    residents[d.district()] = d.totals().residents();
  }
  const std::map<std::string, std::string> names =
      PublishedDistricts(residents, min_size);
  std::map<std::string, v1::DistrictTotals> rows;
  std::map<std::string, bool> same_allowance;
  for (const v1::DistrictTotals& d : totals.districts()) {
    const std::string& name = names.at(d.district());
    auto [it, fresh] = rows.try_emplace(name);
    v1::DistrictTotals& row = it->second;
    v1::DistrictRoundRecord& sum = *row.mutable_totals();
    const v1::DistrictRoundRecord& add = d.totals();
    if (fresh) {
      row.set_district(name);
      sum.set_allowance(add.allowance());
      same_allowance[name] = true;
    } else if (sum.allowance() != add.allowance()) {
      same_allowance[name] = false;
    }
    sum.set_residents(sum.residents() + add.residents());
    sum.set_awarded(sum.awarded() + add.awarded());
    sum.set_withdrawn(sum.withdrawn() + add.withdrawn());
    sum.set_received(sum.received() + add.received());
  }
  totals.clear_districts();
  for (auto& [name, row] : rows) {
    if (!same_allowance[name]) row.mutable_totals()->set_allowance(0);
    *totals.add_districts() = std::move(row);
  }
}

}  // namespace uuro::fund
