#include "ledger/fund/receipt.h"

#include "absl/strings/str_cat.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro {

absl::StatusOr<Checkpoint> VerifyReceipt(const v1::Receipt& receipt,
                                         const NoteVerifier& log_key,
                                         std::string_view origin) {
  UURO_ASSIGN_OR_RETURN(Checkpoint cp,
                        OpenCheckpoint(receipt.checkpoint(), log_key, origin));
  Hash leaf = HashLeaf(AsBytes(receipt.entry()));
  if (AsString(leaf) != receipt.leaf_hash()) {
    return absl::InvalidArgumentError(
        "the receipt's leaf hash is not the hash of its entry");
  }
  std::vector<Hash> proof;
  for (const std::string& h : receipt.inclusion_proof()) {
    if (h.size() != kHashSize) {
      return absl::InvalidArgumentError("a proof hash is not 32 bytes");
    }
    Hash hash;
    std::copy(h.begin(), h.end(), hash.begin());
    proof.push_back(hash);
  }
  absl::Status included =
      VerifyInclusion(leaf, receipt.index(), cp.size, proof, cp.root);
  if (!included.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry ", receipt.index(), " is not proven in the tree of ", cp.size,
        ": ", included.message()));
  }
  return cp;
}

}  // namespace uuro
