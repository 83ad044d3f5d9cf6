#include "ledger/tlog/merkle.h"

#include <bit>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/tlog/bytes.h"
#include "tests/testing/memory_tree.h"

namespace uuro {
namespace {

// Reference implementation: RFC 6962 section 2.1, recursion over leaf hashes
// exactly as written there. Slow on purpose; the fast code must agree with it.
using Leaves = std::span<const Hash>;

uint64_t RefSplit(uint64_t n) { return std::bit_floor(n - 1); }

Hash RefRoot(Leaves d) {
  if (d.empty()) return EmptyTreeRoot();
  if (d.size() == 1) return d[0];
  const uint64_t k = RefSplit(d.size());
  return HashChildren(RefRoot(d.first(k)), RefRoot(d.subspan(k)));
}

std::vector<Hash> RefPath(uint64_t m, Leaves d) {
  if (d.size() <= 1) return {};
  const uint64_t k = RefSplit(d.size());
  std::vector<Hash> path =
      m < k ? RefPath(m, d.first(k)) : RefPath(m - k, d.subspan(k));
  path.push_back(m < k ? RefRoot(d.subspan(k)) : RefRoot(d.first(k)));
  return path;
}

std::vector<Hash> RefSubproof(uint64_t m, Leaves d, bool b) {
  if (m == d.size()) return b ? std::vector<Hash>{} : std::vector{RefRoot(d)};
  const uint64_t k = RefSplit(d.size());
  std::vector<Hash> proof = m <= k ? RefSubproof(m, d.first(k), b)
                                   : RefSubproof(m - k, d.subspan(k), false);
  proof.push_back(m <= k ? RefRoot(d.subspan(k)) : RefRoot(d.first(k)));
  return proof;
}

std::vector<Hash> RefProof(uint64_t m, Leaves d) {
  return RefSubproof(m, d, true);
}

using uuro::testing::MemoryTree;

Hash TestLeaf(uint64_t i) {
  return HashLeaf(AsBytes(absl::StrCat("entry ", i)));
}

MemoryTree MakeTree(uint64_t size) {
  MemoryTree tree;
  for (uint64_t i = 0; i < size; ++i) tree.Append(TestLeaf(i));
  return tree;
}

Hash H(std::string_view hex) {
  absl::StatusOr<Bytes> bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok() && bytes->size() == kHashSize) << hex;
  Hash out{};
  if (bytes.ok() && bytes->size() == kHashSize) {
    std::copy(bytes->begin(), bytes->end(), out.begin());
  }
  return out;
}

Hash Must(absl::StatusOr<Hash> hash) {
  EXPECT_TRUE(hash.ok()) << hash.status();
  return hash.ok() ? *hash : Hash{};
}

std::vector<Hash> Must(absl::StatusOr<std::vector<Hash>> proof) {
  EXPECT_TRUE(proof.ok()) << proof.status();
  return proof.ok() ? *std::move(proof) : std::vector<Hash>{};
}

// RFC 6962 test data, as in certificate-transparency's merkle_tree_test.cc.
MemoryTree Rfc6962Tree() {
  MemoryTree tree;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    tree.Append(HashLeaf(*FromHex(hex)));
  }
  return tree;
}

