// Plain text tables for people: columns padded to their widest cell.
#ifndef CLIENTS_UURO_TABLE_H_
#define CLIENTS_UURO_TABLE_H_

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

}  // namespace uuro::cli

#endif  // CLIENTS_UURO_TABLE_H_
