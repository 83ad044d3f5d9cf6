// Appends batches to a ledger until killed, for store_crash_test. After each
// commit it prints the committed size on its own line, so the parent knows
// what must survive the kill. Entry i is always "entry i".
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "ledger/store/rocks_log_store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s LEDGER_DIR SEED\n", argv[0]);
    return 2;
  }
  auto store = uuro::OpenRocksLogStore(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  std::mt19937_64 rng(std::strtoull(argv[2], nullptr, 10));
  while (true) {
    uuro::AppendBatch batch;
    uint64_t size = (*store)->size();
    uint64_t n = 1 + rng() % 64;
    for (uint64_t i = size; i < size + n; ++i) {
      batch.entries.push_back(uuro::ToBytes("entry " + std::to_string(i)));
      batch.state.push_back({"last", uuro::ToBytes(std::to_string(i))});
    }
    auto status = (*store)->Append(batch, [](uint64_t s, const uuro::Hash&) {
      return absl::StatusOr<std::string>("size " + std::to_string(s));
    });
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
    std::printf("%llu\n", static_cast<unsigned long long>((*store)->size()));
    std::fflush(stdout);
  }
}