TEST(MerkleTest, HashesKnownAnswers) {
  EXPECT_EQ(ToHex(EmptyTreeRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(HashLeaf({})),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const Hash a = TestLeaf(1), b = TestLeaf(2);
  Bytes node = {kNodePrefix};
  node.insert(node.end(), a.begin(), a.end());
  node.insert(node.end(), b.begin(), b.end());
  EXPECT_EQ(HashChildren(a, b), Sha256(node));
  EXPECT_NE(HashChildren(a, b), HashChildren(b, a));
}

TEST(MerkleTest, Rfc6962RootsKnownAnswers) {
  const char* kRoots[] = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  const MemoryTree tree = Rfc6962Tree();
  EXPECT_EQ(Must(RootAt(tree, 0)), EmptyTreeRoot());
  for (uint64_t size = 1; size <= 8; ++size) {
    SCOPED_TRACE(size);
    EXPECT_EQ(ToHex(Must(RootAt(tree, size))), kRoots[size - 1]);
    EXPECT_EQ(ToHex(RefRoot(tree.leaves(size))), kRoots[size - 1]);
  }
  EXPECT_EQ(ToHex(tree.frontier().Root()), kRoots[7]);
}

TEST(MerkleTest, Rfc6962ProofsKnownAnswers) {
  const Hash h0 =
      H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const Hash h1 =
      H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  const Hash h4 =
      H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  const Hash h01 =
      H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
  const Hash h23 =
      H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  const Hash h45 =
      H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a");
  const Hash h67 =
      H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
  const Hash h0123 =
      H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  const Hash h4567 =
      H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
  const MemoryTree tree = Rfc6962Tree();
  struct Case {
    uint64_t a, b;
    std::vector<Hash> proof;
  };
  const Case kInclusion[] = {{0, 1, {}},
                             {0, 8, {h1, h23, h4567}},
                             {5, 8, {h4, h67, h0123}},
                             {2, 3, {h01}},
                             {1, 5, {h0, h23, h4}}};
  for (const Case& c : kInclusion) {
    SCOPED_TRACE(absl::StrCat("inclusion ", c.a, " in ", c.b));
    EXPECT_EQ(Must(InclusionProof(tree, c.a, c.b)), c.proof);
  }
  const Case kConsistency[] = {{1, 1, {}},
                               {1, 8, {h1, h23, h4567}},
                               {6, 8, {h45, h67, h0123}},
                               {2, 5, {h23, h4}}};
  for (const Case& c : kConsistency) {
    SCOPED_TRACE(absl::StrCat("consistency ", c.a, " to ", c.b));
    EXPECT_EQ(Must(ConsistencyProof(tree, c.a, c.b)), c.proof);
  }
}

constexpr uint64_t kSmall = 130;

TEST(MerkleTest, AllInclusionProofsUpTo130MatchReferenceAndVerify) {
  const MemoryTree tree = MakeTree(kSmall);
  for (uint64_t size = 1; size <= kSmall; ++size) {
    const Hash root = Must(RootAt(tree, size));
    ASSERT_EQ(root, RefRoot(tree.leaves(size))) << size;
    for (uint64_t i = 0; i < size; ++i) {
      const std::vector<Hash> proof = Must(InclusionProof(tree, i, size));
      ASSERT_EQ(proof, RefPath(i, tree.leaves(size))) << i << " " << size;
      ASSERT_TRUE(VerifyInclusion(TestLeaf(i), i, size, proof, root).ok())
          << i << " " << size;
    }
  }
}

TEST(MerkleTest, AllConsistencyProofsUpTo130MatchReferenceAndVerify) {
  const MemoryTree tree = MakeTree(kSmall);
  std::vector<Hash> roots;
  for (uint64_t size = 0; size <= kSmall; ++size) {
    roots.push_back(Must(RootAt(tree, size)));
  }
  for (uint64_t n = 1; n <= kSmall; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      const std::vector<Hash> proof = Must(ConsistencyProof(tree, m, n));
      ASSERT_EQ(proof, RefProof(m, tree.leaves(n))) << m << " " << n;
      ASSERT_TRUE(VerifyConsistency(m, n, proof, roots[m], roots[n]).ok())
          << m << " " << n;
    }
  }
}

TEST(MerkleTest, RandomProofsInLargeTreeVerifyWithFewReads) {
  constexpr uint64_t kLarge = 100'000;
  const MemoryTree tree = MakeTree(kLarge);
  std::mt19937_64 rng(20240607);
  const auto below = [&rng](uint64_t n) {
    return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng);
  };
  const uint64_t max_reads = 2 * std::bit_width(kLarge);
  for (int trial = 0; trial < 300; ++trial) {
    SCOPED_TRACE(trial);
    const uint64_t n = 1 + below(kLarge);
    const uint64_t m = 1 + below(n);
    const uint64_t i = below(n);
    const Hash new_root = Must(RootAt(tree, n));
    const Hash old_root = Must(RootAt(tree, m));
    tree.TakeReads();
    const std::vector<Hash> path = Must(InclusionProof(tree, i, n));
    EXPECT_LE(tree.TakeReads(), max_reads);
    const std::vector<Hash> proof = Must(ConsistencyProof(tree, m, n));
    EXPECT_LE(tree.TakeReads(), max_reads);
    EXPECT_TRUE(VerifyInclusion(TestLeaf(i), i, n, path, new_root).ok());
    EXPECT_TRUE(VerifyConsistency(m, n, proof, old_root, new_root).ok());
    if (trial % 50 == 0) {  // The reference hashes every leaf: only a few.
      EXPECT_EQ(new_root, RefRoot(tree.leaves(n)));
      EXPECT_EQ(path, RefPath(i, tree.leaves(n)));
      EXPECT_EQ(proof, RefProof(m, tree.leaves(n)));
    }
  }
  EXPECT_EQ(Must(RootAt(tree, kLarge)), tree.frontier().Root());
}

