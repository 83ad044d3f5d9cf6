// Fuzzes proof verification and tile paths: what a client or monitor
// checks on data the server (or anyone between) hands it.
//
// The first bytes choose a tree (up to 600 leaves) and a leaf or an older
// size; the rest is read as proof hashes, or as a tile path, or as an entry
// bundle. Properties checked:
//   - genuine inclusion and consistency proofs verify;
//   - a proof that is not the genuine one, or is checked against another
//     index or size, is refused (a second valid proof would be a forgery);
//   - a tile path that parses is canonical (TilePath gives it back), and an
//     entry bundle that decodes encodes back to the same bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ledger/tlog/merkle.h"
#include "ledger/tlog/tiles.h"

namespace {

using uuro::Hash;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

// Every complete subtree of a tree of kMaxLeaves leaves, in memory.
constexpr uint64_t kMaxLeaves = 600;

class MemoryTree final : public uuro::NodeReader {
 public:
  MemoryTree() {
    for (uint64_t i = 0; i < kMaxLeaves; ++i) {
      std::string entry = "entry " + std::to_string(i);
      frontier_.Append(uuro::HashLeaf(uuro::AsBytes(entry)),
                       [this](uuro::NodeId id, const Hash& h) {
                         nodes_[{id.level, id.index}] = h;
                       });
    }
  }
  absl::StatusOr<Hash> ReadNode(uuro::NodeId id) const override {
    auto it = nodes_.find({id.level, id.index});
    if (it == nodes_.end()) return absl::NotFoundError("no such node");
    return it->second;
  }

 private:
  uuro::TreeFrontier frontier_;
  std::map<std::pair<uint8_t, uint64_t>, Hash> nodes_;
};

const MemoryTree& Tree() {
  static auto* tree = new MemoryTree();
  return *tree;
}

uint64_t Take16(const uint8_t*& data, size_t& size) {
  uint64_t v = 0;
  for (int i = 0; i < 2 && size > 0; ++i, ++data, --size) v = (v << 8) | *data;
  return v;
}

std::vector<Hash> TakeHashes(const uint8_t* data, size_t size) {
  std::vector<Hash> out;
  for (; size >= 32 && out.size() < 70; data += 32, size -= 32) {
    Hash h;
    std::copy(data, data + 32, h.begin());
    out.push_back(h);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace uuro;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto tile = ParseTilePath(text); tile.ok()) {
    Check(TilePath(*tile) == text, "a parsed tile path is canonical");
    Check(tile->width >= 1 && tile->width <= kTileWidth,
          "tile width in 1..256");
  }
  if (auto bundle = DecodeEntryBundle(ByteView(data, size)); bundle.ok()) {
    Bytes again = EncodeEntryBundle(*bundle);
    Check(again == Bytes(data, data + size), "a decoded bundle is canonical");
  }

  if (size < 5) return 0;
  const uint8_t mode = *data++;
  --size;
  const uint64_t a = Take16(data, size);
  const uint64_t b = Take16(data, size);
  const std::vector<Hash> fuzzed = TakeHashes(data, size);
  const MemoryTree& tree = Tree();

  if (mode & 1) {
    // Inclusion of leaf `index` in a tree of `tree_size`.
    const uint64_t tree_size = 1 + b % kMaxLeaves;
    const uint64_t index = a % tree_size;
    auto root = RootAt(tree, tree_size);
    auto proof = InclusionProof(tree, index, tree_size);
    Check(root.ok() && proof.ok(), "proofs of the stored tree can be made");
    std::string entry = "entry " + std::to_string(index);
    const Hash leaf = HashLeaf(AsBytes(entry));
    Check(VerifyInclusion(leaf, index, tree_size, *proof, *root).ok(),
          "a genuine inclusion proof verifies");
    if (fuzzed != *proof) {
      Check(!VerifyInclusion(leaf, index, tree_size, fuzzed, *root).ok(),
            "a forged inclusion proof is refused");
    }
    // Any index and size taken from the input, with the genuine proof.
    const uint64_t other_index = (mode >> 1) | (a & 0xff00);
    if (other_index != index) {
      (void)VerifyInclusion(leaf, other_index, b, *proof, *root);
    }
  } else {
    const uint64_t new_size = 1 + b % kMaxLeaves;
    const uint64_t old_size = 1 + a % new_size;
    auto old_root = RootAt(tree, old_size);
    auto new_root = RootAt(tree, new_size);
    auto proof = ConsistencyProof(tree, old_size, new_size);
    Check(old_root.ok() && new_root.ok() && proof.ok(),
          "consistency proofs of the stored tree can be made");
    Check(VerifyConsistency(old_size, new_size, *proof, *old_root, *new_root)
              .ok(),
          "a genuine consistency proof verifies");
    if (fuzzed != *proof) {
      Check(!VerifyConsistency(old_size, new_size, fuzzed, *old_root, *new_root)
                 .ok(),
            "a forged consistency proof is refused");
    }
    // Sizes straight from the input, including 0 and old > new.
    (void)VerifyConsistency(a, b, fuzzed, *old_root, *new_root);
  }
  return 0;
}
