#include "clients/uuro/table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace uuro::cli {
namespace {

// Display width: count UTF-8 lead bytes, not bytes, so "ä" pads as one.
size_t Width(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string Table::Render() const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], Width(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string Euros(uint64_t cents) {
  return absl::StrCat(cents / 100, ".", cents % 100 < 10 ? "0" : "",
                      cents % 100, " EUR");
}

}  // namespace uuro::cli
