// Proof verification exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 give
// it. fn and sn track the positions of the proven node and of the tree's last
// node at the current level; the bit tests decide on which side each proof
// hash goes. A proof runs out when sn reaches 0: hashes left over make it too
// long, and sn still above 0 at the end makes it too short.
#include <bit>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/tlog/merkle.h"

namespace uuro {
namespace {

bool IsOdd(uint64_t v) { return (v & 1) != 0; }

}  // namespace

absl::Status VerifyInclusion(const Hash& leaf_hash, uint64_t index,
                             uint64_t size, const std::vector<Hash>& proof,
                             const Hash& root) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: leaf index ", index,
                     " is not below tree size ", size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inclusion proof is too long: ", proof.size(), " hashes for leaf ",
          index, " in a tree of size ", size));
    }
    if (IsOdd(fn) || fn == sn) {
      r = HashChildren(p, r);
      while (!IsOdd(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof is too short: ", proof.size(),
                     " hashes for leaf ", index, " in a tree of size ", size));
  }
  if (r != root) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof for leaf ", index, " in a tree of size ",
                     size, " does not lead to the expected root"));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               const std::vector<Hash>& proof,
                               const Hash& old_root, const Hash& new_root) {
  if (old_size == 0 || old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof: need 0 < old size <= new size, got old size ",
        old_size, " and new size ", new_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency proof between equal sizes must be empty, got ",
          proof.size(), " hashes"));
    }
    if (old_root != new_root) {
      return absl::InvalidArgumentError(absl::StrCat(
          "two different roots for the same tree size ", old_size));
    }
    return absl::OkStatus();
  }
  if (proof.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof from size ", old_size, " to ", new_size,
                     " is too short: 0 hashes"));
  }
  // Step 2: a power-of-two old tree is one node of the new tree, so the
  // proof leaves out its root and the verifier starts from old_root.
  size_t next = 0;
  Hash fr = old_root;
  if (!std::has_single_bit(old_size)) fr = proof[next++];
  Hash sr = fr;
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (IsOdd(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency proof from size ", old_size, " to ",
                       new_size, " is too long: ", proof.size(), " hashes"));
    }
    if (IsOdd(fn) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while (!IsOdd(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof from size ", old_size, " to ", new_size,
                     " is too short: ", proof.size(), " hashes"));
  }
  if (fr != old_root) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof from size ", old_size, " to ", new_size,
                     " does not lead to the old root"));
  }
  if (sr != new_root) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof from size ", old_size, " to ", new_size,
                     " does not lead to the new root"));
  }
  return absl::OkStatus();
}

}  // namespace uuro
