// Online backups of a real uurod while four clients write, and restores: the
// restored ledger's checkpoint verifies, and its state is exactly what a
// replay of its log gives.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "clients/ledger_client.h"
#include "ledger/fund/digest.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"
#include "tests/testing/wait.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;
using client::LedgerClient;
using testing::RunCommand;

constexpr int kWriters = 4;

// Four residents awarding one Uuro at a time until told to stop.
class Writers {
 public:
  Writers(const std::string& address, const testing::OpenFund& fund,
          const std::vector<SecretKey>& keys) {
    for (int t = 0; t < kWriters; ++t) {
      threads_.emplace_back([this, address, fund, &keys, t] {
        LedgerClient client(testing::OwnChannel(address));
        uint64_t initiative =
            fund.initiative_ids[t % fund.initiative_ids.size()];
        while (!stop_) {
          auto receipt = client.Submit(
              keys[t], testing::AwardBody(fund.round_id, initiative, 1));
          if (!receipt.ok()) {
            failures_++;
            return;
          }
          committed_++;
        }
      });
    }
  }
  ~Writers() { Stop(); }
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  uint64_t committed() const { return committed_; }
  int failures() const { return failures_; }
  // Waits until `more` awards have been committed since the call; false if
  // a writer failed or 60 s passed first.
  bool WaitFor(uint64_t more) {
    const uint64_t target = committed_ + more;
    return testing::WaitFor(
               [&] { return committed_ >= target || failures_ != 0; },
               std::chrono::seconds(60), std::chrono::milliseconds(2)) &&
           failures_ == 0;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> committed_{0};
  std::atomic<int> failures_{0};
  std::vector<std::thread> threads_;
};

// Checks a restored ledger the way an auditor would, from its files alone.
void ExpectVerifiedLedger(const testing::TestLedger& ledger,
                          const std::string& db, const std::string& scratch,
                          uint64_t* size) {
  auto store = OpenRocksLogStore(db);
  ASSERT_TRUE(store.ok()) << store.status();
  auto cp =
      OpenCheckpoint((*store)->checkpoint(), ledger.log_key(), ledger.origin);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->size, (*store)->size());
  EXPECT_EQ(cp->root, (*store)->root());
  *size = cp->size;

  auto replayed = CreateRocksLogStore(scratch);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  absl::Status replay = fund::ReplayLog(**store, **replayed);
  ASSERT_TRUE(replay.ok()) << replay;
  EXPECT_EQ((*replayed)->root(), cp->root);
  auto restored_digest = fund::StateDigest(**store);
  auto replay_digest = fund::StateDigest(**replayed);
  ASSERT_TRUE(restored_digest.ok() && replay_digest.ok());
  EXPECT_EQ(*restored_digest, *replay_digest);
}

