// The Merkle tree of RFC 6962 / RFC 9162 section 2.1 with SHA-256.
//
// Nodes are addressed as complete subtrees: node (level, index) is the root of
// the perfect subtree over leaves [index << level, (index + 1) << level). Only
// such nodes are ever stored (the C2SP tlog-tiles layout stores levels 0, 8,
// 16, ...); roots and proofs of trees of any size are derived from them.
#ifndef LEDGER_TLOG_MERKLE_H_
#define LEDGER_TLOG_MERKLE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"

namespace uuro {

inline constexpr uint8_t kLeafPrefix = 0x00;
inline constexpr uint8_t kNodePrefix = 0x01;

Hash HashLeaf(ByteView entry);  // SHA-256(0x00 || entry)
Hash HashChildren(const Hash& left,
                  const Hash& right);  // SHA-256(0x01 || l || r)
Hash EmptyTreeRoot();                  // SHA-256("")

struct NodeId {
  uint8_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

// Reads the hash of a complete subtree that exists in the tree.
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  virtual absl::StatusOr<Hash> ReadNode(NodeId id) const = 0;
};

// The right edge of a tree (its "compact range"): the roots of the perfect
// subtrees that make up a tree of `size` leaves, largest first. Enough to
// append and to compute the root in O(log n) without reading anything else.
class TreeFrontier {
 public:
  TreeFrontier() = default;
  // Loads the frontier of a tree of `size` leaves from stored nodes.
  static absl::StatusOr<TreeFrontier> Load(const NodeReader& reader,
                                           uint64_t size);

  uint64_t size() const { return size_; }

  // Appends a leaf hash. `emit` receives every node that becomes complete,
  // the leaf itself (level 0) first, so the caller can store them; it may be
  // empty when only the root is wanted.
  void Append(const Hash& leaf_hash,
              const std::function<void(NodeId, const Hash&)>& emit);

  // The root hash of the whole tree (EmptyTreeRoot() for size 0).
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  // One hash per set bit of size_, highest level first.
  std::vector<Hash> nodes_;
};

// The root of the first `size` leaves of a tree whose stored nodes cover at
// least `size` leaves. Reads O(log size) nodes.
absl::StatusOr<Hash> RootAt(const NodeReader& reader, uint64_t size);

// RFC 9162 section 2.1.3.1: the inclusion proof of leaf `index` in the tree of
// `size` leaves. Requires index < size.
absl::StatusOr<std::vector<Hash>> InclusionProof(const NodeReader& reader,
                                                 uint64_t index, uint64_t size);

// RFC 9162 section 2.1.4.1: the consistency proof from `old_size` to
// `new_size`. Requires 0 < old_size <= new_size (empty when equal).
absl::StatusOr<std::vector<Hash>> ConsistencyProof(const NodeReader& reader,
                                                   uint64_t old_size,
                                                   uint64_t new_size);

// RFC 9162 section 2.1.3.2. OK, or INVALID_ARGUMENT saying why not.
absl::Status VerifyInclusion(const Hash& leaf_hash, uint64_t index,
                             uint64_t size, const std::vector<Hash>& proof,
                             const Hash& root);

// RFC 9162 section 2.1.4.2. OK, or INVALID_ARGUMENT saying why not. Equal
// sizes need an empty proof and equal roots; old_size 0 is refused, since
// every tree is consistent with the empty one and there is nothing to prove.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               const std::vector<Hash>& proof,
                               const Hash& old_root, const Hash& new_root);

}  // namespace uuro

#endif  // LEDGER_TLOG_MERKLE_H_