void FlipBit(Hash& hash, int bit) { hash[bit / 8] ^= uint8_t{1} << (bit % 8); }

struct InclusionArgs {
  Hash leaf;
  uint64_t index, size;
  std::vector<Hash> proof;
  Hash root;
  absl::Status Verify() const {
    return VerifyInclusion(leaf, index, size, proof, root);
  }
};

TEST(MerkleTest, TamperedInclusionProofsAreRefused) {
  const MemoryTree tree = MakeTree(kSmall + 1);
  const auto root = [&tree](uint64_t size) { return Must(RootAt(tree, size)); };
  // `why` is part of the expected message ("" where the reason may vary);
  // `mutate` returns false where it does not apply to the case.
  struct Mutation {
    const char* name;
    const char* why;
    std::function<bool(InclusionArgs&)> mutate;
  };
  const Mutation kMutations[] = {
      {"index - 1", "", [](InclusionArgs& a) { return a.index-- > 0; }},
      {"index + 1", "", [](InclusionArgs& a) { return ++a.index, true; }},
      {"size - 1 and its root", "",
       [&](InclusionArgs& a) { return a.root = root(--a.size), a.size > 0; }},
      {"size + 1 and its root", "",
       [&](InclusionArgs& a) { return a.root = root(++a.size), true; }},
      {"last hash dropped", "too short",
       [](InclusionArgs& a) {
         return !a.proof.empty() && (a.proof.pop_back(), true);
       }},
      {"first hash dropped", "too short",
       [](InclusionArgs& a) {
         return !a.proof.empty() && (a.proof.erase(a.proof.begin()), true);
       }},
      {"hash appended", "too long",
       [](InclusionArgs& a) { return a.proof.push_back(a.leaf), true; }},
      {"hash prepended", "too long",
       [](InclusionArgs& a) {
         return a.proof.insert(a.proof.begin(), a.root), true;
       }},
      {"wrong root", "root",
       [](InclusionArgs& a) { return FlipBit(a.root, 0), true; }},
      {"wrong leaf", "root",
       [](InclusionArgs& a) { return FlipBit(a.leaf, 255), true; }},
  };
  const std::pair<uint64_t, uint64_t> kCases[] = {
      {0, 1},   {0, 2},     {1, 2},   {2, 3},    {0, 8},   {5, 8},
      {7, 8},   {6, 7},     {1, 5},   {4, 5},    {12, 13}, {63, 64},
      {64, 65}, {100, 129}, {0, 130}, {129, 130}};
  for (const auto& [index, size] : kCases) {
    const InclusionArgs good{TestLeaf(index), index, size,
                             Must(InclusionProof(tree, index, size)),
                             root(size)};
    ASSERT_TRUE(good.Verify().ok()) << index << " " << size;
    for (const Mutation& m : kMutations) {
      InclusionArgs bad = good;
      if (!m.mutate(bad)) continue;
      const absl::Status status = bad.Verify();
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
          << m.name << ": leaf " << index << " of " << size;
      EXPECT_THAT(status.message(), ::testing::HasSubstr(m.why)) << m.name;
    }
    for (size_t j = 0; j < good.proof.size(); ++j) {
      for (int bit = 0; bit < 256; ++bit) {
        InclusionArgs bad = good;
        FlipBit(bad.proof[j], bit);
        ASSERT_FALSE(bad.Verify().ok()) << index << " " << size << " " << j;
      }
    }
  }
}

struct ConsistencyArgs {
  uint64_t old_size, new_size;
  std::vector<Hash> proof;
  Hash old_root, new_root;
  absl::Status Verify() const {
    return VerifyConsistency(old_size, new_size, proof, old_root, new_root);
  }
};

