// The sequencer on its own, over a real RocksDB store (no gRPC): batches,
// order, answers only after the commit, refusals and duplicates inside a
// batch, a failed commit, a full queue, a stop, and the time it gives
// entries. A store wrapper holds or fails commits so that what lands in one
// batch is decided by the test, not by timing.
#include "services/sequencer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "services/file_clock.h"
#include "tests/testing/fund_harness.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_clock.h"

namespace uuro::server {
namespace {

using testing::FundHarness;
using Answer = absl::StatusOr<fund::ApplyResult>;

// Forwards to a store; Append can be held (the sequencer thread waits in it
// until released) or made to fail without touching the store.
class GateStore final : public LogStore {
 public:
  explicit GateStore(LogStore& base) : base_(base) {}

  void Hold() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  // Waits until `n` appends have begun (held or not).
  bool WaitForAppends(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return appends_ >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(30));
  }
  // Appends begun from now on fail (or no longer do).
  void set_failing(bool failing) {
    absl::MutexLock lock(&mu_);
    fail_from_ = failing ? appends_ + 1 : 0;
  }
  // Appends from now on reach the store and then report failure, as a
  // write whose sync failed after its record was written.
  void set_failing_after_write(bool failing) {
    absl::MutexLock lock(&mu_);
    fail_after_write_ = failing;
  }
  int appends() const {
    absl::MutexLock lock(&mu_);
    return appends_;
  }

  uint64_t size() const override { return base_.size(); }
  Hash root() const override { return base_.root(); }
  std::string checkpoint() const override { return base_.checkpoint(); }
  absl::Status Append(const AppendBatch& batch,
                      const CheckpointMaker& make_checkpoint) override {
    bool fail = false, fail_after_write = false;
    {
      absl::MutexLock lock(&mu_);
      fail_after_write = fail_after_write_;
      const int number = ++appends_;
      fail = fail_from_ != 0 && number >= fail_from_;
      auto open = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !held_; };
      mu_.Await(absl::Condition(&open));
    }
    if (fail) return absl::UnavailableError("IO error: test failure");
    absl::Status written = base_.Append(batch, make_checkpoint);
    if (written.ok() && fail_after_write) {
      return absl::UnavailableError("IO error: sync failed");
    }
    return written;
  }
  absl::Status Recover() override { return base_.Recover(); }
  absl::StatusOr<Bytes> ReadEntry(uint64_t index) const override {
    return base_.ReadEntry(index);
  }
  absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t begin,
                                                 uint64_t end) const override {
    return base_.ReadEntries(begin, end);
  }
  absl::StatusOr<Hash> ReadNode(NodeId id) const override {
    return base_.ReadNode(id);
  }
  absl::StatusOr<std::optional<Bytes>> ReadState(
      std::string_view key) const override {
    return base_.ReadState(key);
  }
  using LogStore::ScanState;
  absl::Status ScanState(std::string_view prefix, std::string_view start,
                         const std::function<bool(std::string_view, ByteView)>&
                             visit) const override {
    return base_.ScanState(prefix, start, visit);
  }

 private:
  LogStore& base_;
  mutable absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int appends_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_from_ ABSL_GUARDED_BY(mu_) = 0;  // 0: none fails.
  bool fail_after_write_ ABSL_GUARDED_BY(mu_) = false;
};

// A wall clock the test sets.
class TestWallClock final : public WallClock {
 public:
  explicit TestWallClock(uint64_t ms) : ms_(ms) {}
  uint64_t NowMs() const override { return ms_; }
  void Set(uint64_t ms) { ms_ = ms; }

 private:
  std::atomic<uint64_t> ms_;
};

class SequencerTest : public ::testing::Test {
 protected:
  void Start(Sequencer::Options options = {}) {
    options.clock = &clock_;
    sequencer_ =
        std::make_unique<Sequencer>(gate_, signer_, testing::kOrigin, options);
    sequencer_->set_commit_listener([this](const SignedCheckpoint& cp) {
      absl::MutexLock lock(&mu_);
      committed_sizes_.push_back(cp.size);
    });
  }

  // An envelope from `key` with its next nonce (advanced here: the caller
  // expects it accepted, or resets the nonce).
  Bytes Sign(const SecretKey& key, v1::TxBody body) {
    body.set_origin(testing::kOrigin);
    body.set_nonce(nonces_[key.public_key()]++);
    body.set_expires_at_ms(clock_.NowMs() + 3'600'000);
    return fund::SignEnvelope(key, body);
  }
  std::future<Answer> Enqueue(const Bytes& envelope) {
    auto tx = fund::DecodeEnvelope(envelope);
    EXPECT_TRUE(tx.ok()) << tx.status();
    return sequencer_->Enqueue(*std::move(tx));
  }
  Answer Submit(const SecretKey& key, v1::TxBody body) {
    return Enqueue(Sign(key, std::move(body))).get();
  }

