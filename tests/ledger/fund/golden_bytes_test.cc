// Golden bytes: every encoding that is hashed or signed, from fixed keys, with
// the expected bytes or hashes written out here. They were computed apart
// from this code base (Python's hashlib and cryptography, from the formats in
// docs/log-format.md and docs/fund-rules.md), so a protobuf, libsodium or
// abseil upgrade that changes a serialization, or a change of our own that
// does, fails here instead of silently forking the log.
#include <gtest/gtest.h>

#include <string>

#include "ledger/fund/canonical.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tiles.h"
#include "tests/testing/temp_dir.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

constexpr char kOrigin[] = "golden.uuro.example/log";
constexpr uint64_t kExpiresAtMs = 1796240400000;

// Seeds of 32 equal bytes: 1 the log key, 2 the signer, 3 the witness, 4 the
// enrolled resident.
SecretKey FixedKey(uint8_t b) {
  const Bytes seed(kSeedSize, b);
  auto key = SecretKey::FromSeed(seed);
  EXPECT_TRUE(key.ok());
  return *std::move(key);
}

std::string Hex(ByteView b) { return ToHex(b); }
std::string Hex(const std::string& s) { return ToHex(AsBytes(s)); }

v1::TxBody EnrollBody() {
  v1::TxBody body;
  body.set_origin(kOrigin);
  body.set_nonce(7);
  body.set_expires_at_ms(kExpiresAtMs);
  body.mutable_enroll_resident()->set_key(
      PublicKeyBytes(FixedKey(4).public_key()));
  body.mutable_enroll_resident()->set_district("harbour");
  return body;
}

// The signed envelope of EnrollBody() as a LogEntry at index 5.
Bytes Entry() {
  v1::LogEntry entry;
  entry.set_index(5);
  entry.set_time_ms(kExpiresAtMs - 3'600'000);
  entry.set_envelope(
      std::string(AsString(fund::SignEnvelope(FixedKey(2), EnrollBody()))));
  return ToBytes(entry.SerializeAsString());
}

constexpr char kLeafHex[] =
    "e09e6077372188b62e73ec3569223a290771a9364d5cb60441691b69e21daf04";
constexpr char kSecondLeafHex[] =
    "85122f50469cefd261c62b11dac3a689c6b2cd8d6e810911db93d9769daadc1d";
constexpr char kRootHex[] =
    "31ad2ac77633bd909431b04dc30440c2ff5f85f163439634c4cc15376b14862b";
constexpr char kCheckpointText[] =
    "golden.uuro.example/"
    "log\n2\nMa0qx3YzvZCUMbBNwwRAwv9fhfFjQ5Y0xMwVN2sUhis=\n";

TEST(GoldenBytesTest, TransactionBodyAndItsSigningInput) {
  const std::string body = EnrollBody().SerializeAsString();
  EXPECT_EQ(Hex(body),
            "0a17676f6c64656e2e7575726f2e6578616d706c652f6c6f6710071880bd95c2a3"
            "345a2b0a20ca93ac1705187071d67b83c7ff0efe8108e8ec4530575d7726879333"
            "dbdabe7c1207686172626f7572");
  EXPECT_EQ(fund::CanonicalBytes(EnrollBody()), body);
  // What is signed: the context, then the body bytes.
  EXPECT_EQ(std::string(fund::kTxContext), "uuro/v1 transaction\n");
  const Bytes envelope = fund::SignEnvelope(FixedKey(2), EnrollBody());
  v1::Envelope decoded;
  ASSERT_TRUE(decoded.ParseFromArray(envelope.data(),
                                     static_cast<int>(envelope.size())));
  EXPECT_EQ(decoded.body(), body);
  EXPECT_EQ(Hex(decoded.signer()),
            "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394");
  EXPECT_EQ(Hex(decoded.signature()),
            "157b7ed13fda43cdaae31a54750ff8e9f4a73cdfebca66179900e1a8262700f0"
            "54d4edaa6f7955d1f0e56984af50a706b221cc70460bb85390697b537701e001");
  EXPECT_EQ(Hex(Sha256(envelope)),
            "944fbb91fc481644a4aa1e559a543a466b1e4cb5905f0b4601c3637b8762bd45");
  auto verified = fund::DecodeEnvelope(envelope);
  EXPECT_TRUE(verified.ok()) << verified.status();
}