TEST(MerkleTest, TamperedConsistencyProofsAreRefused) {
  const MemoryTree tree = MakeTree(kSmall + 1);
  const auto root = [&tree](uint64_t size) { return Must(RootAt(tree, size)); };
  struct Mutation {
    const char* name;
    const char* why;
    std::function<void(ConsistencyArgs&)> mutate;
  };
  const Mutation kMutations[] = {
      {"old size - 1 and its root", "",
       [&](ConsistencyArgs& a) { a.old_root = root(--a.old_size); }},
      {"old size + 1 and its root", "",
       [&](ConsistencyArgs& a) { a.old_root = root(++a.old_size); }},
      {"new size - 1 and its root", "",
       [&](ConsistencyArgs& a) { a.new_root = root(--a.new_size); }},
      {"new size + 1 and its root", "",
       [&](ConsistencyArgs& a) { a.new_root = root(++a.new_size); }},
      {"last hash dropped", "too short",
       [](ConsistencyArgs& a) { a.proof.pop_back(); }},
      {"first hash dropped", "too short",
       [](ConsistencyArgs& a) { a.proof.erase(a.proof.begin()); }},
      {"hash appended", "too long",
       [](ConsistencyArgs& a) { a.proof.push_back(a.new_root); }},
      {"old root prepended", "too long",
       [](ConsistencyArgs& a) { a.proof.insert(a.proof.begin(), a.old_root); }},
      {"wrong old root", "root",
       [](ConsistencyArgs& a) { FlipBit(a.old_root, 7); }},
      {"wrong new root", "new root",
       [](ConsistencyArgs& a) { FlipBit(a.new_root, 8); }},
      {"roots swapped", "root",
       [](ConsistencyArgs& a) { std::swap(a.old_root, a.new_root); }},
  };
  const std::pair<uint64_t, uint64_t> kCases[] = {
      {1, 2}, {1, 8},  {2, 5},   {3, 7},    {4, 8},     {6, 8},   {7, 8},
      {8, 9}, {5, 13}, {64, 65}, {63, 130}, {100, 129}, {1, 130}, {128, 130}};
  for (const auto& [old_size, new_size] : kCases) {
    const ConsistencyArgs good{old_size, new_size,
                               Must(ConsistencyProof(tree, old_size, new_size)),
                               root(old_size), root(new_size)};
    ASSERT_TRUE(good.Verify().ok()) << old_size << " " << new_size;
    for (const Mutation& m : kMutations) {
      ConsistencyArgs bad = good;
      m.mutate(bad);
      const absl::Status status = bad.Verify();
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
          << m.name << ": " << old_size << " to " << new_size;
      EXPECT_THAT(status.message(), ::testing::HasSubstr(m.why)) << m.name;
    }
    for (size_t j = 0; j < good.proof.size(); ++j) {
      for (int bit = 0; bit < 256; ++bit) {
        ConsistencyArgs bad = good;
        FlipBit(bad.proof[j], bit);
        ASSERT_FALSE(bad.Verify().ok())
            << old_size << " " << new_size << " " << j;
      }
    }
  }
}

TEST(MerkleTest, BadArgumentsAreRefused) {
  const MemoryTree tree = MakeTree(10);
  const Hash root = tree.frontier().Root();
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(InclusionProof(tree, 10, 10).status().code(), kInvalid);
  EXPECT_EQ(InclusionProof(tree, 0, 0).status().code(), kInvalid);
  EXPECT_EQ(ConsistencyProof(tree, 0, 5).status().code(), kInvalid);
  EXPECT_EQ(ConsistencyProof(tree, 6, 5).status().code(), kInvalid);
  EXPECT_EQ(VerifyInclusion(TestLeaf(0), 10, 10, {}, root).code(), kInvalid);
  EXPECT_EQ(VerifyInclusion(TestLeaf(0), 0, 0, {}, root).code(), kInvalid);
  EXPECT_EQ(VerifyConsistency(0, 10, {}, EmptyTreeRoot(), root).code(),
            kInvalid);
  EXPECT_EQ(
      VerifyConsistency(0, 0, {}, EmptyTreeRoot(), EmptyTreeRoot()).code(),
      kInvalid);
  EXPECT_EQ(VerifyConsistency(10, 9, {}, root, root).code(), kInvalid);
  EXPECT_TRUE(VerifyConsistency(10, 10, {}, root, root).ok());
  EXPECT_EQ(VerifyConsistency(10, 10, {root}, root, root).code(), kInvalid);
  EXPECT_EQ(VerifyConsistency(10, 10, {}, root, TestLeaf(0)).code(), kInvalid);
  EXPECT_EQ(VerifyConsistency(4, 10, {}, Must(RootAt(tree, 4)), root).code(),
            kInvalid);
  // Far too long: refused without trouble.
  const std::vector<Hash> huge(1000, root);
  EXPECT_EQ(VerifyInclusion(TestLeaf(3), 3, 10, huge, root).code(), kInvalid);
  EXPECT_EQ(VerifyConsistency(3, 10, huge, root, root).code(), kInvalid);
}

