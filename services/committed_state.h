// The committed fund state as the sequencer reads it: RocksDB behind a
// bounded cache of recently read and written records. Every award reads the
// same fund, round, initiative and district records; from memory they cost
// a hash lookup instead of a memtable search.
#ifndef SERVICES_COMMITTED_STATE_H_
#define SERVICES_COMMITTED_STATE_H_

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/fund/state_view.h"
#include "ledger/log_store.h"

namespace uuro::server {

// Not thread-safe: only the sequencer thread uses one. The cache holds
// committed values only, so it never disagrees with the store: the
// sequencer calls Committed() with a batch's writes once they are durable.
class CommittedState final : public fund::StateReader {
 public:
  // `store` must outlive this; at most `capacity` keys are kept.
  CommittedState(const LogStore& store, size_t capacity);
  CommittedState(const CommittedState&) = delete;
  CommittedState& operator=(const CommittedState&) = delete;

  absl::StatusOr<std::optional<Bytes>> Get(std::string_view key) const override;
  // Scans are rare (round totals) and go to the store.
  absl::StatusOr<std::map<std::string, Bytes>> Scan(
      std::string_view prefix) const override;

  // `writes` are durable in the store now.
  void Committed(const std::vector<StateWrite>& writes);

 private:
  void Remember(const std::string& key, std::optional<Bytes> value) const;

  fund::StoreStateReader store_;
  const size_t capacity_;
  // Absent keys are cached too (as nullopt): a first award reads several.
  mutable std::unordered_map<std::string, std::optional<Bytes>> values_;
  mutable std::deque<std::string> order_;  // Oldest first, for eviction.
};

}  // namespace uuro::server

#endif  // SERVICES_COMMITTED_STATE_H_