  // Residents, a round with `allowance` each, and an initiative they can
  // award (proposed by an owner of its own).
  void SetUpRound(int residents, uint64_t allowance) {
    for (int i = 0; i < residents; ++i) {
      residents_.push_back(SecretKey::Generate());
      Answer a =
          Submit(h_.steward(),
                 FundHarness::Enroll(residents_.back().public_key(), "north"));
      ASSERT_TRUE(a.ok()) << a.status();
    }
    v1::TxBody open;
    open.mutable_open_round()->set_allowance(allowance);
    open.mutable_open_round()->set_credit_value_cents(100);
    open.mutable_open_round()->set_opens_at_ms(clock_.NowMs());
    open.mutable_open_round()->set_closes_at_ms(clock_.NowMs() + 3'600'000);
    open.mutable_open_round()->set_max_share_percent(100);
    open.mutable_open_round()->set_trust_threshold(10);
    Answer round = Submit(h_.steward(), open);
    ASSERT_TRUE(round.ok()) << round.status();
    round_ = round->index;
    v1::TxBody propose;
    propose.mutable_propose_initiative()->set_title("Benches");
    propose.mutable_propose_initiative()->set_district("north");
    propose.mutable_propose_initiative()->set_amount_asked(100);
    Answer owner =
        Submit(h_.steward(), FundHarness::Enroll(owner_.public_key(), "north"));
    ASSERT_TRUE(owner.ok()) << owner.status();
    Answer initiative = Submit(owner_, propose);
    ASSERT_TRUE(initiative.ok()) << initiative.status();
    initiative_ = initiative->index;
  }

  // The store's state digest equals that of its log replayed from scratch.
  void ExpectStateIsTheReplay() {
    testing::TempDir dir;
    auto replica = CreateRocksLogStore(dir.Sub("replica"));
    ASSERT_TRUE(replica.ok());
    ASSERT_TRUE(fund::ReplayLog(h_.store(), **replica).ok());
    auto want = fund::StateDigest(**replica);
    auto got = fund::StateDigest(h_.store());
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(*got, *want);
  }

  uint64_t LastEntryTime() {
    fund::StoreStateReader state(h_.store());
    auto fund = fund::ReadFund(state);
    EXPECT_TRUE(fund.ok());
    return fund.ok() ? fund->last_time_ms() : 0;
  }

  std::vector<uint64_t> committed_sizes() {
    absl::MutexLock lock(&mu_);
    return committed_sizes_;
  }

