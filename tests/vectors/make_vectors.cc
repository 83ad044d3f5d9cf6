// Writes tests/vectors/tlog_vectors.json: known answers for the Merkle tree,
// signed notes, checkpoints, cosignatures, receipts and transactions, made
// with the ledger's own C++ code. The C++ tests (shared_vectors_test.cc) and
// the web app's TypeScript tests (clients/web/test/unit/verify.test.ts) both
// check every answer in it, so the two implementations cannot drift apart.
//
// The file is committed; regenerate it only when a format changes:
//   cmake --build build --target uuro-make-vectors
//   build/tests/uuro-make-vectors > tests/vectors/tlog_vectors.json
// Every key is made from a fixed seed and Ed25519 is deterministic, so the
// output is the same on every run.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "ledger/fund/receipt.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "nlohmann/json.hpp"
#include "tests/testing/memory_tree.h"
#include "uuro/v1/ledger.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using json = nlohmann::ordered_json;
using testing::MemoryTree;

template <typename T>
T Must(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::cerr << v.status() << "\n";
    std::exit(1);
  }
  return std::move(*v);
}

SecretKey KeyFromByte(uint8_t b) {
  Bytes seed(kSeedSize);
  for (size_t i = 0; i < seed.size(); ++i)
    seed[i] = static_cast<uint8_t>(b + i);
  return Must(SecretKey::FromSeed(seed));
}

std::string Hex(ByteView b) { return ToHex(b); }
std::string Hex(std::string_view s) { return ToHex(AsBytes(s)); }

json HexList(const std::vector<Hash>& hashes) {
  json out = json::array();
  for (const Hash& h : hashes) out.push_back(Hex(h));
  return out;
}

Hash Flip(Hash h) {
  h[0] ^= 0x01;
  return h;
}

// Entry i of the tree the Merkle vectors use: short, distinct, and of
// varying length so that no length is special.
Bytes Entry(uint64_t i) {
  Bytes e = ToBytes("uuro vector entry ");
  for (uint64_t k = 0; k <= i; ++k)
    e.push_back(static_cast<uint8_t>(i * 7 + k));
  return e;
}

constexpr uint64_t kLeaves = 10;

json Hashes() {
  json out;
  out["empty_root"] = Hex(EmptyTreeRoot());
  json leaves = json::array();
  for (uint64_t i = 0; i < kLeaves; ++i) {
    leaves.push_back(
        {{"entry", Hex(Entry(i))}, {"leaf_hash", Hex(HashLeaf(Entry(i)))}});
  }
  out["leaves"] = leaves;
  json nodes = json::array();
  for (uint64_t i = 0; i + 1 < 4; ++i) {
    Hash l = HashLeaf(Entry(i));
    Hash r = HashLeaf(Entry(i + 1));
    nodes.push_back({{"left", Hex(l)},
                     {"right", Hex(r)},
                     {"hash", Hex(HashChildren(l, r))}});
  }
  out["nodes"] = nodes;
  return out;
}

MemoryTree Tree(uint64_t size) {
  MemoryTree tree;
  for (uint64_t i = 0; i < size; ++i) tree.Append(HashLeaf(Entry(i)));
  return tree;
}

Hash RootOf(uint64_t size) {
  if (size == 0) return EmptyTreeRoot();
  return Must(RootAt(Tree(kLeaves), size));
}

json Roots() {
  json out = json::array();
  for (uint64_t n = 0; n <= kLeaves; ++n) {
    out.push_back({{"size", n}, {"root", Hex(RootOf(n))}});
  }
  return out;
}

json InclusionCase(const std::string& name, const Hash& leaf, uint64_t index,
                   uint64_t size, const std::vector<Hash>& proof,
                   const Hash& root) {
  bool valid = VerifyInclusion(leaf, index, size, proof, root).ok();
  return {{"name", name},  {"leaf_hash", Hex(leaf)},  {"index", index},
          {"size", size},  {"proof", HexList(proof)}, {"root", Hex(root)},
          {"valid", valid}};
}

