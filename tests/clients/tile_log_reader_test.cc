// The tiles reader that `uurod rebuild` and `follow` share, against a real
// uurod's HTTP listener: it opens checkpoints only with the pinned key,
// reads entries that lead to the signed root, tells a missing tile from a
// mirror that is down, and proves (or refuses) that a local tree is a prefix
// of the signed one.
#include "ledger/net/tile_log_reader.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "clients/ledger_client.h"
#include "ledger/tlog/merkle.h"
#include "tests/testing/http_uurod_fixture.h"
#include "tests/testing/uurod_helpers.h"

namespace uuro::client {
namespace {

class TileLogReaderTest : public testing::HttpUurodTest {
 protected:
  void SetUp() override {
    HttpUurodTest::SetUp();
    if (HasFatalFailure()) return;
    // 1 + 2 enrollments + round + 3 initiatives: 7 entries.
    auto fund =
        SeedFund({.allowance = 10, .max_share_percent = 100, .initiatives = 3});
    ASSERT_TRUE(fund.ok()) << fund.status();
    auto reader = TileLogReader::Create(HttpUrl() + "/", ledger_->log_key());
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_ = *std::move(reader);
  }

  std::unique_ptr<TileLogReader> reader_;
};

TEST_F(TileLogReaderTest, ReadsAVerifiedCheckpointAndEntriesThatGiveItsRoot) {
  auto cp = reader_->FetchCheckpoint();
  ASSERT_TRUE(cp.ok()) << cp.status();
  ASSERT_EQ(cp->checkpoint.size, 7u);
  absl::Status later;
  auto entries =
      reader_->FetchEntries(0, cp->checkpoint.size, cp->checkpoint, &later);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_TRUE(later.ok());
  ASSERT_EQ(entries->size(), 7u);
  TreeFrontier tree;
  for (const Bytes& e : *entries) tree.Append(HashLeaf(e), nullptr);
  EXPECT_EQ(tree.Root(), cp->checkpoint.root);

  // A prefix is proven, a tree with another root is not.
  TreeFrontier prefix;
  for (size_t i = 0; i < 3; ++i)
    prefix.Append(HashLeaf((*entries)[i]), nullptr);
  EXPECT_TRUE(CheckExtends(*reader_, 3, prefix.Root(), cp->checkpoint).ok());
  EXPECT_TRUE(
      CheckExtends(*reader_, 7, cp->checkpoint.root, cp->checkpoint).ok());
  Hash other = prefix.Root();
  other[0] ^= 1;
  EXPECT_EQ(CheckExtends(*reader_, 3, other, cp->checkpoint).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(CheckExtends(*reader_, 7, other, cp->checkpoint).code(),
            absl::StatusCode::kDataLoss);
  // More than the signed tree holds: a rollback, or another log.
  EXPECT_EQ(CheckExtends(*reader_, 8, other, cp->checkpoint).code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(TileLogReaderTest, RefusesACheckpointSignedByAnotherKey) {
  auto other = testing::InitTestLedger();
  ASSERT_NE(other, nullptr);
  auto reader = TileLogReader::Create("http://" + uurod_->http_address(),
                                      other->log_key());
  ASSERT_TRUE(reader.ok());
  auto cp = (*reader)->FetchCheckpoint();
  EXPECT_FALSE(cp.ok());
  EXPECT_NE(cp.status().message().find("does not verify with the log key"),
            std::string::npos)
      << cp.status();
}

TEST_F(TileLogReaderTest, TellsAMissingTileFromAMirrorThatIsDown) {
  auto missing = reader_->FetchTile({0, 5, kTileWidth});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  // A port nobody listens on: the port uurod had, after it stopped.
  const std::string address = uurod_->http_address();
  reader_.reset();  // Its keep-alive connection would hold the stop up.
  ASSERT_TRUE(uurod_->Stop(SIGTERM).ok());
  auto down = TileLogReader::Create("http://" + address, ledger_->log_key(),
                                    {.attempts = 2, .first_backoff_ms = 10});
  ASSERT_TRUE(down.ok());
  EXPECT_EQ((*down)->FetchCheckpoint().status().code(),
            absl::StatusCode::kUnavailable);

  for (const char* url :
       {"ftp://mirror.example/uuro", "mirror.example", "http://"}) {
    EXPECT_EQ(TileLogReader::Create(url, ledger_->log_key()).status().code(),
              absl::StatusCode::kInvalidArgument)
        << url;
  }
}

}  // namespace
}  // namespace uuro::client
