// A bounded map from 64-bit keys to values that forgets its oldest keys
// first. The store keeps the nodes and entries of its latest commits in one,
// so that receipts (a new entry and its proof) are made without reading
// RocksDB. Thread-safe; split into shards so that readers rarely wait.
#ifndef LEDGER_TLOG_FIFO_CACHE_H_
#define LEDGER_TLOG_FIFO_CACHE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace uuro {

template <typename Value>
class FifoCache {
 public:
  // Holds at most about `capacity` values.
  explicit FifoCache(size_t capacity) : per_shard_(capacity / kShards + 1) {}
  FifoCache(const FifoCache&) = delete;
  FifoCache& operator=(const FifoCache&) = delete;

  std::optional<Value> Get(uint64_t key) const {
    const Shard& shard = shards_[ShardOf(key)];
    absl::MutexLock lock(&shard.mu);
    auto it = shard.values.find(key);
    if (it == shard.values.end()) return std::nullopt;
    return it->second;
  }

  // Callers put only values that can no longer change (committed ones), so
  // a key put twice has the same value both times.
  void Put(uint64_t key, const Value& value) {
    Shard& shard = shards_[ShardOf(key)];
    absl::MutexLock lock(&shard.mu);
    if (!shard.values.emplace(key, value).second) return;
    shard.order.push_back(key);
    if (shard.order.size() > per_shard_) {
      shard.values.erase(shard.order.front());
      shard.order.pop_front();
    }
  }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable absl::Mutex mu;
    std::unordered_map<uint64_t, Value> values ABSL_GUARDED_BY(mu);
    std::deque<uint64_t> order ABSL_GUARDED_BY(mu);  // Oldest first.
  };
  static size_t ShardOf(uint64_t key) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 60);
  }

  const size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace uuro

#endif  // LEDGER_TLOG_FIFO_CACHE_H_