json Inclusion() {
  MemoryTree tree = Tree(kLeaves);
  json out = json::array();
  const std::pair<uint64_t, uint64_t> cases[] = {
      {0, 1}, {0, 2}, {1, 2}, {2, 3},  {0, 7}, {3, 7},
      {6, 7}, {4, 8}, {7, 8}, {5, 10}, {9, 10}};
  for (auto [index, size] : cases) {
    Hash leaf = HashLeaf(Entry(index));
    Hash root = RootOf(size);
    std::vector<Hash> proof = Must(InclusionProof(tree, index, size));
    std::string at =
        "leaf " + std::to_string(index) + " of " + std::to_string(size);
    out.push_back(InclusionCase(at, leaf, index, size, proof, root));
    if (index == 5 || index == 3) {
      if (!proof.empty()) {
        std::vector<Hash> flipped = proof;
        flipped[0] = Flip(flipped[0]);
        out.push_back(InclusionCase(at + ", a proof hash altered", leaf, index,
                                    size, flipped, root));
        std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
        out.push_back(InclusionCase(at + ", a proof hash missing", leaf, index,
                                    size, shorter, root));
      }
      std::vector<Hash> longer = proof;
      longer.push_back(leaf);
      out.push_back(InclusionCase(at + ", an extra proof hash", leaf, index,
                                  size, longer, root));
      out.push_back(InclusionCase(at + ", the wrong index", leaf, index + 1,
                                  size, proof, root));
      // A tree of size + 1 can share the proof shape; twice the size cannot.
      out.push_back(InclusionCase(at + ", the wrong size", leaf, index,
                                  2 * size, proof, root));
      out.push_back(InclusionCase(at + ", the wrong leaf", Flip(leaf), index,
                                  size, proof, root));
      out.push_back(InclusionCase(at + ", the wrong root", leaf, index, size,
                                  proof, Flip(root)));
    }
  }
  out.push_back(InclusionCase("index not below size", HashLeaf(Entry(3)), 3, 3,
                              {}, RootOf(3)));
  return out;
}

json ConsistencyCase(const std::string& name, uint64_t old_size,
                     uint64_t new_size, const std::vector<Hash>& proof,
                     const Hash& old_root, const Hash& new_root) {
  bool valid =
      VerifyConsistency(old_size, new_size, proof, old_root, new_root).ok();
  return {{"name", name},
          {"old_size", old_size},
          {"new_size", new_size},
          {"proof", HexList(proof)},
          {"old_root", Hex(old_root)},
          {"new_root", Hex(new_root)},
          {"valid", valid}};
}

json Consistency() {
  MemoryTree tree = Tree(kLeaves);
  json out = json::array();
  const std::pair<uint64_t, uint64_t> cases[] = {
      {1, 1}, {1, 2},  {1, 8}, {2, 5},  {3, 7},
      {4, 8}, {4, 10}, {6, 8}, {7, 10}, {10, 10}};
  for (auto [m, n] : cases) {
    std::vector<Hash> proof = Must(ConsistencyProof(tree, m, n));
    Hash old_root = RootOf(m);
    Hash new_root = RootOf(n);
    std::string at = std::to_string(m) + " to " + std::to_string(n);
    out.push_back(ConsistencyCase(at, m, n, proof, old_root, new_root));
    if ((m == 3 && n == 7) || (m == 4 && n == 10)) {
      std::vector<Hash> flipped = proof;
      flipped.back() = Flip(flipped.back());
      out.push_back(ConsistencyCase(at + ", a proof hash altered", m, n,
                                    flipped, old_root, new_root));
      std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
      out.push_back(ConsistencyCase(at + ", a proof hash missing", m, n,
                                    shorter, old_root, new_root));
      std::vector<Hash> longer = proof;
      longer.push_back(old_root);
      out.push_back(ConsistencyCase(at + ", an extra proof hash", m, n, longer,
                                    old_root, new_root));
      out.push_back(ConsistencyCase(at + ", the wrong old size", m - 1, n,
                                    proof, old_root, new_root));
      out.push_back(ConsistencyCase(at + ", the wrong new size", m, 2 * n,
                                    proof, old_root, new_root));
      out.push_back(ConsistencyCase(at + ", the wrong old root", m, n, proof,
                                    Flip(old_root), new_root));
      out.push_back(ConsistencyCase(at + ", the wrong new root", m, n, proof,
                                    old_root, Flip(new_root)));
    }
  }
  out.push_back(ConsistencyCase("from the empty tree", 0, 3, {},
                                EmptyTreeRoot(), RootOf(3)));
  out.push_back(ConsistencyCase("old size above new size", 5, 4, {}, RootOf(5),
                                RootOf(4)));
  out.push_back(ConsistencyCase("equal sizes, different roots", 4, 4, {},
                                RootOf(4), RootOf(5)));
  out.push_back(ConsistencyCase("equal sizes with a proof", 4, 4, {RootOf(1)},
                                RootOf(4), RootOf(4)));
  return out;
}

