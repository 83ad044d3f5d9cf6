// The committed fund state of a store as its one writer (the sequencer, or a
// replay) reads it: RocksDB behind a bounded cache of recently read and
// written records. Every award reads the same fund, round, initiative and
// district records; from memory they cost a hash lookup instead of a
// memtable search.
#ifndef LEDGER_FUND_CACHED_STATE_H_
#define LEDGER_FUND_CACHED_STATE_H_

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/fund/state_view.h"
#include "ledger/tlog/log_store.h"

namespace uuro::fund {

// Not thread-safe: only the writer's thread uses one. The cache holds
// committed values only, so it never disagrees with the store: the writer
// calls Committed() with a batch's writes once the store has them, and
// nothing else may write to the store meanwhile.
class CachedState final : public StateReader {
 public:
  // `store` must outlive this; at most `capacity` keys are kept.
  CachedState(const LogStore& store, size_t capacity);
  CachedState(const CachedState&) = delete;
  CachedState& operator=(const CachedState&) = delete;

  absl::StatusOr<std::optional<Bytes>> Get(std::string_view key) const override;
  // Scans are rare (round totals) and go to the store.
  absl::StatusOr<std::map<std::string, Bytes>> Scan(
      std::string_view prefix) const override;

  // `writes` are durable in the store now.
  void Committed(const std::vector<StateWrite>& writes);

 private:
  void Remember(const std::string& key, std::optional<Bytes> value) const;

  StoreStateReader store_;
  const size_t capacity_;
  // Absent keys are cached too (as nullopt): a first award reads several.
  mutable std::unordered_map<std::string, std::optional<Bytes>> values_;
  mutable std::deque<std::string> order_;  // Oldest first, for eviction.
};

}  // namespace uuro::fund

#endif  // LEDGER_FUND_CACHED_STATE_H_
