// Plain text for people: tables with columns padded to their widest cell,
// and euro amounts.
#ifndef CLIENTS_UURO_TABLE_H_
#define CLIENTS_UURO_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace uuro::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers)
      : rows_{std::move(headers)} {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size() - 1; }
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header.
};

// "12.05 EUR" for 1205 cents.
std::string Euros(uint64_t cents);

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_TABLE_H_