constexpr char kOrigin[] = "vectors.uuro.example/log";

json VerifierKeys() {
  json out = json::array();
  for (uint8_t b : {0x10, 0x20}) {
    NoteSigner signer = Must(
        NoteSigner::Create(b == 0x10 ? kOrigin : "other-log", KeyFromByte(b)));
    NoteVerifier v = signer.verifier();
    std::string text = FormatVerifierKey(v);
    out.push_back({{"text", text},
                   {"valid", true},
                   {"name", v.name()},
                   {"key_id", absl::StrFormat("%08x", v.key_id())},
                   {"public_key", Hex(v.key())}});
    std::string wrong_id = text;
    size_t plus = wrong_id.find('+');
    wrong_id[plus + 1] = wrong_id[plus + 1] == '0' ? '1' : '0';
    out.push_back({{"text", wrong_id}, {"valid", false}});
    std::string upper = text;
    for (size_t i = plus + 1; i < plus + 9; ++i)
      upper[i] = static_cast<char>(std::toupper(upper[i]));
    if (upper != text) out.push_back({{"text", upper}, {"valid", false}});
  }
  out.push_back({{"text", "no-plus-signs"}, {"valid", false}});
  out.push_back({{"text", "name+00000000+AQ=="}, {"valid", false}});
  PublicKey pub = KeyFromByte(0x10).public_key();
  out.push_back(
      {{"text", FormatCosignerKey("witness", pub)}, {"valid", false}});
  return out;
}

// Replaces the first occurrence of `from` in `s`.
std::string Replace(std::string s, std::string_view from, std::string_view to) {
  size_t at = s.find(from);
  if (at == std::string::npos) {
    std::cerr << "no " << from << " in " << s << "\n";
    std::exit(1);
  }
  return s.replace(at, from.size(), to);
}

json CheckpointCase(const std::string& name, const std::string& note,
                    const NoteVerifier& key, const std::string& origin) {
  absl::StatusOr<Checkpoint> cp = OpenCheckpoint(note, key, origin);
  json out = {{"name", name},
              {"note", note},
              {"key", FormatVerifierKey(key)},
              {"origin", origin},
              {"valid", cp.ok()}};
  if (cp.ok()) {
    out["size"] = cp->size;
    out["root"] = Hex(cp->root);
  }
  return out;
}