  FundHarness h_;
  GateStore gate_{h_.store()};
  NoteSigner signer_ =
      *NoteSigner::Create(testing::kOrigin, SecretKey::Generate());
  TestWallClock clock_{testing::kStartMs + 10'000};
  std::map<PublicKey, uint64_t> nonces_;
  std::vector<SecretKey> residents_;
  SecretKey owner_ = SecretKey::Generate();  // Proposes; never awards.
  uint64_t round_ = 0;
  uint64_t initiative_ = 0;
  absl::Mutex mu_;
  std::vector<uint64_t> committed_sizes_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<Sequencer> sequencer_;  // Last: stops first.
};

TEST_F(SequencerTest, QueuedWorkGoesInBatchesInOrderAndAnswersAfterCommit) {
  // Two cached records: the sequencer's state cache evicts all the time.
  Start({.max_batch = 16, .cached_records = 2});
  ASSERT_NO_FATAL_FAILURE(SetUpRound(4, 1000));
  const uint64_t first = h_.store().size();
  const int appends_before = gate_.appends();

  // One award is taken alone and held in its commit; 60 more queue behind.
  gate_.Hold();
  std::vector<std::future<Answer>> answers;
  std::vector<size_t> by;  // Which resident sent each.
  answers.push_back(
      Enqueue(Sign(residents_[0], FundHarness::Award(round_, initiative_, 1))));
  by.push_back(0);
  ASSERT_TRUE(gate_.WaitForAppends(appends_before + 1));
  for (int i = 0; i < 60; ++i) {
    const size_t r = static_cast<size_t>(i) % residents_.size();
    answers.push_back(Enqueue(
        Sign(residents_[r], FundHarness::Award(round_, initiative_, 1))));
    by.push_back(r);
  }
  // Nothing is answered while the commit is held.
  EXPECT_EQ(answers[0].wait_for(std::chrono::milliseconds(50)),
            std::future_status::timeout);
  EXPECT_EQ(sequencer_->queue_depth(), 60u);
  EXPECT_EQ(h_.store().size(), first);
  gate_.Release();

  std::set<uint64_t> indexes;
  std::map<size_t, uint64_t> last_of;  // Resident -> its latest index.
  for (size_t i = 0; i < answers.size(); ++i) {
    Answer a = answers[i].get();
    ASSERT_TRUE(a.ok()) << i << ": " << a.status();
    EXPECT_FALSE(a->duplicate);
    EXPECT_TRUE(indexes.insert(a->index).second);
    // A resident's awards are logged in nonce order.
    if (last_of.count(by[i])) {
      EXPECT_GT(a->index, last_of[by[i]]);
    }
    last_of[by[i]] = a->index;
  }
  // Consecutive indexes after what was there, all in the store.
  EXPECT_EQ(*indexes.begin(), first);
  EXPECT_EQ(*indexes.rbegin(), first + 60);
  EXPECT_EQ(h_.store().size(), first + 61);
  // The held one alone, then 60 in batches of at most 16: 4 commits.
  EXPECT_EQ(gate_.appends(), appends_before + 5);
  std::vector<uint64_t> sizes = committed_sizes();
  ASSERT_GE(sizes.size(), 5u);
  const std::vector<uint64_t> last5(sizes.end() - 5, sizes.end());
  EXPECT_EQ(last5, (std::vector<uint64_t>{first + 1, first + 17, first + 33,
                                          first + 49, first + 61}));

  // The published checkpoint is the store's, signed by the log key.
  auto cp = sequencer_->checkpoint();
  EXPECT_EQ(cp->size, h_.store().size());
  EXPECT_EQ(cp->root, h_.store().root());
  auto opened = OpenCheckpoint(cp->note, signer_.verifier(), testing::kOrigin);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->size, cp->size);
  EXPECT_EQ(h_.store().checkpoint(), cp->note);
  ExpectStateIsTheReplay();
}

TEST_F(SequencerTest, ACommitWaitsForCompanyUntilTheDelayOrAFullBatch) {
  using std::chrono::milliseconds;
  using Clock = std::chrono::steady_clock;
  Start({.max_batch = 2, .commit_delay = std::chrono::seconds(5)});
  const int appends_before = gate_.appends();
  const Clock::time_point began = Clock::now();
  auto enroll = [&] {
    return Enqueue(
        Sign(h_.steward(),
             FundHarness::Enroll(SecretKey::Generate().public_key(), "north")));
  };
  std::future<Answer> first = enroll();
  // Alone, it waits for another submission to share its commit.
  EXPECT_EQ(first.wait_for(milliseconds(200)), std::future_status::timeout);
  EXPECT_EQ(gate_.appends(), appends_before);
  // A second one fills the batch: both go in one commit at once.
  std::future<Answer> second = enroll();
  ASSERT_TRUE(first.get().ok());
  ASSERT_TRUE(second.get().ok());
  EXPECT_EQ(gate_.appends(), appends_before + 1);
  EXPECT_LT(Clock::now() - began, std::chrono::seconds(4));
  // Stopping commits what waits without waiting out the delay.
  std::future<Answer> third = enroll();
  EXPECT_EQ(third.wait_for(milliseconds(200)), std::future_status::timeout);
  sequencer_->Stop();
  ASSERT_TRUE(third.get().ok());
  EXPECT_EQ(gate_.appends(), appends_before + 2);
  EXPECT_LT(Clock::now() - began, std::chrono::seconds(4));
}