TEST(GoldenBytesTest, LogEntryAndLeafHash) {
  const Bytes entry = Entry();
  ASSERT_EQ(entry.size(), 193u);
  EXPECT_EQ(Hex(ByteView(entry).subspan(0, 12)), "08051080e0b9c0a3341ab501");
  EXPECT_EQ(Hex(Sha256(entry)),
            "48641e2a323ccc71864ca7519eab37f091c7cb4a74769794f3cfe08d717700cb");
  EXPECT_EQ(Hex(HashLeaf(entry)), kLeafHex);
  EXPECT_EQ(Hex(HashLeaf(AsBytes("second entry"))), kSecondLeafHex);
  EXPECT_EQ(
      Hex(HashChildren(HashLeaf(entry), HashLeaf(AsBytes("second entry")))),
      kRootHex);
}

TEST(GoldenBytesTest, CheckpointNoteAndVerifierKey) {
  auto root = FromHex(kRootHex);
  ASSERT_TRUE(root.ok());
  Checkpoint cp{kOrigin, 2, {}, {}};
  std::copy(root->begin(), root->end(), cp.root.begin());
  EXPECT_EQ(FormatCheckpoint(cp), kCheckpointText);
  auto signer = NoteSigner::Create(kOrigin, FixedKey(1));
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(FormatVerifierKey(signer->verifier()),
            "golden.uuro.example/log+78977be0+"
            "AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c");
  auto note = SignCheckpoint(cp, *signer);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note,
            std::string(kCheckpointText) +
                "\n\xE2\x80\x94 golden.uuro.example/log "
                "eJd74LBKFS/TUnVk1SmOBvoRDALkIdw87R8Ly+zECLGi8t0oFaJtMnPi"
                "kvQig9KcJNete9rB3ekjrbKDxXoZWs9TLAY=\n");
}

TEST(GoldenBytesTest, Cosignature) {
  auto witness = Cosigner::Create("witness.golden.example", FixedKey(3));
  ASSERT_TRUE(witness.ok());
  EXPECT_EQ(witness->CosignatureLine(kCheckpointText, 1796240400),
            "\xE2\x80\x94 witness.golden.example "
            "K5GXJwAAAABrEHQQ5/IKD6j0vwLojwlfDIn2gHQ7aEoFrzgBxIL044GV2cm7QU/"
            "wVkntN5w9tq7eB9yusR6A9V4faMUWEieZojjlBQ==\n");
}

// Tiles, the tree root and the state digest, as a real store serves them.
TEST(GoldenBytesTest, TilesRootAndStateDigest) {
  const Bytes entry = Entry();
  const Bytes second = ToBytes("second entry");
  EXPECT_EQ(Hex(Sha256(EncodeEntryBundle({entry, second}))),
            "0354e921811116b3017c3fda2ceefddec2d025352dc27602a326e173c9ffd567");
  EXPECT_EQ(TilePath({1, 1234067, 5}), "tile/1/x001/x234/067.p/5");
  EXPECT_EQ(TilePath({TileAddress::kEntriesLevel, 0, 2}),
            "tile/entries/000.p/2");

  testing::TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("db"));
  ASSERT_TRUE(store.ok()) << store.status();
  AppendBatch batch;
  batch.entries = {entry, second};
  batch.state = {
      {"c/key", ToBytes("abc")}, {"a/1", Bytes{0x08, 0x01}}, {"b", Bytes{}}};
  ASSERT_TRUE((*store)->Append(batch, nullptr).ok());
  EXPECT_EQ(Hex((*store)->root()), kRootHex);
  auto tile = ReadTile(**store, {0, 0, 2});
  ASSERT_TRUE(tile.ok()) << tile.status();
  EXPECT_EQ(Hex(*tile), std::string(kLeafHex) + kSecondLeafHex);
  // Keys in order, each key and value after its 4-byte big-endian length.
  auto digest = fund::StateDigest(**store);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(Hex(*digest),
            "38ec42a374e441940ef2d0bfe21517e65244ee4e6ffd55ac35ca49407055ea8c");
}

}  // namespace
}  // namespace uuro