TEST(BackupTest, OnlineBackupWhileFourClientsWriteRestoresAVerifiedLedger) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const std::string root = ledger->dir.path();
  testing::UurodProcess uurod(ledger->data, {"--rate-limit", "0"});
  ASSERT_TRUE(uurod.Start().ok());
  EXPECT_TRUE(fs::exists(ledger->data + "/admin.sock"));
  LedgerClient setup(uurod.Channel());
  std::vector<SecretKey> keys;
  for (int i = 0; i < kWriters; ++i) keys.push_back(SecretKey::Generate());
  std::vector<const SecretKey*> key_ptrs;
  for (const SecretKey& k : keys) key_ptrs.push_back(&k);
  SecretKey owner = SecretKey::Generate();
  auto fund = testing::SetUpOpenRound(
      setup, ledger->steward, key_ptrs, owner,
      {.allowance = 100000, .max_share_percent = 100, .initiatives = 2});
  ASSERT_TRUE(fund.ok()) << fund.status();

  Writers writers(uurod.address(), *fund, keys);
  ASSERT_TRUE(writers.WaitFor(40)) << writers.failures() << " failures";
  const uint64_t before = writers.committed();
  auto backup = RunCommand({testing::UurodBinary(), "backup", "--data",
                            ledger->data, "--out", root + "/backup1"});
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  // The writers kept going during and after the backup.
  ASSERT_TRUE(writers.WaitFor(40)) << writers.failures() << " failures";
  auto keyed =
      RunCommand({testing::UurodBinary(), "backup", "--data", ledger->data,
                  "--out", root + "/backup2", "--with-log-key"});
  ASSERT_EQ(keyed.exit_code, 0) << keyed.output;
  writers.Stop();
  ASSERT_EQ(writers.failures(), 0);
  EXPECT_GT(writers.committed(), before + 40);
  auto served = setup.Checkpoint();
  ASSERT_TRUE(served.ok()) << served.status();
  ASSERT_TRUE(uurod.Stop(SIGTERM).ok());

  // The signing key travels only when asked, and then only for the owner.
  EXPECT_FALSE(fs::exists(root + "/backup1/log.key"));
  struct stat key_stat {};
  ASSERT_EQ(::stat((root + "/backup2/log.key").c_str(), &key_stat), 0);
  EXPECT_EQ(key_stat.st_mode & 0777, 0600u);

  uint64_t backup_size = 0;
  ExpectVerifiedLedger(*ledger, root + "/backup1/db", root + "/replay1",
                       &backup_size);
  EXPECT_GT(backup_size, 0u);
  EXPECT_LT(backup_size, served->tree_size());

  auto restored = RunCommand({testing::UurodBinary(), "restore", "--from",
                              root + "/backup1", "--data", root + "/r1"});
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  EXPECT_NE(restored.output.find("install -m 0600"), std::string::npos)
      << restored.output;
  EXPECT_FALSE(fs::exists(root + "/r1/log.key"));
  uint64_t restored_size = 0;
  ExpectVerifiedLedger(*ledger, root + "/r1/db", root + "/replay2",
                       &restored_size);
  EXPECT_EQ(restored_size, backup_size);

  // A restore never overwrites a ledger.
  auto again = RunCommand({testing::UurodBinary(), "restore", "--from",
                           root + "/backup1", "--data", root + "/r1"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("already holds a ledger"), std::string::npos)
      << again.output;

  // With its key, a restored ledger serves and takes writes again.
  auto keyed_restore = RunCommand({testing::UurodBinary(), "restore", "--from",
                                   root + "/backup2", "--data", root + "/r2"});
  ASSERT_EQ(keyed_restore.exit_code, 0) << keyed_restore.output;
  testing::UurodProcess second(root + "/r2", {"--rate-limit", "0"});
  ASSERT_TRUE(second.Start().ok()) << second.Log();
  LedgerClient client(second.Channel());
  auto award = client.Submit(
      keys[0], testing::AwardBody(fund->round_id, fund->initiative_ids[0], 1));
  ASSERT_TRUE(award.ok()) << award.status();
  ASSERT_TRUE(second.Stop(SIGTERM).ok());

  // A stopped ledger is backed up directly, with the same checks.
  auto offline = RunCommand({testing::UurodBinary(), "backup", "--data",
                             ledger->data, "--out", root + "/backup3"});
  ASSERT_EQ(offline.exit_code, 0) << offline.output;
  uint64_t offline_size = 0;
  ExpectVerifiedLedger(*ledger, root + "/backup3/db", root + "/replay3",
                       &offline_size);
  EXPECT_EQ(offline_size, served->tree_size());
}

TEST(BackupTest, RestoreRefusesAWrongLogKeyAndADamagedBackup) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const std::string root = ledger->dir.path();
  auto backup = RunCommand({testing::UurodBinary(), "backup", "--data",
                            ledger->data, "--out", root + "/b"});
  ASSERT_EQ(backup.exit_code, 0) << backup.output;

  // A key that is not this log's is refused, and nothing is left behind.
  auto other = testing::InitTestLedger();
  ASSERT_NE(other, nullptr);
  auto wrong = RunCommand({testing::UurodBinary(), "restore", "--from",
                           root + "/b", "--data", root + "/r", "--log-key",
                           other->data + "/log.key"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.output.find("is not the log key"), std::string::npos)
      << wrong.output;
  EXPECT_FALSE(fs::exists(root + "/r/db"));

  // A backup whose verifier key was swapped is not restored.
  fs::copy_file(other->data + "/log.vkey", root + "/b/log.vkey",
                fs::copy_options::overwrite_existing);
  auto swapped = RunCommand({testing::UurodBinary(), "restore", "--from",
                             root + "/b", "--data", root + "/r"});
  EXPECT_NE(swapped.exit_code, 0);
  EXPECT_NE(swapped.output.find("genesis names"), std::string::npos)
      << swapped.output;
  EXPECT_FALSE(fs::exists(root + "/r/db"));
}

}  // namespace
}  // namespace uuro
