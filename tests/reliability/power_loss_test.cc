// Power loss while clients submit: the store runs on a file system that, at
// a crash point, keeps only what a real disk would hold (power_loss_fs.h),
// and the ledger reopens from that. Unlike a SIGKILL, which leaves the
// operating system's page cache to finish every write, this notices a
// commit that was answered before it was synced.
//
// Each "life" opens a LedgerNode (the real sequencer, fund rules and commit
// path) on the store, 4 writers submit awards concurrently, and the power is
// cut at a random moment (0 to 12 ms in); every other cut is harsh (a random
// prefix of the unsynced bytes survives, a torn write). A writer whose
// submission failed (UNAVAILABLE: the only answer a crash may cause) retries
// the same envelope in the next life, as a client would. On every reopen:
//   - every acknowledged entry is in the log with its bytes;
//   - every checkpoint handed out (in receipts) is consistent with the log
//     (its size is covered and the log's root at that size is its root), and
//     no two handed out disagree;
//   - uurod's fork guard accepts the store (a store behind a published
//     checkpoint would be refused);
// and every 50 lives and at the end, replaying the log onto the ledger as it
// was before the first life gives the store's state digest (nothing
// half-applied). At the end every writer's last envelope is answered, and the
// log holds exactly the acknowledged entries.
//
// The full-disk test runs the same lives with the disk filling up while the
// writers submit: nothing is acknowledged while it is full, writing resumes
// by itself once space is freed, then the power is cut.
//
// UURO_POWER_LOSS_CRASHES sets the number of lives (default 2,000; scripts/soak
// runs more), UURO_FULL_DISK_CRASHES those of the full-disk test (default
// 200; the sanitizer build runs 300 and 30), UURO_POWER_LOSS_SEED replays a
// run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/fund/digest.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/wall_clock.h"
#include "services/ledger_node.h"
#include "services/server.h"
#include "tests/reliability/power_loss_fs.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;
using client::LedgerClient;
using std::chrono::steady_clock;

constexpr int kWriters = 4;
constexpr uint64_t kTenMinutesMs = 10 * 60 * 1000;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Ack {
  uint64_t index;
  std::string entry;
};

struct Writer {
  SecretKey key = SecretKey::Generate();
  uint64_t nonce = 0;
  std::optional<Bytes> pending;  // Sent, not answered: sent again.
};

class PowerLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The power loss is simulated above the file system, so the real disk's
    // fsyncs only cost time: the ledger goes to a RAM folder if there is one.
    if (fs::is_directory("/dev/shm") && ::access("/dev/shm", W_OK) == 0) {
      ::setenv("TMPDIR", "/dev/shm", 1);
    }
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    dir_ = server::DataDir{ledger_->data};
    {
      auto node = server::LedgerNode::Open(dir_, {});
      ASSERT_TRUE(node.ok()) << node.status();
      auto grpc =
          server::GrpcServer::Start(**node, {.grpc_listen = "127.0.0.1:0"});
      ASSERT_TRUE(grpc.ok()) << grpc.status();
      LedgerClient client(testing::OwnChannel((*grpc)->address()));
      std::vector<const SecretKey*> keys;
      for (Writer& w : writers_) keys.push_back(&w.key);
      SecretKey owner = SecretKey::Generate();
      auto fund = testing::SetUpOpenRound(
          client, ledger_->steward, keys, owner,
          {.allowance = 1'000'000'000, .max_share_percent = 100});
      ASSERT_TRUE(fund.ok()) << fund.status();
      fund_ = *fund;
      (*grpc)->Shutdown();
    }
    setup_db_ = ledger_->dir.path() + "/setup-db";
    fs::copy(dir_.db(), setup_db_, fs::copy_options::recursive);
    auto setup = OpenRocksLogStore(dir_.db());
    ASSERT_TRUE(setup.ok());
    setup_size_ = (*setup)->size();
    fs_ = std::make_shared<testing::PowerLossFileSystem>();
    env_ = testing::PowerLossEnv(fs_);
    seed_ = EnvOr("UURO_POWER_LOSS_SEED", std::random_device()());
    random_.seed(seed_);
    std::cout << "UURO_POWER_LOSS_SEED=" << seed_ << std::endl;
  }

  absl::StatusOr<std::unique_ptr<server::LedgerNode>> OpenNode() {
    server::LedgerNode::Options options;
    options.store_env = env_.get();
    options.rate_per_second = 0;
    return server::LedgerNode::Open(dir_, options);
  }

  // Runs the writers until `stop_`; answers go to acks_, failures other
  // than UNAVAILABLE to errors_.
  void Write(server::LedgerNode& node, Writer& w) {
    while (!stop_) {
      if (!w.pending) {
        w.pending = testing::SignTx(
            w.key, ledger_->origin, w.nonce, WallClockMs() + kTenMinutesMs,
            testing::AwardBody(fund_.round_id, fund_.initiative_ids[0], 1));
      }
      auto receipt = node.Submit(*w.pending);
      if (receipt.ok()) {
        auto cp = server::ParseOwnCheckpoint(receipt->checkpoint());
        std::lock_guard lock(mu_);
        acks_.push_back({receipt->index(), receipt->entry()});
        if (cp.ok()) {
          auto [it, fresh] = handed_out_.emplace(cp->size, cp->root);
          if (!fresh && it->second != cp->root) {
            errors_.push_back(absl::StrCat("two checkpoints of size ", cp->size,
                                           " were handed out"));
          }
        } else {
          errors_.push_back("a receipt without a checkpoint");
        }
        ++w.nonce;
        w.pending.reset();
      } else if (absl::IsUnavailable(receipt.status())) {
        ++unavailable_;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      } else {
        std::lock_guard lock(mu_);
        errors_.push_back(std::string(receipt.status().ToString()));
        return;
      }
    }
  }

  // Checks the reopened ledger against everything handed out: acks from
  // `first_ack` on, checkpoints of at least `first_size`.
  void Verify(const LogStore& store, size_t first_ack, uint64_t first_size) {
    std::lock_guard lock(mu_);
    for (size_t i = first_ack; i < acks_.size(); ++i) {
      auto entry = store.ReadEntry(acks_[i].index);
      ASSERT_TRUE(entry.ok()) << "acknowledged entry " << acks_[i].index
                              << " is lost: " << entry.status();
      ASSERT_EQ(AsString(*entry), acks_[i].entry)
          << "acknowledged entry " << acks_[i].index << " changed";
      ++entries_checked_;
    }
    for (auto it = handed_out_.lower_bound(first_size); it != handed_out_.end();
         ++it) {
      ASSERT_LE(it->first, store.size())
          << "a checkpoint of " << it->first << " entries was handed out; "
          << "the log holds " << store.size();
      auto root = RootAt(store, it->first);
      ASSERT_TRUE(root.ok()) << root.status();
      ASSERT_EQ(*root, it->second)
          << "the log is not consistent with the checkpoint of " << it->first;
      ++checkpoints_checked_;
    }
    auto own = server::ParseOwnCheckpoint(store.checkpoint());
    ASSERT_TRUE(own.ok()) << own.status();
    ASSERT_EQ(own->size, store.size());
    ASSERT_EQ(own->root, store.root());
  }

  // Replays the log onto the ledger as it was before the first life: the
  // state must be exactly what the entries say.
  void CheckReplay() {
    const std::string prefix = ledger_->dir.path() + "/replay-db";
    fs::remove_all(prefix);
    fs::copy(setup_db_, prefix, fs::copy_options::recursive);
    auto replayed = testing::DigestOfReplay(prefix, dir_.db());
    ASSERT_TRUE(replayed.ok()) << replayed.status();
    auto store = OpenRocksLogStore(dir_.db());
    ASSERT_TRUE(store.ok()) << store.status();
    auto digest = fund::StateDigest(**store);
    ASSERT_TRUE(digest.ok()) << digest.status();
    ASSERT_EQ(*replayed, *digest) << "the state is not what the log says";
    ++replays_;
  }

  // One life: open, check, write until the power is cut (or, with `full`,
  // through a full disk first), lose what a disk would lose.
  void Life(uint64_t n, bool harsh, bool full) {
    const size_t first_ack = verified_acks_;
    const uint64_t first_size = verified_size_;
    auto node = OpenNode();
    if (!node.ok()) {
      // Show what the store lost as well as the refusal.
      auto store = OpenRocksLogStore(dir_.db());
      if (store.ok()) Verify(**store, first_ack, first_size);
    }
    ASSERT_TRUE(node.ok()) << "life " << n << ": " << node.status();
    ASSERT_NO_FATAL_FAILURE(Verify((*node)->store(), first_ack, first_size));
    {
      std::lock_guard lock(mu_);
      verified_acks_ = acks_.size();
      verified_size_ = handed_out_.empty() ? 0 : handed_out_.rbegin()->first;
    }
    stop_ = false;
    std::vector<std::thread> threads;
    for (Writer& w : writers_) {
      threads.emplace_back([&] { Write(**node, w); });
    }
    auto pause = [&](int max_us) {
      std::this_thread::sleep_for(std::chrono::microseconds(
          std::uniform_int_distribution<int>(0, max_us)(random_)));
    };
    // FillAndFree's failures return from it only: the writers must stop.
    if (full) FillAndFree(**node, pause);
    pause(12'000);
    fs_->Crash();
    stop_ = true;
    for (auto& t : threads) t.join();
    node->reset();
    dropped_bytes_ += fs_->LoseUnsynced(random_, harsh);
    ++crashes_;
    std::lock_guard lock(mu_);
    ASSERT_TRUE(errors_.empty()) << "life " << n << ": " << errors_[0];
  }

  // The disk fills while the writers submit: nothing is acknowledged and
  // nothing changes; then space is freed and writing resumes by itself.
  template <typename Pause>
  void FillAndFree(server::LedgerNode& node, Pause pause) {
    pause(8'000);
    const uint64_t failed_before = unavailable_;
    fs_->SetFull(true);
    // The commit under way when the disk filled may still land; the next
    // refusal shows the full disk reached the writers.
    const auto refused_by = steady_clock::now() + std::chrono::seconds(10);
    while (unavailable_ == failed_before && steady_clock::now() < refused_by) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GT(unavailable_.load(), failed_before)
        << "no submission was refused on a full disk";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const uint64_t size = node.store().size();
    const std::string cp = node.checkpoint()->note;
    size_t acked;
    {
      std::lock_guard lock(mu_);
      acked = acks_.size();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(node.store().size(), size) << "the log grew on a full disk";
    EXPECT_EQ(node.checkpoint()->note, cp);
    {
      // Only a retry of an entry committed before may be answered (with its
      // receipt): a writer whose answer a power cut took sends it again.
      std::lock_guard lock(mu_);
      for (size_t i = acked; i < acks_.size(); ++i) {
        EXPECT_LT(acks_[i].index, size)
            << "a new entry was answered while the disk was full";
      }
    }
    full_failures_ += unavailable_ - failed_before;
    fs_->SetFull(false);
    // Writing resumes without a restart: in place, or by the store
    // reopening itself (rocks_log_store.cc, Recover).
    const auto deadline = steady_clock::now() + std::chrono::seconds(10);
    while (node.store().size() == size && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GT(node.store().size(), size)
        << "writing did not resume once space was freed";
    ++resumed_;
  }

  // After the last life: every writer's unanswered envelope is answered,
  // and the log holds exactly the acknowledged entries.
  void Finish() {
    auto node = OpenNode();
    ASSERT_TRUE(node.ok()) << node.status();
    ASSERT_NO_FATAL_FAILURE(
        Verify((*node)->store(), verified_acks_, verified_size_));
    for (Writer& w : writers_) {
      if (!w.pending) continue;
      auto receipt = (*node)->Submit(*w.pending);
      ASSERT_TRUE(receipt.ok()) << receipt.status();
      acks_.push_back({receipt->index(), receipt->entry()});
    }
    std::set<uint64_t> indexes;
    for (const Ack& a : acks_) indexes.insert(a.index);
    EXPECT_EQ((*node)->store().size(), setup_size_ + indexes.size())
        << "the log holds entries nobody was answered for";
    ASSERT_NO_FATAL_FAILURE(Verify((*node)->store(), 0, 0));
    node->reset();
    ASSERT_NO_FATAL_FAILURE(CheckReplay());
  }

  void Report(const char* what, double seconds) {
    std::cout << what << ": " << crashes_ << " power cuts in " << seconds
              << " s; " << acks_.size() << " awards acknowledged, "
              << entries_checked_ << " entry checks, " << checkpoints_checked_
              << " checkpoint checks, " << replays_ << " replays, "
              << dropped_bytes_ << " unsynced bytes dropped";
    if (resumed_ > 0) {
      std::cout << ", " << resumed_ << " full disks (" << full_failures_
                << " submissions refused while full, every one resumed "
                << "without a restart)";
    }
    std::cout << std::endl;
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  server::DataDir dir_;
  testing::OpenFund fund_;
  std::string setup_db_;
  uint64_t setup_size_ = 0;
  std::array<Writer, kWriters> writers_;
  std::shared_ptr<testing::PowerLossFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  uint64_t seed_ = 0;
  std::mt19937_64 random_;

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> unavailable_{0};
  std::mutex mu_;
  std::vector<Ack> acks_;
  std::map<uint64_t, Hash> handed_out_;
  std::vector<std::string> errors_;
  size_t verified_acks_ = 0;
  uint64_t verified_size_ = 0;

  uint64_t crashes_ = 0, entries_checked_ = 0, checkpoints_checked_ = 0,
           replays_ = 0, dropped_bytes_ = 0, resumed_ = 0, full_failures_ = 0;
};

TEST_F(PowerLossTest, AcknowledgedAwardsSurvivePowerLossAtRandomMoments) {
  const uint64_t lives = EnvOr("UURO_POWER_LOSS_CRASHES", 2000);
  const auto began = steady_clock::now();
  for (uint64_t n = 1; n <= lives; ++n) {
    ASSERT_NO_FATAL_FAILURE(Life(n, /*harsh=*/n % 2 == 0, /*full=*/false));
    if (n % 50 == 0) {
      ASSERT_NO_FATAL_FAILURE(CheckReplay());
    }
  }
  ASSERT_NO_FATAL_FAILURE(Finish());
  Report("power loss",
         std::chrono::duration<double>(steady_clock::now() - began).count());
}

TEST_F(PowerLossTest, FullDiskThenSpaceFreedThenPowerLoss) {
  const uint64_t lives = EnvOr("UURO_FULL_DISK_CRASHES", 200);
  const auto began = steady_clock::now();
  for (uint64_t n = 1; n <= lives; ++n) {
    ASSERT_NO_FATAL_FAILURE(Life(n, /*harsh=*/n % 2 == 0, /*full=*/true));
  }
  ASSERT_NO_FATAL_FAILURE(Finish());
  Report("full disk",
         std::chrono::duration<double>(steady_clock::now() - began).count());
}

}  // namespace
}  // namespace uuro
