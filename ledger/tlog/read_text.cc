#include "ledger/tlog/read_text.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace uuro {

absl::StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace uuro
