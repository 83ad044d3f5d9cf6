// uurod never signs a fork of a checkpoint it already handed out, even when
// its store lost the tail that checkpoint covers (a disk that did not keep
// synced writes, an older copy of db/ put back): it refuses to start, says to
// rebuild from a mirror, and signs nothing. Also the record itself
// (services/published_checkpoint.h): a torn slot leaves the previous record.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/keys.h"
#include "services/data_dir.h"
#include "services/published_checkpoint.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;
using client::LedgerClient;
using server::DataDir;
using server::PublishedCheckpointFile;

std::optional<std::string> PublishedNote(const DataDir& dir) {
  auto file = PublishedCheckpointFile::Open(dir.published_checkpoint());
  if (!file.ok()) return std::nullopt;
  return (*file)->latest();
}

class ForkGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    dir_ = DataDir{ledger_->data};
  }

  // Serves the ledger, enrolls `n` residents, and stops it cleanly; returns
  // the last checkpoint handed out.
  std::string ServeAndEnroll(uint64_t n) {
    testing::UurodProcess uurod(ledger_->data);
    absl::Status started = uurod.Start();
    EXPECT_TRUE(started.ok()) << started << uurod.Log();
    if (!started.ok()) return "";
    LedgerClient client(uurod.Channel());
    EXPECT_TRUE(testing::EnrollMany(client, ledger_->steward, n).ok());
    auto cp = client.Checkpoint();
    EXPECT_TRUE(cp.ok());
    EXPECT_EQ(uurod.Stop(SIGTERM).value_or(-1), 0);
    return cp.ok() ? cp->checkpoint() : "";
  }

  // Starts uurod on the ledger as it is and expects the refusal; then
  // checks that nothing was signed: the record and the store's checkpoint
  // are what they were.
  void ExpectRefusal(const std::string& why) {
    const auto record_before = PublishedNote(dir_);
    auto store_before = testing::SnapshotLedger(dir_.db());
    ASSERT_TRUE(store_before.ok());
    testing::UurodProcess uurod(ledger_->data);
    absl::Status started = uurod.Start();
    ASSERT_FALSE(started.ok()) << "uurod served a store behind its checkpoint";
    const std::string log = uurod.Log();
    EXPECT_NE(log.find(why), std::string::npos) << log;
    EXPECT_NE(log.find("refuses to serve"), std::string::npos) << log;
    EXPECT_NE(log.find("uurod rebuild --from"), std::string::npos) << log;
    EXPECT_EQ(PublishedNote(dir_), record_before);
    auto store_after = testing::SnapshotLedger(dir_.db());
    ASSERT_TRUE(store_after.ok());
    EXPECT_EQ(store_after->checkpoint, store_before->checkpoint);
    EXPECT_EQ(store_after->size, store_before->size);
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  DataDir dir_;
};

TEST_F(ForkGuardTest, RecordsEveryCheckpointItHandsOut) {
  const std::string last = ServeAndEnroll(5);
  ASSERT_FALSE(last.empty());
  EXPECT_EQ(PublishedNote(dir_), last);
}

TEST_F(ForkGuardTest, RefusesAStoreThatLostItsTail) {
  ASSERT_FALSE(ServeAndEnroll(3).empty());
  // An older copy of db/, as a lost tail or a stale backup leaves it.
  const std::string old_db = ledger_->dir.path() + "/old-db";
  fs::copy(dir_.db(), old_db, fs::copy_options::recursive);
  const std::string published = ServeAndEnroll(4);
  ASSERT_FALSE(published.empty());
  fs::remove_all(dir_.db());
  fs::rename(old_db, dir_.db());
  ExpectRefusal("already published a checkpoint of");
  EXPECT_EQ(PublishedNote(dir_), published);
}

TEST_F(ForkGuardTest, RefusesAStoreWithAnotherTreeAtThePublishedSize) {
  const std::string last = ServeAndEnroll(2);
  ASSERT_FALSE(last.empty());
  auto cp = OpenCheckpoint(last, ledger_->log_key(), ledger_->origin);
  ASSERT_TRUE(cp.ok());
  // A checkpoint of the same size over another tree, signed by the log key:
  // what a store that lost its tail and took other entries would fork from.
  auto key = LoadSecretKey(dir_.log_key());
  ASSERT_TRUE(key.ok());
  auto signer = NoteSigner::Create(ledger_->log_key().name(), *std::move(key));
  ASSERT_TRUE(signer.ok());
  Checkpoint other = *cp;
  other.root[0] ^= 1;
  auto note = SignCheckpoint(other, *signer);
  ASSERT_TRUE(note.ok());
  auto file = PublishedCheckpointFile::Open(dir_.published_checkpoint());
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Write(*note).ok());
  file->reset();
  ExpectRefusal("is not consistent with the checkpoint");
}

TEST_F(ForkGuardTest, ServesAStoreAheadOfItsRecord) {
  // A crash between a commit and its record leaves the store ahead: that is
  // no fork, and the store's checkpoint is recorded before it is served.
  ASSERT_FALSE(ServeAndEnroll(2).empty());
  const auto record = PublishedNote(dir_);
  ASSERT_TRUE(record.has_value());
  const std::string saved = ledger_->dir.path() + "/saved-record";
  fs::copy_file(dir_.published_checkpoint(), saved);
  const std::string last = ServeAndEnroll(3);
  fs::copy_file(saved, dir_.published_checkpoint(),
                fs::copy_options::overwrite_existing);
  testing::UurodProcess uurod(ledger_->data);
  ASSERT_TRUE(uurod.Start().ok()) << uurod.Log();
  EXPECT_EQ(PublishedNote(dir_), last);
}

TEST(PublishedCheckpointFileTest, ATornSlotLeavesThePreviousRecord) {
  testing::TempDir tmp;
  const std::string path = tmp.path() + "/published-checkpoint";
  {
    auto file = PublishedCheckpointFile::Open(path);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ((*file)->latest(), std::nullopt);
    for (const char* note : {"one\n", "two\n", "three\n"}) {
      ASSERT_TRUE((*file)->Write(note).ok());
    }
    EXPECT_EQ((*file)->latest(), "three\n");
  }
  EXPECT_EQ(fs::file_size(path), 8192u);
  {
    auto file = PublishedCheckpointFile::Open(path);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ((*file)->latest(), "three\n");
  }
  // "three" is the third record: slot 0. Tear it in its middle.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(22);
    f.write("X", 1);
  }
  auto file = PublishedCheckpointFile::Open(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->latest(), "two\n");
  // The next record goes to the torn slot's turn again and wins.
  ASSERT_TRUE((*file)->Write("four\n").ok());
  file->reset();
  auto reopened = PublishedCheckpointFile::Open(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->latest(), "four\n");
}

TEST(PublishedCheckpointFileTest, NoWholeSlotIsDataLoss) {
  testing::TempDir tmp;
  const std::string path = tmp.path() + "/published-checkpoint";
  std::ofstream(path) << std::string(8192, 'x');
  EXPECT_TRUE(absl::IsDataLoss(PublishedCheckpointFile::Open(path).status()));
}

}  // namespace
}  // namespace uuro