json Checkpoints() {
  NoteSigner log = Must(NoteSigner::Create(kOrigin, KeyFromByte(0x10)));
  NoteSigner other = Must(NoteSigner::Create("other-log", KeyFromByte(0x20)));
  Checkpoint cp{kOrigin, 7, RootOf(7), {}};
  std::string note = Must(SignCheckpoint(cp, log));
  std::string root_b64 = Base64Encode(cp.root);
  json out = json::array();
  out.push_back(
      CheckpointCase("signed by the log", note, log.verifier(), kOrigin));
  out.push_back(CheckpointCase("tree size altered",
                               Replace(note, "\n7\n", "\n8\n"), log.verifier(),
                               kOrigin));
  out.push_back(
      CheckpointCase("signed by another key", note, other.verifier(), kOrigin));
  out.push_back(CheckpointCase("expected another origin", note, log.verifier(),
                               "another.example/log"));
  Checkpoint foreign{"another.example/log", 7, RootOf(7), {}};
  out.push_back(CheckpointCase("for another origin, signed by the log",
                               Must(SignCheckpoint(foreign, log)),
                               log.verifier(), kOrigin));
  const NoteSigner* both[] = {&other, &log};
  out.push_back(CheckpointCase("signed by another key and the log",
                               Must(SignNote(FormatCheckpoint(cp), both)),
                               log.verifier(), kOrigin));
  std::string sig_line = note.substr(note.rfind("\n\n") + 2);
  std::string bad_sig =
      note.substr(0, note.rfind("\n\n") + 2) +
      Replace(sig_line, sig_line.substr(sig_line.size() - 6, 5), "AAAAA");
  out.push_back(
      CheckpointCase("signature altered", bad_sig, log.verifier(), kOrigin));
  out.push_back(CheckpointCase("no blank line", Replace(note, "\n\n", "\n"),
                               log.verifier(), kOrigin));
  out.push_back(CheckpointCase(
      "tree size with a leading zero",
      Must(SignNote(std::string(kOrigin) + "\n07\n" + root_b64 + "\n",
                    std::vector<const NoteSigner*>{&log})),
      log.verifier(), kOrigin));
  out.push_back(
      CheckpointCase("with an extension line",
                     Must(SignNote(FormatCheckpoint(cp) + "extension\n",
                                   std::vector<const NoteSigner*>{&log})),
                     log.verifier(), kOrigin));
  return out;
}

json Cosignatures() {
  NoteSigner log = Must(NoteSigner::Create(kOrigin, KeyFromByte(0x10)));
  Cosigner w1 = Must(Cosigner::Create("witness-one", KeyFromByte(0x31)));
  Cosigner w2 = Must(Cosigner::Create("witness-two", KeyFromByte(0x32)));
  Cosigner stranger =
      Must(Cosigner::Create("witness-stranger", KeyFromByte(0x33)));
  Checkpoint cp{kOrigin, 7, RootOf(7), {}};
  std::string text = FormatCheckpoint(cp);
  std::string note = Must(SignCheckpoint(cp, log));
  json council = json::array({Hex(w1.public_key()), Hex(w2.public_key())});
  json keys = json::array();
  for (const Cosigner* c : {&w1, &w2, &stranger}) {
    keys.push_back(
        {{"name", c->name()},
         {"public_key", Hex(c->public_key())},
         {"key_id",
          absl::StrFormat("%08x", CosignerKeyId(c->name(), c->public_key()))},
         {"text", FormatCosignerKey(c->name(), c->public_key())}});
  }
  std::string l1 = w1.CosignatureLine(text, 1700000000);
  std::string l2 = w2.CosignatureLine(text, 1700000100);
  std::string l1_later = w1.CosignatureLine(text, 1700000200);
  std::string l3 = stranger.CosignatureLine(text, 1700000300);
  std::string other_text =
      FormatCheckpoint(Checkpoint{kOrigin, 8, RootOf(8), {}});
  std::string l2_other = w2.CosignatureLine(other_text, 1700000400);
  // The signature bytes of l2 under w1's name: the key id no longer matches.
  std::string l2_renamed = Replace(l2, "witness-two", "witness-one");
  // l1 with its timestamp changed: the signature no longer covers it.
  std::string l1_b64 = l1.substr(l1.rfind(' ') + 1);
  l1_b64.pop_back();
  Bytes l1_blob = Must(Base64Decode(l1_b64));
  l1_blob[4 + 7] ^= 1;
  std::string l1_retimed = Replace(l1, l1_b64, Base64Encode(l1_blob));
  json cases = json::array();
  auto add = [&](const std::string& name, const std::string& lines) {
    std::string full = note + lines;
    Note opened =
        Must(OpenNote(full, std::vector<NoteVerifier>{log.verifier()}));
    std::vector<PublicKey> council_keys = {w1.public_key(), w2.public_key()};
    std::vector<Cosignature> got =
        VerifyCosignatures(opened.text, opened.unverified, council_keys);
    json expected = json::array();
    for (const Cosignature& c : got) {
      expected.push_back({{"name", c.name},
                          {"public_key", Hex(c.key)},
                          {"timestamp", c.timestamp}});
    }
    cases.push_back({{"name", name},
                     {"note", full},
                     {"council_keys", council},
                     {"expected", expected}});
  };
  add("two council cosignatures", l1 + l2);
  add("none", "");
  add("one key twice: the first counts", l1 + l1_later + l2);
  add("a key outside the council is skipped", l3 + l1);
  add("a cosignature over another checkpoint is skipped", l2_other + l1);
  add("a cosignature under the wrong name is skipped", l2_renamed);
  add("a cosignature with an altered timestamp is skipped", l1_retimed + l2);
  return {{"log_key", FormatVerifierKey(log.verifier())},
          {"origin", kOrigin},
          {"cosigner_keys", keys},
          {"cases", cases}};
}

