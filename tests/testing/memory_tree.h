// A Merkle tree kept in memory for tests: every node that TreeFrontier
// emits, by id, so that the proof functions can read it like a store.
#ifndef TESTS_TESTING_MEMORY_TREE_H_
#define TESTS_TESTING_MEMORY_TREE_H_

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/merkle.h"

namespace uuro::testing {

class MemoryTree : public NodeReader {
 public:
  void Append(const Hash& leaf) {
    leaves_.push_back(leaf);
    frontier_.Append(leaf, [this](NodeId id, const Hash& hash) {
      nodes_[{id.level, id.index}] = hash;
    });
  }
  absl::StatusOr<Hash> ReadNode(NodeId id) const override {
    ++reads_;
    auto it = nodes_.find({id.level, id.index});
    if (it == nodes_.end()) {
      return absl::NotFoundError(
          absl::StrCat("no node ", int{id.level}, "/", id.index));
    }
    return it->second;
  }
  std::span<const Hash> leaves(uint64_t size) const {
    return std::span<const Hash>(leaves_).first(size);
  }
  uint64_t size() const { return leaves_.size(); }
  const TreeFrontier& frontier() const { return frontier_; }
  Hash Root() const { return frontier_.Root(); }
  // The nodes read since the last call.
  uint64_t TakeReads() const { return std::exchange(reads_, 0); }

 private:
  std::vector<Hash> leaves_;
  TreeFrontier frontier_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
  mutable uint64_t reads_ = 0;
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_MEMORY_TREE_H_
