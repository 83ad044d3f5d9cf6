#include "ledger/tlog/merkle.h"

#include <bit>
#include <cassert>
#include <utility>

#include "ledger/tlog/status_macros.h"

namespace uuro {

Hash HashLeaf(ByteView entry) {
  return Sha256({ByteView(&kLeafPrefix, 1), entry});
}

Hash HashChildren(const Hash& left, const Hash& right) {
  return Sha256({ByteView(&kNodePrefix, 1), left, right});
}

Hash EmptyTreeRoot() { return Sha256(ByteView()); }

absl::StatusOr<TreeFrontier> TreeFrontier::Load(const NodeReader& reader,
                                                uint64_t size) {
  TreeFrontier frontier;
  frontier.size_ = size;
  // Each set bit `level` of `size` is one perfect subtree; the leaves before
  // it are those of the higher bits, so its index is (size >> level) - 1.
  for (int level = std::bit_width(size) - 1; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    UURO_ASSIGN_OR_RETURN(
        Hash node,
        reader.ReadNode({static_cast<uint8_t>(level), (size >> level) - 1}));
    frontier.nodes_.push_back(node);
  }
  return frontier;
}

void TreeFrontier::Append(
    const Hash& leaf_hash,
    const std::function<void(NodeId, const Hash&)>& emit) {
  const uint64_t old_size = size_;
  const uint64_t new_size = old_size + 1;
  nodes_.push_back(leaf_hash);
  if (emit) emit({0, old_size}, leaf_hash);
  // Adding one carries through the trailing one bits of old_size: each carry
  // merges the two smallest subtrees into a complete one a level higher.
  for (int level = 0; ((old_size >> level) & 1) != 0; ++level) {
    assert(nodes_.size() >= 2);
    const Hash right = nodes_.back();
    nodes_.pop_back();
    Hash& left = nodes_.back();
    left = HashChildren(left, right);
    if (emit) {
      emit({static_cast<uint8_t>(level + 1), (new_size >> (level + 1)) - 1},
           left);
    }
  }
  size_ = new_size;
  assert(nodes_.size() == static_cast<size_t>(std::popcount(size_)));
}

Hash TreeFrontier::Root() const {
  if (nodes_.empty()) return EmptyTreeRoot();
  // The smaller subtrees hang off the right edge: fold from the right.
  Hash root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) {
    root = HashChildren(nodes_[i], root);
  }
  return root;
}

}  // namespace uuro