class FailingReader : public NodeReader {
 public:
  absl::StatusOr<Hash> ReadNode(NodeId) const override {
    return absl::UnavailableError("disk is gone");
  }
};

TEST(MerkleTest, ReaderErrorsPropagate) {
  const FailingReader failing;
  constexpr auto kUnavailable = absl::StatusCode::kUnavailable;
  EXPECT_EQ(RootAt(failing, 5).status().code(), kUnavailable);
  EXPECT_EQ(InclusionProof(failing, 1, 5).status().code(), kUnavailable);
  EXPECT_EQ(ConsistencyProof(failing, 3, 5).status().code(), kUnavailable);
  EXPECT_EQ(TreeFrontier::Load(failing, 5).status().code(), kUnavailable);
  EXPECT_TRUE(RootAt(failing, 0).ok());  // Needs no node.
  EXPECT_TRUE(TreeFrontier::Load(failing, 0).ok());
  // Nodes beyond what is stored are missing, not invented.
  const MemoryTree tree = MakeTree(10);
  constexpr auto kNotFound = absl::StatusCode::kNotFound;
  EXPECT_EQ(RootAt(tree, 11).status().code(), kNotFound);
  EXPECT_EQ(InclusionProof(tree, 0, 20).status().code(), kNotFound);
  EXPECT_EQ(ConsistencyProof(tree, 5, 12).status().code(), kNotFound);
  EXPECT_EQ(TreeFrontier::Load(tree, 12).status().code(), kNotFound);
}

TEST(TreeFrontierTest, EmitsEveryCompleteSubtreeOnce) {
  std::vector<Hash> leaves;
  std::map<std::pair<int, uint64_t>, Hash> emitted;
  TreeFrontier frontier;
  EXPECT_EQ(frontier.Root(), EmptyTreeRoot());
  for (uint64_t n = 1; n <= kSmall; ++n) {
    leaves.push_back(TestLeaf(n - 1));
    bool first = true;
    frontier.Append(leaves.back(), [&](NodeId id, const Hash& hash) {
      EXPECT_EQ(first, id.level == 0) << "the leaf comes first, and once";
      first = false;
      const uint64_t begin = id.index << id.level;
      ASSERT_LE(begin + (uint64_t{1} << id.level), n);
      EXPECT_EQ(hash, RefRoot(Leaves(leaves).subspan(begin, 1u << id.level)));
      EXPECT_TRUE(emitted.insert({{id.level, id.index}, hash}).second);
    });
    EXPECT_EQ(frontier.size(), n);
    // A tree of n leaves has 2n - popcount(n) complete subtrees.
    EXPECT_EQ(emitted.size(), 2 * n - std::popcount(n));
    EXPECT_EQ(frontier.Root(), RefRoot(leaves)) << n;
  }
}

TEST(TreeFrontierTest, LoadMatchesAppend) {
  const MemoryTree full = MakeTree(kSmall);
  for (uint64_t size :
       {0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 100, 127, 128, 129, 130}) {
    SCOPED_TRACE(size);
    absl::StatusOr<TreeFrontier> loaded = TreeFrontier::Load(full, size);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->size(), size);
    EXPECT_EQ(loaded->Root(), RefRoot(full.leaves(size)));
    // Appending to a loaded frontier emits what appending from scratch did.
    for (uint64_t i = size; i < kSmall; ++i) {
      loaded->Append(TestLeaf(i), [&](NodeId id, const Hash& hash) {
        EXPECT_EQ(hash, Must(full.ReadNode(id)));
      });
    }
    EXPECT_EQ(loaded->Root(), full.frontier().Root());
  }
}

}  // namespace
}  // namespace uuro