TEST_F(SequencerTest, RefusalsAndDuplicatesInABatchTakeNoIndex) {
  Start();
  ASSERT_NO_FATAL_FAILURE(SetUpRound(2, 10));
  Bytes committed_before =
      Sign(residents_[0], FundHarness::Award(round_, initiative_, 4));
  Answer earlier = Enqueue(committed_before).get();
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  const uint64_t first = h_.store().size();
  const int appends_before = gate_.appends();

  gate_.Hold();
  auto held =
      Enqueue(Sign(residents_[1], FundHarness::Award(round_, initiative_, 1)));
  ASSERT_TRUE(gate_.WaitForAppends(appends_before + 1));
  // One batch: a good award (4 left), one beyond the balance, the earlier
  // envelope again, a good one by the same resident after the refusal (its
  // nonce was not used), and the same envelope twice.
  auto good =
      Enqueue(Sign(residents_[0], FundHarness::Award(round_, initiative_, 2)));
  auto beyond =
      Enqueue(Sign(residents_[0], FundHarness::Award(round_, initiative_, 5)));
  --nonces_[residents_[0].public_key()];  // Refused: its nonce is free.
  auto again = Enqueue(committed_before);
  Bytes twice = Sign(residents_[0], FundHarness::Award(round_, initiative_, 3));
  auto twice1 = Enqueue(twice);
  auto twice2 = Enqueue(twice);
  gate_.Release();

  ASSERT_TRUE(held.get().ok());
  Answer g = good.get();
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->index, first + 1);
  EXPECT_EQ(beyond.get().status().code(),
            absl::StatusCode::kFailedPrecondition);
  Answer a = again.get();
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->duplicate);
  EXPECT_EQ(a->index, earlier->index);
  Answer t1 = twice1.get();
  Answer t2 = twice2.get();
  ASSERT_TRUE(t1.ok() && t2.ok());
  EXPECT_EQ(t1->index, first + 2);
  EXPECT_FALSE(t1->duplicate);
  EXPECT_TRUE(t2->duplicate);
  EXPECT_EQ(t2->index, t1->index);
  EXPECT_EQ(h_.store().size(), first + 3);
  EXPECT_EQ(gate_.appends(), appends_before + 2);
  ExpectStateIsTheReplay();
}

TEST_F(SequencerTest, AFailedCommitRecordsNothingAndRetriesGetTheTrueAnswer) {
  Start({.cached_records = 4});
  ASSERT_NO_FATAL_FAILURE(SetUpRound(2, 10));

  // An enrollment is held in its commit while two awards queue behind it;
  // the commit after it fails.
  const int appends_before = gate_.appends();
  gate_.Hold();
  auto enrolled = Enqueue(
      Sign(h_.steward(),
           FundHarness::Enroll(SecretKey::Generate().public_key(), "north")));
  ASSERT_TRUE(gate_.WaitForAppends(appends_before + 1));
  gate_.set_failing(true);
  Bytes spend =
      Sign(residents_[0], FundHarness::Award(round_, initiative_, 10));
  Bytes more = Sign(residents_[0], FundHarness::Award(round_, initiative_, 1));
  auto first = Enqueue(spend);
  auto second = Enqueue(more);
  gate_.Release();
  ASSERT_TRUE(enrolled.get().ok());
  const uint64_t size = h_.store().size();
  const Hash root = h_.store().root();
  const uint64_t time = LastEntryTime();
  EXPECT_EQ(first.get().status().code(), absl::StatusCode::kUnavailable);
  // The second is refused by the first's spending, which was never
  // recorded: it too answers UNAVAILABLE, not a refusal.
  EXPECT_EQ(second.get().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(gate_.appends(), appends_before + 2);
  EXPECT_EQ(h_.store().size(), size);
  EXPECT_EQ(h_.store().root(), root);
  EXPECT_EQ(sequencer_->checkpoint()->size, size);
  EXPECT_EQ(sequencer_->checkpoint()->note, h_.store().checkpoint());
  EXPECT_EQ(LastEntryTime(), time);

  // The disk is back: the same envelopes now get their real answers, and
  // the state the (cached) sequencer read is the committed one.
  gate_.set_failing(false);
  clock_.Set(clock_.NowMs() + 5000);
  Answer retried = Enqueue(spend).get();
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->index, size);
  EXPECT_EQ(Enqueue(more).get().status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastEntryTime(), clock_.NowMs());
  ExpectStateIsTheReplay();
}

