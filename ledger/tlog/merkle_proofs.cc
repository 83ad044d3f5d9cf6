// Roots and proofs (RFC 9162 sections 2.1.1, 2.1.3.1, 2.1.4.1) computed from
// complete-subtree nodes only.
//
// Every range the recursions below visit starts at a multiple of the largest
// power of two below its length, so its left part is always one stored node
// and only one right edge per call needs more than one read: roots cost
// O(log n) reads and proofs O(log n) as well.
#include <algorithm>
#include <bit>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro {
namespace {

// The largest power of two strictly below n; n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]) for begin < end: one node when the range is a perfect
// aligned subtree, otherwise split as in RFC 9162 section 2.1.1.
absl::StatusOr<Hash> RangeRoot(const NodeReader& reader, uint64_t begin,
                               uint64_t end) {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    const int level = std::countr_zero(n);
    return reader.ReadNode({static_cast<uint8_t>(level), begin >> level});
  }
  const uint64_t k = SplitPoint(n);
  UURO_ASSIGN_OR_RETURN(Hash left, RangeRoot(reader, begin, begin + k));
  UURO_ASSIGN_OR_RETURN(Hash right, RangeRoot(reader, begin + k, end));
  return HashChildren(left, right);
}

}  // namespace

absl::StatusOr<Hash> RootAt(const NodeReader& reader, uint64_t size) {
  if (size == 0) return EmptyTreeRoot();
  return RangeRoot(reader, 0, size);
}

// PATH(m, D[n]) unrolled: walks from the root down to the leaf, collecting
// the sibling at each step, then reverses to the leaf-first order of the RFC.
absl::StatusOr<std::vector<Hash>> InclusionProof(const NodeReader& reader,
                                                 uint64_t index,
                                                 uint64_t size) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: leaf index ", index,
                     " is not below tree size ", size));
  }
  std::vector<Hash> proof;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (index < mid) {
      UURO_ASSIGN_OR_RETURN(Hash sibling, RangeRoot(reader, mid, end));
      proof.push_back(sibling);
      end = mid;
    } else {
      UURO_ASSIGN_OR_RETURN(Hash sibling, RangeRoot(reader, begin, mid));
      proof.push_back(sibling);
      begin = mid;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// SUBPROOF(m, D[n], b) unrolled the same way. `complete` is b: it stays true
// while the old tree is a prefix ending at the left edge of the range, in
// which case the verifier already knows the old subtree's root.
absl::StatusOr<std::vector<Hash>> ConsistencyProof(const NodeReader& reader,
                                                   uint64_t old_size,
                                                   uint64_t new_size) {
  if (old_size == 0 || old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof: need 0 < old size <= new size, got old size ",
        old_size, " and new size ", new_size));
  }
  std::vector<Hash> proof;
  uint64_t begin = 0;
  uint64_t end = new_size;
  bool complete = true;
  while (old_size != end) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (old_size <= mid) {
      UURO_ASSIGN_OR_RETURN(Hash right, RangeRoot(reader, mid, end));
      proof.push_back(right);
      end = mid;
    } else {
      UURO_ASSIGN_OR_RETURN(Hash left, RangeRoot(reader, begin, mid));
      proof.push_back(left);
      begin = mid;
      complete = false;
    }
  }
  if (!complete) {
    UURO_ASSIGN_OR_RETURN(Hash old_subtree, RangeRoot(reader, begin, end));
    proof.push_back(old_subtree);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

}  // namespace uuro