json ReceiptCase(const std::string& name, const v1::Receipt& r,
                 const NoteVerifier& key) {
  json proof = json::array();
  for (const std::string& h : r.inclusion_proof()) proof.push_back(Hex(h));
  absl::StatusOr<Checkpoint> cp = VerifyReceipt(r, key, kOrigin);
  return {{"name", name},
          {"index", r.index()},
          {"leaf_hash", Hex(r.leaf_hash())},
          {"entry", Hex(r.entry())},
          {"checkpoint", r.checkpoint()},
          {"inclusion_proof", proof},
          {"valid", cp.ok()}};
}

json Receipts() {
  NoteSigner log = Must(NoteSigner::Create(kOrigin, KeyFromByte(0x10)));
  // A log of real entries: LogEntry messages holding signed envelopes.
  SecretKey resident = KeyFromByte(0x40);
  MemoryTree tree;
  std::vector<std::string> entries;
  for (uint64_t i = 0; i < 6; ++i) {
    v1::TxBody body;
    body.set_origin(kOrigin);
    body.set_nonce(i);
    body.set_expires_at_ms(1700086400000);
    body.mutable_award()->set_round_id(1);
    body.mutable_award()->set_initiative_id(i + 1);
    body.mutable_award()->set_amount(10);
    v1::LogEntry entry;
    entry.set_index(i);
    entry.set_time_ms(1700000000000 + i);
    Bytes envelope = fund::SignEnvelope(resident, body);
    entry.set_envelope(std::string(AsString(envelope)));
    entries.push_back(entry.SerializeAsString());
    tree.Append(HashLeaf(AsBytes(entries.back())));
  }
  const uint64_t index = 4;
  Checkpoint cp{kOrigin, tree.size(), tree.Root(), {}};
  v1::Receipt r;
  r.set_index(index);
  r.set_entry(entries[index]);
  Hash leaf = HashLeaf(AsBytes(entries[index]));
  r.set_leaf_hash(std::string(AsString(leaf)));
  r.set_checkpoint(Must(SignCheckpoint(cp, log)));
  for (const Hash& h : Must(InclusionProof(tree, index, tree.size()))) {
    r.add_inclusion_proof(std::string(AsString(h)));
  }
  json out = json::array();
  out.push_back(ReceiptCase("as the log gave it", r, log.verifier()));
  v1::Receipt bad = r;
  bad.mutable_inclusion_proof(0)->at(0) ^= 1;
  out.push_back(ReceiptCase("a proof hash altered", bad, log.verifier()));
  bad = r;
  bad.set_index(index + 1);
  out.push_back(ReceiptCase("another index", bad, log.verifier()));
  bad = r;
  bad.set_checkpoint(Replace(r.checkpoint(), "\n6\n", "\n5\n"));
  out.push_back(ReceiptCase("checkpoint altered", bad, log.verifier()));
  bad = r;
  bad.set_checkpoint(
      Must(SignCheckpoint(Checkpoint{kOrigin, 5, tree.Root(), {}}, log)));
  out.push_back(
      ReceiptCase("signed checkpoint of another size", bad, log.verifier()));
  bad = r;
  bad.mutable_entry()->back() ^= 1;
  out.push_back(ReceiptCase("entry altered", bad, log.verifier()));
  bad = r;
  bad.mutable_entry()->back() ^= 1;
  Hash bad_leaf = HashLeaf(AsBytes(bad.entry()));
  bad.set_leaf_hash(std::string(AsString(bad_leaf)));
  out.push_back(
      ReceiptCase("entry and leaf hash altered", bad, log.verifier()));
  bad = r;
  bad.mutable_inclusion_proof(0)->pop_back();
  out.push_back(ReceiptCase("a proof hash of 31 bytes", bad, log.verifier()));
  bad = r;
  bad.set_checkpoint(Must(SignCheckpoint(
      cp, Must(NoteSigner::Create(kOrigin, KeyFromByte(0x20))))));
  out.push_back(
      ReceiptCase("checkpoint signed by another key", bad, log.verifier()));
  return {{"log_key", FormatVerifierKey(log.verifier())},
          {"origin", kOrigin},
          {"cases", out}};
}

