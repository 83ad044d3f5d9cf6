// Randomly corrupted envelopes and log entries, from a fixed seed: the rules
// never crash on them, never accept them, and never change the state. An
// envelope is signed bytes, so no corruption of one that is already logged
// can be a new valid transaction; only the unchanged bytes may come back, as
// a duplicate. Corrupt bodies signed again are the one place a variant may
// be valid; there the test asks that it is applied whole and replays.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/state_view.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/keys.h"
#include "tests/testing/fund_harness.h"
#include "tests/testing/temp_dir.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using testing::FundHarness;

constexpr uint64_t kSeed = 0x75'75'72'6f'2d'66'7a'31;  // Fixed: reproducible.
constexpr int kVariantsPerEnvelope = 600;
constexpr int kResignedVariantsPerEnvelope = 300;
constexpr int kRandomEntries = 3000;
constexpr int kVariantsPerEntry = 150;

std::string KeyStr(const PublicKey& key) {
  return std::string(key.begin(), key.end());
}

void MustSubmit(FundHarness& h, const SecretKey& signer, v1::TxBody body) {
  absl::StatusOr<fund::ApplyResult> result = h.Submit(signer, body);
  EXPECT_TRUE(result.ok()) << result.status() << " for "
                           << body.ShortDebugString();
}

// A fund whose log holds every kind of payload, genesis included. Returns
// the residents' keys (the harness holds the others).
std::vector<SecretKey> BuildFund(FundHarness& h) {
  std::vector<SecretKey> residents;
  v1::TxBody districts;
  districts.mutable_define_districts()->add_names("old town");
  MustSubmit(h, h.steward(), districts);
  residents.push_back(h.EnrollNew("north"));
  residents.push_back(h.EnrollNew("south"));
  residents.push_back(SecretKey::Generate());  // Takes over from bob.
  const SecretKey& alice = residents[0];
  const SecretKey& bob = residents[1];
  uint64_t init = h.Propose(alice, "north");
  uint64_t round = h.OpenRound(100, 50, 10, /*duration_ms=*/1000);
  MustSubmit(h, bob, FundHarness::Award(round, init, 40));
  MustSubmit(h, bob, FundHarness::Withdraw(round, init, 5));
  v1::TxBody report;
  report.mutable_post_report()->set_initiative_id(init);
  report.mutable_post_report()->set_text("Shelves are up.\nThanks!");
  report.mutable_post_report()->set_attachments_sha256(std::string(32, 'h'));
  MustSubmit(h, alice, report);
  v1::TxBody suspend;
  suspend.mutable_suspend_initiative()->set_initiative_id(init);
  suspend.mutable_suspend_initiative()->set_reason("Under review");
  MustSubmit(h, h.steward(), suspend);
  v1::TxBody reinstate;
  reinstate.mutable_reinstate_initiative()->set_initiative_id(init);
  reinstate.mutable_reinstate_initiative()->set_reason("Review done");
  MustSubmit(h, h.steward(), reinstate);
  h.now_ms += 1000;
  MustSubmit(h, h.steward(), FundHarness::CloseRound(round));
  MustSubmit(h, alice, FundHarness::RequestRedemption(init, 10));
  absl::StatusOr<fund::ApplyResult> pending =
      h.Submit(alice, FundHarness::RequestRedemption(init, 12));
  EXPECT_TRUE(pending.ok()) << pending.status();
  if (!pending.ok()) return residents;
  v1::TxBody approve;
  approve.mutable_approve_redemption()->set_request_id(pending->index);
  MustSubmit(h, h.council(), approve);
  v1::TxBody settle;
  settle.mutable_settle_redemption()->set_request_id(pending->index);
  settle.mutable_settle_redemption()->set_payment_reference("PAY-7");
  MustSubmit(h, h.steward(), settle);
  pending = h.Submit(alice, FundHarness::RequestRedemption(init, 11));
  EXPECT_TRUE(pending.ok()) << pending.status();
  if (!pending.ok()) return residents;
  v1::TxBody reject;
  reject.mutable_reject_redemption()->set_request_id(pending->index);
  reject.mutable_reject_redemption()->set_reason("No invoice");
  MustSubmit(h, h.steward(), reject);
  v1::TxBody revoke;
  revoke.mutable_revoke_resident()->set_key(KeyStr(bob.public_key()));
  revoke.mutable_revoke_resident()->set_replacement_key(
      KeyStr(residents[2].public_key()));
  revoke.mutable_revoke_resident()->set_reason_code(v1::REVOCATION_KEY_LOST);
  MustSubmit(h, h.steward(), revoke);
  return residents;
}

// The stored entries and the envelopes they carry, in log order.
struct Logged {
  std::vector<Bytes> entries;
  std::vector<Bytes> envelopes;
};

