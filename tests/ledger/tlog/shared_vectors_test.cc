// The known answers in tests/vectors/tlog_vectors.json, which the web app's
// TypeScript verification checks too: if either side changes how it hashes,
// signs or refuses, one of the two test suites fails.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "ledger/fund/receipt.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "nlohmann/json.hpp"
#include "uuro/v1/ledger.pb.h"

namespace uuro {
namespace {

using json = nlohmann::json;

const json& Vectors() {
  static const json* vectors = [] {
    std::ifstream in(UURO_VECTORS_FILE);
    std::stringstream text;
    text << in.rdbuf();
    return new json(json::parse(text.str()));
  }();
  return *vectors;
}

Bytes FromHexOrDie(const json& v) {
  absl::StatusOr<Bytes> b = FromHex(v.get<std::string>());
  EXPECT_TRUE(b.ok()) << v;
  return b.ok() ? *b : Bytes{};
}

Hash HashOf(const json& v) {
  Bytes b = FromHexOrDie(v);
  Hash h{};
  EXPECT_EQ(b.size(), h.size()) << v;
  std::copy_n(b.begin(), std::min(b.size(), h.size()), h.begin());
  return h;
}

std::vector<Hash> HashesOf(const json& list) {
  std::vector<Hash> out;
  for (const json& h : list) out.push_back(HashOf(h));
  return out;
}

PublicKey KeyOf(const json& v) {
  Bytes b = FromHexOrDie(v);
  PublicKey k{};
  EXPECT_EQ(b.size(), k.size());
  std::copy_n(b.begin(), std::min(b.size(), k.size()), k.begin());
  return k;
}

NoteVerifier VerifierOf(const json& text) {
  absl::StatusOr<NoteVerifier> v = ParseVerifierKey(text.get<std::string>());
  EXPECT_TRUE(v.ok()) << v.status();
  return *v;
}

TEST(SharedVectorsTest, FileIsThere) {
  ASSERT_TRUE(Vectors().contains("hashes")) << UURO_VECTORS_FILE;
}

TEST(SharedVectorsTest, LeafAndNodeHashes) {
  const json& h = Vectors()["hashes"];
  EXPECT_EQ(ToHex(EmptyTreeRoot()), h["empty_root"]);
  ASSERT_FALSE(h["leaves"].empty());
  for (const json& leaf : h["leaves"]) {
    EXPECT_EQ(ToHex(HashLeaf(FromHexOrDie(leaf["entry"]))), leaf["leaf_hash"]);
  }
  for (const json& node : h["nodes"]) {
    EXPECT_EQ(ToHex(HashChildren(HashOf(node["left"]), HashOf(node["right"]))),
              node["hash"]);
  }
}

TEST(SharedVectorsTest, Roots) {
  const json& leaves = Vectors()["hashes"]["leaves"];
  for (const json& r : Vectors()["roots"]) {
    TreeFrontier tree;
    for (size_t i = 0; i < r["size"].get<size_t>(); ++i) {
      tree.Append(HashOf(leaves[i]["leaf_hash"]), {});
    }
    EXPECT_EQ(ToHex(tree.Root()), r["root"]) << "size " << r["size"];
  }
}

TEST(SharedVectorsTest, InclusionProofs) {
  ASSERT_FALSE(Vectors()["inclusion"].empty());
  for (const json& c : Vectors()["inclusion"]) {
    absl::Status s = VerifyInclusion(
        HashOf(c["leaf_hash"]), c["index"].get<uint64_t>(),
        c["size"].get<uint64_t>(), HashesOf(c["proof"]), HashOf(c["root"]));
    EXPECT_EQ(s.ok(), c["valid"].get<bool>()) << c["name"] << ": " << s;
  }
}

TEST(SharedVectorsTest, ConsistencyProofs) {
  ASSERT_FALSE(Vectors()["consistency"].empty());
  for (const json& c : Vectors()["consistency"]) {
    absl::Status s = VerifyConsistency(
        c["old_size"].get<uint64_t>(), c["new_size"].get<uint64_t>(),
        HashesOf(c["proof"]), HashOf(c["old_root"]), HashOf(c["new_root"]));
    EXPECT_EQ(s.ok(), c["valid"].get<bool>()) << c["name"] << ": " << s;
  }
}

TEST(SharedVectorsTest, VerifierKeys) {
  for (const json& k : Vectors()["verifier_keys"]) {
    absl::StatusOr<NoteVerifier> v =
        ParseVerifierKey(k["text"].get<std::string>());
    ASSERT_EQ(v.ok(), k["valid"].get<bool>())
        << k["text"] << ": " << v.status();
    if (!v.ok()) continue;
    EXPECT_EQ(v->name(), k["name"]);
    EXPECT_EQ(absl::StrFormat("%08x", v->key_id()), k["key_id"]);
    EXPECT_EQ(ToHex(v->key()), k["public_key"]);
    EXPECT_EQ(FormatVerifierKey(*v), k["text"]);
  }
}

TEST(SharedVectorsTest, Checkpoints) {
  ASSERT_FALSE(Vectors()["checkpoints"].empty());
  for (const json& c : Vectors()["checkpoints"]) {
    absl::StatusOr<Checkpoint> cp =
        OpenCheckpoint(c["note"].get<std::string>(), VerifierOf(c["key"]),
                       c["origin"].get<std::string>());
    ASSERT_EQ(cp.ok(), c["valid"].get<bool>())
        << c["name"] << ": " << cp.status();
    if (!cp.ok()) continue;
    EXPECT_EQ(cp->size, c["size"].get<uint64_t>()) << c["name"];
    EXPECT_EQ(ToHex(cp->root), c["root"]) << c["name"];
  }
}

TEST(SharedVectorsTest, Cosignatures) {
  const json& v = Vectors()["cosignatures"];
  for (const json& k : v["cosigner_keys"]) {
    PublicKey key = KeyOf(k["public_key"]);
    std::string name = k["name"];
    EXPECT_EQ(absl::StrFormat("%08x", CosignerKeyId(name, key)), k["key_id"]);
    EXPECT_EQ(FormatCosignerKey(name, key), k["text"]);
  }
  NoteVerifier log = VerifierOf(v["log_key"]);
  for (const json& c : v["cases"]) {
    absl::StatusOr<Note> note =
        OpenNote(c["note"].get<std::string>(), std::vector<NoteVerifier>{log});
    ASSERT_TRUE(note.ok()) << c["name"] << ": " << note.status();
    std::vector<PublicKey> council;
    for (const json& k : c["council_keys"]) council.push_back(KeyOf(k));
    std::vector<Cosignature> got =
        VerifyCosignatures(note->text, note->unverified, council);
    ASSERT_EQ(got.size(), c["expected"].size()) << c["name"];
    for (size_t i = 0; i < got.size(); ++i) {
      const json& want = c["expected"][i];
      EXPECT_EQ(got[i].name, want["name"]) << c["name"];
      EXPECT_EQ(ToHex(got[i].key), want["public_key"]) << c["name"];
      EXPECT_EQ(got[i].timestamp, want["timestamp"].get<uint64_t>())
          << c["name"];
    }
  }
}

TEST(SharedVectorsTest, Receipts) {
  const json& v = Vectors()["receipts"];
  NoteVerifier log = VerifierOf(v["log_key"]);
  ASSERT_FALSE(v["cases"].empty());
  for (const json& c : v["cases"]) {
    v1::Receipt r;
    r.set_index(c["index"].get<uint64_t>());
    r.set_leaf_hash(std::string(AsString(FromHexOrDie(c["leaf_hash"]))));
    r.set_entry(std::string(AsString(FromHexOrDie(c["entry"]))));
    r.set_checkpoint(c["checkpoint"].get<std::string>());
    for (const json& h : c["inclusion_proof"]) {
      r.add_inclusion_proof(std::string(AsString(FromHexOrDie(h))));
    }
    absl::StatusOr<Checkpoint> cp =
        VerifyReceipt(r, log, v["origin"].get<std::string>());
    EXPECT_EQ(cp.ok(), c["valid"].get<bool>())
        << c["name"] << ": " << cp.status();
  }
}

TEST(SharedVectorsTest, TransactionSignature) {
  const json& v = Vectors()["transaction"];
  absl::StatusOr<SecretKey> key = SecretKey::FromSeed(FromHexOrDie(v["seed"]));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ToHex(key->public_key()), v["public_key"]);
  EXPECT_EQ(v["context"], fund::kTxContext);
  Signature sig = key->Sign(fund::kTxContext, FromHexOrDie(v["body"]));
  EXPECT_EQ(ToHex(sig), v["signature"]);
  for (const json& c : v["envelopes"]) {
    absl::StatusOr<fund::VerifiedTx> tx =
        fund::DecodeEnvelope(FromHexOrDie(c["envelope"]));
    EXPECT_EQ(tx.ok(), c["valid"].get<bool>())
        << c["name"] << ": " << tx.status();
  }
}

TEST(SharedVectorsTest, SecretKeyTexts) {
  for (const json& t : Vectors()["transaction"]["secret_key_texts"]) {
    absl::StatusOr<SecretKey> key =
        ParseSecretKeyText(t["text"].get<std::string>());
    ASSERT_EQ(key.ok(), !t["seed"].is_null()) << t["text"];
    if (key.ok()) {
      EXPECT_EQ(ToHex(key->seed()), t["seed"]);
    }
  }
}

}  // namespace
}  // namespace uuro