json Transactions() {
  SecretKey key = KeyFromByte(0x40);
  v1::TxBody body;
  body.set_origin(kOrigin);
  body.set_nonce(3);
  body.set_expires_at_ms(1700086400000);
  body.mutable_award()->set_round_id(2);
  body.mutable_award()->set_initiative_id(5);
  body.mutable_award()->set_amount(25);
  std::string body_bytes = body.SerializeAsString();
  Signature sig = key.Sign(fund::kTxContext, AsBytes(body_bytes));
  Bytes envelope = fund::SignEnvelope(key, body);
  json cases = json::array();
  auto add = [&](const std::string& name, const Bytes& bytes) {
    cases.push_back({{"name", name},
                     {"envelope", Hex(bytes)},
                     {"valid", fund::DecodeEnvelope(bytes).ok()}});
  };
  add("as signed", envelope);
  v1::Envelope e;
  e.ParseFromArray(envelope.data(), static_cast<int>(envelope.size()));
  v1::Envelope altered = e;
  (*altered.mutable_signature())[10] ^= 1;
  add("signature altered", ToBytes(altered.SerializeAsString()));
  altered = e;
  v1::TxBody other = body;
  other.set_nonce(4);
  altered.set_body(other.SerializeAsString());
  add("body altered", ToBytes(altered.SerializeAsString()));
  altered = e;
  altered.set_signer(PublicKeyBytes(KeyFromByte(0x41).public_key()));
  add("another signer", ToBytes(altered.SerializeAsString()));
  Bytes unknown = envelope;
  unknown.insert(unknown.end(), {0x20, 0x01});  // Field 4, varint 1.
  add("an unknown field", unknown);
  std::string key_text = SecretKeyText(key);
  json texts = json::array();
  auto add_text = [&](const std::string& text) {
    absl::StatusOr<SecretKey> k = ParseSecretKeyText(text);
    texts.push_back({{"text", text},
                     {"seed", k.ok() ? json(Hex(k->seed())) : json(nullptr)}});
  };
  add_text(key_text);
  add_text("\r\n  " + absl::StrReplaceAll(key_text, {{"\n", "\r\n"}}) +
           "\r\n\r\n");
  add_text("\tuuro  ed25519 secret key v1\n\n" +
           key_text.substr(key_text.find('\n') + 1));
  add_text(key_text.substr(key_text.find('\n') + 1));
  add_text(Replace(key_text, "v1", "v2"));
  add_text(Replace(key_text, "=\n", "\n"));
  add_text(key_text + "extra\n");
  add_text("uuro ed25519 secret key v1\nAAAA\n");
  return {{"seed", Hex(key.seed())},     {"public_key", Hex(key.public_key())},
          {"context", fund::kTxContext}, {"body", Hex(body_bytes)},
          {"signature", Hex(sig)},       {"envelopes", cases},
          {"secret_key_texts", texts}};
}

}  // namespace
}  // namespace uuro

int main() {
  using namespace uuro;
  InitCrypto();
  json out;
  out["about"] =
      "Known answers shared by the C++ and TypeScript tests; made by "
      "tests/vectors/make_vectors.cc (see there to regenerate). Byte strings "
      "are lowercase hex.";
  out["hashes"] = Hashes();
  out["roots"] = Roots();
  out["inclusion"] = Inclusion();
  out["consistency"] = Consistency();
  out["verifier_keys"] = VerifierKeys();
  out["checkpoints"] = Checkpoints();
  out["cosignatures"] = Cosignatures();
  out["receipts"] = Receipts();
  out["transaction"] = Transactions();
  std::cout << out.dump(2) << "\n";
  return 0;
}