Logged ReadLog(const LogStore& store) {
  Logged log;
  for (uint64_t i = 0; i < store.size(); ++i) {
    absl::StatusOr<Bytes> entry = store.ReadEntry(i);
    EXPECT_TRUE(entry.ok()) << entry.status();
    if (!entry.ok()) continue;
    v1::LogEntry decoded;
    EXPECT_TRUE(
        decoded.ParseFromArray(entry->data(), static_cast<int>(entry->size())));
    log.entries.push_back(*entry);
    log.envelopes.push_back(ToBytes(decoded.envelope()));
  }
  return log;
}

// Byte-level corruptions of the kinds a network, a disk or a fuzzer makes.
class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  // Below(n) is uniform in [0, n); n must be positive.
  uint64_t Below(uint64_t n) {
    return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_);
  }
  uint8_t RandomByte() { return static_cast<uint8_t>(Below(256)); }
  Bytes RandomBytes(size_t n) {
    Bytes out(n);
    for (uint8_t& b : out) b = RandomByte();
    return out;
  }

  // A corruption of `in`; `other` is another valid message to splice with.
  Bytes Mutate(const Bytes& in, const Bytes& other) {
    Bytes out = in;
    const size_t n = out.size();
    switch (n == 0 ? 5 : Below(10)) {
      case 0:  // Flip one to four bits.
        for (uint64_t k = 1 + Below(4); k > 0; --k) {
          out[Below(n)] ^= static_cast<uint8_t>(1u << Below(8));
        }
        break;
      case 1:  // Overwrite one to four bytes.
        for (uint64_t k = 1 + Below(4); k > 0; --k)
          out[Below(n)] = RandomByte();
        break;
      case 2:  // Truncate.
        out.resize(Below(n));
        break;
      case 3: {  // Insert one to eight random bytes.
        Bytes extra = RandomBytes(1 + Below(8));
        out.insert(out.begin() + Below(n + 1), extra.begin(), extra.end());
        break;
      }
      case 4: {  // Erase a range.
        size_t pos = Below(n);
        size_t len = 1 + Below(std::min<size_t>(n - pos, 64));
        out.erase(out.begin() + pos, out.begin() + pos + len);
        break;
      }
      case 5: {  // Append random bytes.
        Bytes extra = RandomBytes(1 + Below(16));
        out.insert(out.end(), extra.begin(), extra.end());
        break;
      }
      case 6:  // Random bytes of a similar size.
        out = RandomBytes(Below(2 * n + 1));
        break;
      case 7: {  // This one's prefix, another's suffix.
        size_t cut = Below(n + 1);
        size_t from = other.empty() ? 0 : Below(other.size() + 1);
        out.resize(cut);
        out.insert(out.end(), other.begin() + from, other.end());
        break;
      }
      case 8:  // Nudge a byte by one: lengths and tags off by one.
        out[Below(n)] += Below(2) == 0 ? 1 : 0xff;
        break;
      default: {  // Repeat a slice in place.
        size_t pos = Below(n);
        size_t len = 1 + Below(std::min<size_t>(n - pos, 32));
        Bytes slice(out.begin() + pos, out.begin() + pos + len);
        out.insert(out.begin() + pos, slice.begin(), slice.end());
        break;
      }
    }
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

std::string Prefix(const Bytes& bytes) {
  return ToHex(ByteView(bytes.data(), std::min<size_t>(bytes.size(), 48)));
}

TEST(CorruptionTest, CorruptedEnvelopesAreRefusedAndChangeNothing) {
  // Corrupt strings make protobuf log each parse it refuses; expected here.
  google::protobuf::LogSilencer quiet;
  FundHarness h;
  BuildFund(h);
  ASSERT_FALSE(HasFailure());
  const Logged log = ReadLog(h.store());
  ASSERT_GE(log.envelopes.size(), 15u);
  const std::set<Bytes> applied(log.envelopes.begin(), log.envelopes.end());
  const Hash digest = h.Digest();
  const uint64_t size = h.store().size();

  Mutator mutator(kSeed);
  std::map<absl::StatusCode, int> codes;
  int duplicates = 0;
  for (size_t e = 0; e < log.envelopes.size(); ++e) {
    const Bytes& other = log.envelopes[(e + 1) % log.envelopes.size()];
    for (int v = 0; v < kVariantsPerEnvelope; ++v) {
      Bytes variant = mutator.Mutate(log.envelopes[e], other);
      absl::StatusOr<fund::ApplyResult> result = h.SubmitEnvelope(variant);
      if (applied.count(variant) != 0) {
        // Unchanged after all (a byte overwritten with itself): the first
        // result comes back and nothing is logged.
        ASSERT_TRUE(result.ok()) << result.status();
        EXPECT_TRUE(result->duplicate);
        ++duplicates;
      } else {
        ASSERT_FALSE(result.ok())
            << "variant " << v << " of entry " << e << " was accepted as entry "
            << result->index << (result->duplicate ? " (duplicate)" : "")
            << "; it starts " << Prefix(variant);
        ++codes[result.status().code()];
      }
      ASSERT_EQ(h.store().size(), size) << "variant " << v << " of entry " << e;
      ASSERT_EQ(h.Digest(), digest) << "variant " << v << " of entry " << e;
    }
  }
  // The corruptions reach past decoding into the later checks.
  for (const auto& [code, count] : codes) {
    std::cout << "  " << absl::StatusCodeToString(code) << ": " << count
              << "\n";
  }
  std::cout << "  duplicates: " << duplicates << "\n";
  EXPECT_GT(codes[absl::StatusCode::kInvalidArgument], 0);
  EXPECT_GT(codes[absl::StatusCode::kUnauthenticated], 0);
}

TEST(CorruptionTest, EnvelopeWithAnUnknownFieldAppendedIsRefused) {
  // The same signed body in other envelope bytes is not the logged envelope:
  // only the canonical encoding is accepted, so it cannot be logged first.
  // Corrupt strings make protobuf log each parse it refuses; expected here.
  google::protobuf::LogSilencer quiet;
  FundHarness h;
  BuildFund(h);
  ASSERT_FALSE(HasFailure());
  const Logged log = ReadLog(h.store());
  const Hash digest = h.Digest();
  for (const Bytes& envelope : log.envelopes) {
    Bytes variant = envelope;
    variant.push_back(0x20);  // Field 4, varint: unknown to Envelope.
    variant.push_back(0x01);
    absl::StatusOr<fund::ApplyResult> result = h.SubmitEnvelope(variant);
    ASSERT_FALSE(result.ok()) << "accepted as entry " << result->index;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << result.status();
  }
  EXPECT_EQ(h.store().size(), log.envelopes.size());
  EXPECT_EQ(h.Digest(), digest);
}

TEST(CorruptionTest, RandomEntriesAreRefusedOnReplay) {
  // Corrupt strings make protobuf log each parse it refuses; expected here.
  google::protobuf::LogSilencer quiet;
  FundHarness h;
  BuildFund(h);
  ASSERT_FALSE(HasFailure());
  const Logged log = ReadLog(h.store());
  const uint64_t next = h.store().size();
  fund::BatchApplier applier(h.state(), next);
  Mutator mutator(kSeed + 1);

  // Bytes from nowhere.
  for (int i = 0; i < kRandomEntries; ++i) {
    Bytes entry = mutator.RandomBytes(mutator.Below(300));
    ASSERT_FALSE(applier.ApplyEntry(entry).ok()) << Prefix(entry);
  }

  // Every logged transaction wrapped again as the next entry, as a log that
  // repeats a transaction would hold it, and corruptions of those and of the
  // stored entries themselves. None is an entry the rules would produce.
  std::vector<Bytes> wrapped;
  for (const Bytes& envelope : log.envelopes) {
    v1::LogEntry entry;
    entry.set_index(next);
    entry.set_time_ms(h.now_ms);
    entry.set_envelope(std::string(AsString(envelope)));
    wrapped.push_back(ToBytes(entry.SerializeAsString()));
  }
  const std::vector<Bytes>* all_bases[] = {&wrapped, &log.entries};
  for (const std::vector<Bytes>* bases : all_bases) {
    for (size_t e = 0; e < bases->size(); ++e) {
      const Bytes& base = (*bases)[e];
      ASSERT_FALSE(applier.ApplyEntry(base).ok()) << "entry " << e;
      const Bytes& other = (*bases)[(e + 1) % bases->size()];
      for (int v = 0; v < kVariantsPerEntry; ++v) {
        Bytes variant = mutator.Mutate(base, other);
        absl::Status status = applier.ApplyEntry(variant);
        ASSERT_FALSE(status.ok())
            << "variant " << v << " of entry " << e
            << " was applied; it starts " << Prefix(variant);
      }
    }
  }

  // Refusals staged nothing...
  EXPECT_EQ(applier.next_index(), next);
  AppendBatch staged = applier.TakeBatch();
  EXPECT_TRUE(staged.entries.empty());
  EXPECT_TRUE(staged.state.empty());

  // ... and the applier still takes a real next entry.
  SecretKey fresh = SecretKey::Generate();
  v1::LogEntry entry;
  entry.set_index(next);
  entry.set_time_ms(h.now_ms);
  entry.set_envelope(std::string(AsString(
      h.Sign(h.steward(), FundHarness::Enroll(fresh.public_key(), "north")))));
  absl::Status control = applier.ApplyEntry(ToBytes(entry.SerializeAsString()));
  EXPECT_TRUE(control.ok()) << control;
  EXPECT_EQ(applier.next_index(), next + 1);
}

// An envelope over `body`, signed as a client would sign it.
Bytes EnvelopeOver(const SecretKey& key, const Bytes& body) {
  v1::Envelope envelope;
  envelope.set_body(std::string(AsString(body)));
  envelope.set_signer(KeyStr(key.public_key()));
  Signature sig = key.Sign(fund::kTxContext, body);
  envelope.set_signature(std::string(sig.begin(), sig.end()));
  return ToBytes(envelope.SerializeAsString());
}

TEST(CorruptionTest, ResignedCorruptBodiesAreRefusedOrAppliedWhole) {
  // Corrupt bodies signed again by their signer pass steps 1 and 2. Half of
  // them that still decode also get the signer's next nonce and a live
  // expiry, so that they reach the payload checks and the fund rules. Some
  // are then valid transactions (an enrollment of a corrupted key, say):
  // those are applied as one new entry, and the log they make still replays
  // to the same state.
  google::protobuf::LogSilencer quiet;
  FundHarness h;
  std::vector<SecretKey> residents = BuildFund(h);
  ASSERT_FALSE(HasFailure());
  std::map<PublicKey, const SecretKey*> secret = {
      {h.log_key().public_key(), &h.log_key()},
      {h.steward().public_key(), &h.steward()},
      {h.council().public_key(), &h.council()}};
  for (const SecretKey& key : residents) secret[key.public_key()] = &key;
  const Logged log = ReadLog(h.store());
  std::set<Bytes> applied(log.envelopes.begin(), log.envelopes.end());
  Hash digest = h.Digest();
  uint64_t size = h.store().size();

  Mutator mutator(kSeed + 2);
  std::map<absl::StatusCode, int> codes;
  int accepted = 0;
  for (size_t e = 0; e < log.envelopes.size(); ++e) {
    v1::Envelope original;
    ASSERT_TRUE(
        original.ParseFromString(std::string(AsString(log.envelopes[e]))));
    PublicKey signer;
    std::copy(original.signer().begin(), original.signer().end(),
              signer.begin());
    ASSERT_EQ(secret.count(signer), 1u) << "entry " << e;
    const Bytes body = ToBytes(original.body());
    v1::Envelope next;
    ASSERT_TRUE(next.ParseFromString(
        std::string(AsString(log.envelopes[(e + 1) % log.envelopes.size()]))));
    const Bytes other = ToBytes(next.body());
    for (int v = 0; v < kResignedVariantsPerEnvelope; ++v) {
      Bytes mutated = mutator.Mutate(body, other);
      v1::TxBody decoded;
      if (v % 2 == 1 &&
          decoded.ParseFromString(std::string(AsString(mutated)))) {
        v1::SignerRecord record;
        ASSERT_TRUE(
            fund::ReadRecord(h.state(), fund::keys::Signer(signer), record)
                .ok());
        decoded.set_nonce(record.next_nonce());
        if (decoded.expires_at_ms() <= h.now_ms) {
          decoded.set_expires_at_ms(h.now_ms + 3'600'000);
        }
        mutated = ToBytes(decoded.SerializeAsString());
      }
      Bytes variant = EnvelopeOver(*secret[signer], mutated);
      absl::StatusOr<fund::ApplyResult> result = h.SubmitEnvelope(variant);
      if (!result.ok()) {
        ++codes[result.status().code()];
        ASSERT_EQ(h.store().size(), size) << "variant " << v << " of " << e;
        ASSERT_EQ(h.Digest(), digest) << "variant " << v << " of " << e;
      } else if (result->duplicate) {
        ASSERT_EQ(applied.count(variant), 1u)
            << "variant " << v << " of entry " << e
            << " taken for a duplicate of entry " << result->index;
        ASSERT_EQ(h.store().size(), size);
        ASSERT_EQ(h.Digest(), digest);
      } else {
        ++accepted;
        ASSERT_EQ(result->index, size);
        ASSERT_EQ(h.store().size(), size + 1);
        applied.insert(variant);
        size = h.store().size();
        digest = h.Digest();
      }
    }
  }
  for (const auto& [code, count] : codes) {
    std::cout << "  " << absl::StatusCodeToString(code) << ": " << count
              << "\n";
  }
  std::cout << "  accepted: " << accepted << "\n";
  // Corrupt bodies get past decoding to the nonce and rule checks.
  EXPECT_GT(codes[absl::StatusCode::kAlreadyExists], 0);

  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<LogStore>> replayed =
      CreateRocksLogStore(dir.Sub("replay"));
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  absl::Status status = fund::ReplayLog(h.store(), **replayed);
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<Hash> replayed_digest = fund::StateDigest(**replayed);
  ASSERT_TRUE(replayed_digest.ok()) << replayed_digest.status();
  EXPECT_EQ(*replayed_digest, h.Digest());
}

}  // namespace
}  // namespace uuro
