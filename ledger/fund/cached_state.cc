#include "ledger/fund/cached_state.h"

namespace uuro::fund {

CachedState::CachedState(const LogStore& store, size_t capacity)
    : store_(store), capacity_(capacity) {}

absl::StatusOr<std::optional<Bytes>> CachedState::Get(
    std::string_view key) const {
  // std::unordered_map<std::string> has no heterogeneous lookup in C++20.
  std::string k(key);
  if (auto it = values_.find(k); it != values_.end()) return it->second;
  auto value = store_.Get(key);
  if (value.ok()) Remember(k, *value);
  return value;
}

absl::StatusOr<std::map<std::string, Bytes>> CachedState::Scan(
    std::string_view prefix) const {
  return store_.Scan(prefix);
}

void CachedState::Committed(const std::vector<StateWrite>& writes) {
  for (const StateWrite& write : writes) {
    if (auto it = values_.find(write.key); it != values_.end()) {
      it->second = write.value;
    } else {
      Remember(write.key, write.value);
    }
  }
}

void CachedState::Remember(const std::string& key,
                           std::optional<Bytes> value) const {
  if (!values_.emplace(key, std::move(value)).second) return;
  order_.push_back(key);
  while (order_.size() > capacity_) {
    values_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace uuro::fund