// A store that reopens after a failed write can find that write committed
// (its record reached the disk before the sync failed): the sequencer takes
// it as done, in its state, clock and checkpoint, not as never written.
TEST_F(SequencerTest, AFailedCommitFoundOnDiskAfterRecoveryIsTakenAsDone) {
  Start({.cached_records = 4});
  ASSERT_NO_FATAL_FAILURE(SetUpRound(2, 10));
  const uint64_t size = h_.store().size();
  Bytes spend =
      Sign(residents_[0], FundHarness::Award(round_, initiative_, 10));
  Bytes more = Sign(residents_[0], FundHarness::Award(round_, initiative_, 1));

  gate_.set_failing_after_write(true);
  EXPECT_EQ(Enqueue(spend).get().status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(h_.store().size(), size + 1) << "the write reached the store";
  EXPECT_EQ(sequencer_->checkpoint()->size, size) << "not handed out yet";
  const uint64_t time = LastEntryTime();

  gate_.set_failing_after_write(false);
  clock_.Set(time - 1000);  // The wall clock stepped back meanwhile.
  Answer retried = Enqueue(spend).get();
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_TRUE(retried->duplicate);
  EXPECT_EQ(retried->index, size);
  EXPECT_EQ(sequencer_->checkpoint()->size, size + 1);
  EXPECT_EQ(sequencer_->checkpoint()->note, h_.store().checkpoint());
  // The resident's 10 credits are spent: the cached state knows it.
  EXPECT_EQ(Enqueue(more).get().status().code(),
            absl::StatusCode::kFailedPrecondition);
  Answer next =
      Enqueue(Sign(residents_[1], FundHarness::Award(round_, initiative_, 1)))
          .get();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, size + 1);
  EXPECT_GE(LastEntryTime(), time) << "entry times went back";
  ExpectStateIsTheReplay();
}

TEST_F(SequencerTest, AFullQueueAndAStoppedSequencerRefuse) {
  Start({.max_queue = 0});
  auto full = Enqueue(
      Sign(h_.steward(),
           FundHarness::Enroll(SecretKey::Generate().public_key(), "north")));
  EXPECT_EQ(full.get().status().code(), absl::StatusCode::kResourceExhausted);
  sequencer_->Stop();
  auto stopped = Enqueue(
      Sign(h_.steward(),
           FundHarness::Enroll(SecretKey::Generate().public_key(), "north")));
  EXPECT_EQ(stopped.get().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(h_.store().size(), 1u);  // Genesis alone.
}

TEST_F(SequencerTest, StopFinishesWhatIsQueued) {
  Start();
  gate_.Hold();
  std::vector<std::future<Answer>> answers;
  for (int i = 0; i < 10; ++i) {
    answers.push_back(Enqueue(Sign(
        h_.steward(),
        FundHarness::Enroll(SecretKey::Generate().public_key(), "north"))));
  }
  ASSERT_TRUE(gate_.WaitForAppends(1));
  std::thread stopper([this] { sequencer_->Stop(); });
  gate_.Release();
  stopper.join();
  for (auto& answer : answers) EXPECT_TRUE(answer.get().ok());
  EXPECT_EQ(h_.store().size(), 11u);
}

TEST_F(SequencerTest, EntryTimesComeFromItsClockAndNeverGoBack) {
  Start();
  const uint64_t t = clock_.NowMs();
  auto enroll = [&] {
    return Submit(
        h_.steward(),
        FundHarness::Enroll(SecretKey::Generate().public_key(), "north"));
  };
  ASSERT_TRUE(enroll().ok());
  EXPECT_EQ(LastEntryTime(), t);
  clock_.Set(t + 2000);
  ASSERT_TRUE(enroll().ok());
  EXPECT_EQ(LastEntryTime(), t + 2000);
  clock_.Set(t - 60'000);  // Set back: entries keep the later time.
  ASSERT_TRUE(enroll().ok());
  EXPECT_EQ(LastEntryTime(), t + 2000);
  // A jump far ahead of the time elapsed is refused and logs nothing.
  const uint64_t size = h_.store().size();
  clock_.Set(t + kMaxClockJumpMs + 60'000);
  EXPECT_EQ(enroll().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(h_.store().size(), size);
}

// The clock file behind `uurod serve --clock-file` (tests only).
TEST(FileWallClockTest, ReadsAFixedTimeOrAnOffsetFromTheSystemClock) {
  testing::TempDir dir;
  const std::string path = dir.Sub("clock");
  testing::TestClock clock(path, 1'800'000'000'000);
  auto file = FileWallClock::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->NowMs(), 1'800'000'000'000u);

  clock.SetOffset(60'000);
  uint64_t before = WallClockMs();
  uint64_t read = file->NowMs();
  EXPECT_GE(read, before + 60'000);
  EXPECT_LE(read, WallClockMs() + 60'000);

  std::ofstream(path) << "-5000\n";
  before = WallClockMs();
  read = file->NowMs();
  EXPECT_GE(read, before - 5000);
  EXPECT_LE(read, WallClockMs() - 5000);

  // A file that holds no time: the last good reading, and no clock at start.
  std::ofstream(path) << "soon\n";
  EXPECT_EQ(file->NowMs(), read);
  EXPECT_EQ(FileWallClock::Open(path).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace uuro::server
