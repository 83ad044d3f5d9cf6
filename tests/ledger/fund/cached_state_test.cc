// CachedState, the bounded cache of committed fund state the sequencer reads
// through: what it answers, what it forgets and when, and (the property that
// matters) that a fund driven through it with a tiny capacity, so that it
// evicts all the time, reaches exactly the state of the same fund driven
// straight on its store.
#include "ledger/fund/cached_state.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ledger/fund/batch_applier.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/state_view.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "tests/testing/fund_harness.h"
#include "tests/testing/temp_dir.h"

namespace uuro::fund {
namespace {

using testing::FundHarness;

std::unique_ptr<LogStore> NewStore(const testing::TempDir& dir) {
  auto store = CreateRocksLogStore(dir.Sub("store"));
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

// Writes `writes` to the store with one filler entry, as a commit would.
void Write(LogStore& store, std::vector<StateWrite> writes) {
  AppendBatch batch;
  batch.entries.push_back(ToBytes("entry " + std::to_string(store.size())));
  batch.state = std::move(writes);
  ASSERT_TRUE(store.Append(batch, nullptr).ok());
}

std::optional<Bytes> Value(const std::string& text) { return ToBytes(text); }

std::optional<Bytes> Read(const StateReader& state, const std::string& key) {
  auto value = state.Get(key);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *value : std::nullopt;
}

TEST(CachedStateTest, ReadsThroughAndFollowsCommits) {
  testing::TempDir dir;
  auto store = NewStore(dir);
  ASSERT_NE(store, nullptr);
  ASSERT_NO_FATAL_FAILURE(
      Write(*store, {{"a", Value("1")}, {"b", Value("2")}}));
  CachedState cache(*store, 16);
  EXPECT_EQ(Read(cache, "a"), Value("1"));
  EXPECT_EQ(Read(cache, "b"), Value("2"));
  EXPECT_EQ(Read(cache, "c"), std::nullopt);  // Absent, and remembered so.

  // A commit: a change, a deletion, and a key read before as absent.
  std::vector<StateWrite> writes = {
      {"a", Value("10")}, {"b", std::nullopt}, {"c", Value("3")}};
  ASSERT_NO_FATAL_FAILURE(Write(*store, writes));
  cache.Committed(writes);
  EXPECT_EQ(Read(cache, "a"), Value("10"));
  EXPECT_EQ(Read(cache, "b"), std::nullopt);
  EXPECT_EQ(Read(cache, "c"), Value("3"));
  // Scans go to the store.
  auto scanned = cache.Scan("");
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(scanned->count("a"), 1u);
  EXPECT_EQ(scanned->count("b"), 0u);
  EXPECT_EQ(scanned->count("c"), 1u);
}

TEST(CachedStateTest, KeepsAtMostCapacityKeysAndForgetsTheOldestFirst) {
  testing::TempDir dir;
  auto store = NewStore(dir);
  ASSERT_NE(store, nullptr);
  ASSERT_NO_FATAL_FAILURE(
      Write(*store, {{"a", Value("1")}, {"b", Value("1")}, {"c", Value("1")}}));
  CachedState cache(*store, 2);
  for (const char* key : {"a", "b", "c"}) {
    EXPECT_EQ(Read(cache, key), Value("1"));
  }
  // Behind the cache's back (never done outside this test): a key still
  // cached answers its old value, an evicted one the store's.
  ASSERT_NO_FATAL_FAILURE(
      Write(*store, {{"a", Value("2")}, {"b", Value("2")}, {"c", Value("2")}}));
  EXPECT_EQ(Read(cache, "a"), Value("2"));  // "a" was the oldest: evicted.
  // Reading "a" again evicted "b"; "c" is still the cached old value.
  EXPECT_EQ(Read(cache, "c"), Value("1"));
  EXPECT_EQ(Read(cache, "b"), Value("2"));

  // A committed write to a key not cached is remembered and evicts too.
  std::vector<StateWrite> writes = {{"d", Value("3")}};
  ASSERT_NO_FATAL_FAILURE(Write(*store, writes));
  cache.Committed(writes);
  EXPECT_EQ(Read(cache, "d"), Value("3"));
}

// The same fund twice: the reference commits one transaction at a time on
// its store through the uncached reader (FundHarness); the mirror applies
// the same envelopes, at the same times, in batches of up to four through a
// CachedState of the given capacity, as the sequencer does.
class Mirror {
 public:
  explicit Mirror(size_t capacity)
      : store_(NewStore(dir_)), cache_(*store_, capacity) {}

  void Queue(Bytes envelope, uint64_t time_ms) {
    pending_.push_back({std::move(envelope), time_ms});
  }

  // Applies and commits what is queued; the answers in order.
  std::vector<absl::StatusOr<ApplyResult>> Flush() {
    std::vector<absl::StatusOr<ApplyResult>> results;
    BatchApplier applier(cache_, store_->size());
    for (const auto& [envelope, time_ms] : pending_) {
      auto tx = DecodeEnvelope(envelope);
      if (!tx.ok()) {
        results.push_back(tx.status());
        continue;
      }
      results.push_back(applier.Apply(*tx, time_ms));
    }
    pending_.clear();
    AppendBatch batch = applier.TakeBatch();
    if (!batch.entries.empty()) {
      absl::Status committed = store_->Append(batch, nullptr);
      EXPECT_TRUE(committed.ok()) << committed;
      cache_.Committed(batch.state);
    }
    return results;
  }

  LogStore& store() { return *store_; }
  const CachedState& cache() const { return cache_; }

 private:
  testing::TempDir dir_;
  std::unique_ptr<LogStore> store_;
  CachedState cache_;
  std::vector<std::pair<Bytes, uint64_t>> pending_;
};

class CachedStateEvictionTest : public ::testing::TestWithParam<size_t> {};

TEST_P(CachedStateEvictionTest, ReachesTheUncachedStoresStateAndDigest) {
  FundHarness h;
  Mirror mirror(GetParam());
  std::mt19937_64 random(GetParam());
  // What the harness committed so far (genesis), entries and state, is the
  // mirror's start; every later envelope goes to both.
  {
    auto entries = h.store().ReadEntries(0, h.store().size());
    ASSERT_TRUE(entries.ok());
    AppendBatch start{*entries, {}};
    ASSERT_TRUE(h.store()
                    .ScanState("",
                               [&](std::string_view key, ByteView value) {
                                 start.state.push_back(
                                     {std::string(key),
                                      Bytes(value.begin(), value.end())});
                                 return true;
                               })
                    .ok());
    ASSERT_TRUE(mirror.store().Append(start, nullptr).ok());
  }
  ASSERT_EQ(mirror.store().size(), h.store().size());

  std::vector<absl::StatusOr<ApplyResult>> expected;
  auto submit = [&](const SecretKey& signer, v1::TxBody body) {
    h.now_ms += 1000;
    Bytes envelope = h.Sign(signer, std::move(body));
    mirror.Queue(envelope, h.now_ms);
    expected.push_back(h.SubmitEnvelope(envelope));
    if (expected.size() % 4 == 0) {
      auto got = mirror.Flush();
      ASSERT_EQ(got.size(), 4u);
      for (size_t i = 0; i < 4; ++i) {
        const auto& want = expected[expected.size() - 4 + i];
        ASSERT_EQ(got[i].status().code(), want.status().code())
            << got[i].status() << " vs " << want.status();
        if (want.ok()) {
          EXPECT_EQ(got[i]->index, want->index);
          EXPECT_EQ(got[i]->duplicate, want->duplicate);
        }
      }
    }
  };

  std::vector<SecretKey> residents;
  const char* districts[] = {"north", "south", "harbour"};
  for (int i = 0; i < 8; ++i) {
    residents.push_back(SecretKey::Generate());
    ASSERT_NO_FATAL_FAILURE(submit(
        h.steward(),
        FundHarness::Enroll(residents.back().public_key(), districts[i % 3])));
  }
  v1::TxBody open;
  open.mutable_open_round()->set_allowance(50);
  open.mutable_open_round()->set_credit_value_cents(100);
  open.mutable_open_round()->set_opens_at_ms(h.now_ms);
  open.mutable_open_round()->set_closes_at_ms(h.now_ms + 3'600'000);
  open.mutable_open_round()->set_max_share_percent(100);
  open.mutable_open_round()->set_trust_threshold(30);
  ASSERT_NO_FATAL_FAILURE(submit(h.steward(), open));
  const uint64_t round = h.store().size() - 1;
  std::vector<uint64_t> initiatives;
  for (int i = 0; i < 3; ++i) {
    v1::TxBody propose;
    propose.mutable_propose_initiative()->set_title("Initiative");
    propose.mutable_propose_initiative()->set_district(districts[i]);
    propose.mutable_propose_initiative()->set_amount_asked(100);
    ASSERT_NO_FATAL_FAILURE(submit(residents[static_cast<size_t>(i)], propose));
    initiatives.push_back(h.store().size() - 1);
  }

  for (int step = 0; step < 240; ++step) {
    SecretKey& who = residents[random() % residents.size()];
    const uint64_t initiative = initiatives[random() % initiatives.size()];
    const uint64_t amount = 1 + random() % 20;
    switch (random() % 8) {
      case 0:  // A new resident joins the open round.
        residents.push_back(SecretKey::Generate());
        ASSERT_NO_FATAL_FAILURE(submit(
            h.steward(),
            FundHarness::Enroll(residents.back().public_key(), "north")));
        break;
      case 1: {  // A lost key, replaced.
        SecretKey replacement = SecretKey::Generate();
        v1::TxBody revoke;
        revoke.mutable_revoke_resident()->set_key(
            PublicKeyBytes(who.public_key()));
        revoke.mutable_revoke_resident()->set_replacement_key(
            PublicKeyBytes(replacement.public_key()));
        ASSERT_NO_FATAL_FAILURE(submit(h.steward(), revoke));
        if (expected.back().ok()) who = std::move(replacement);
        break;
      }
      case 2:
      case 3:
        ASSERT_NO_FATAL_FAILURE(
            submit(who, FundHarness::Withdraw(round, initiative, amount)));
        break;
      default:  // Some go beyond the balance and are refused.
        ASSERT_NO_FATAL_FAILURE(
            submit(who, FundHarness::Award(round, initiative, amount)));
    }
  }
  h.now_ms += 3'600'000;
  ASSERT_NO_FATAL_FAILURE(submit(h.steward(), FundHarness::CloseRound(round)));
  for (size_t i = 0; i < initiatives.size(); ++i) {
    for (int n = 0; n < 3; ++n) {  // Residents i proposed initiative i.
      ASSERT_NO_FATAL_FAILURE(submit(
          residents[i],
          FundHarness::RequestRedemption(initiatives[i], 1 + random() % 25)));
    }
  }
  while (expected.size() % 4 != 0) {  // Fill the last batch.
    ASSERT_NO_FATAL_FAILURE(
        submit(residents[0], FundHarness::Award(round, initiatives[0], 1)));
  }

  size_t accepted = 0;
  size_t refused = 0;
  for (const auto& result : expected) (result.ok() ? accepted : refused)++;
  EXPECT_GT(accepted, 100u);
  EXPECT_GT(refused, 10u);  // The refusals read the cache as well.

  EXPECT_EQ(mirror.store().size(), h.store().size());
  EXPECT_EQ(mirror.store().root(), h.store().root());
  auto want = StateDigest(h.store());
  auto got = StateDigest(mirror.store());
  ASSERT_TRUE(want.ok() && got.ok());
  EXPECT_EQ(*got, *want);
  // And every key, read through the cache, is the store's.
  ASSERT_TRUE(h.store()
                  .ScanState("",
                             [&](std::string_view key, ByteView value) {
                               EXPECT_EQ(Read(mirror.cache(), std::string(key)),
                                         Bytes(value.begin(), value.end()))
                                   << key;
                               return true;
                             })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Capacities, CachedStateEvictionTest,
                         ::testing::Values(1, 2, 3, 7, 1 << 16));

}  // namespace
}  // namespace uuro::fund
