// `uurod rebuild` from a tiles mirror of a real uurod: the rebuilt ledger is
// the original, byte for byte in its state; an interrupted rebuild resumes
// where it stopped; a mirror that serves a tampered entry or checkpoint is
// refused, and nothing it served is kept.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/status_macros.h"
#include "tests/testing/http_uurod_fixture.h"
#include "tests/testing/tile_proxy.h"
#include "tests/testing/uurod_helpers.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;

// Awards enough for three entry bundles, quickly (SubmitBatch).
absl::Status AddAwards(client::LedgerClient& client, const SecretKey& key,
                       const testing::OpenFund& fund, int count) {
  v1::SubmitBatchRequest request;
  for (int i = 0; i < count; ++i) {
    auto envelope = client.Sign(
        key, testing::AwardBody(fund.round_id, fund.initiative_ids[0], 1));
    if (!envelope.ok()) return envelope.status();
    request.add_envelopes(std::string(AsString(*envelope)));
  }
  grpc::ClientContext context;
  v1::SubmitBatchResponse response;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      client.ledger().SubmitBatch(&context, request, &response)));
  for (const v1::SubmitResult& result : response.results()) {
    if (result.code() != 0) return absl::InternalError(result.message());
  }
  return absl::OkStatus();
}

class RebuildTest : public testing::HttpUurodTest {
 protected:
  void SetUp() override {
    HttpUurodTest::SetUp();
    if (HasFatalFailure()) return;
    auto fund = SeedFund(
        {.allowance = 100000, .max_share_percent = 100, .initiatives = 1});
    ASSERT_TRUE(fund.ok()) << fund.status();
    // 3 bundles and a partial one, so every kind of bundle is rebuilt.
    absl::Status added = AddAwards(*client_, resident_, *fund, 800);
    ASSERT_TRUE(added.ok()) << added;
    auto cp = client_->Checkpoint();
    ASSERT_TRUE(cp.ok());
    served_size_ = cp->tree_size();
    ASSERT_GT(served_size_, 3 * 256u);
  }

  testing::CommandResult Rebuild(const std::string& url,
                                 const std::string& data) {
    return RunCommand({testing::UurodBinary(), "rebuild", "--from", url,
                       "--vkey", ledger_->data + "/log.vkey", "--data", data,
                       "--commit-entries", "256"});
  }
  std::string Mirror() const { return HttpUrl(); }

  // The rebuilt ledger against the original, once the server has stopped.
  void ExpectSameAsOriginal(const std::string& data) {
    ASSERT_TRUE(uurod_->Stop(SIGTERM).ok());
    auto original = testing::SnapshotLedger(ledger_->data + "/db");
    auto rebuilt = testing::SnapshotLedger(data + "/db");
    ASSERT_TRUE(original.ok()) << original.status();
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
    EXPECT_EQ(rebuilt->size, served_size_);
    EXPECT_EQ(rebuilt->size, original->size);
    EXPECT_EQ(rebuilt->root, original->root);
    EXPECT_EQ(rebuilt->state_digest, original->state_digest);
    EXPECT_EQ(rebuilt->checkpoint, original->checkpoint);
    EXPECT_FALSE(fs::exists(data + "/log.key"));
    EXPECT_TRUE(fs::exists(data + "/log.vkey"));
  }

  uint64_t HeldEntries(const std::string& data) {
    auto store = OpenRocksLogStore(data + "/db");
    return store.ok() ? (*store)->size() : 0;
  }

  uint64_t served_size_ = 0;
};

TEST_F(RebuildTest, FromAnHttpMirrorGivesTheOriginalStateDigest) {
  const std::string data = ledger_->dir.Sub("rebuilt");
  auto result = Rebuild(Mirror(), data);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("install -m 0600"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(absl::StrCat(served_size_, "/", served_size_,
                                            " entries (100%)")),
            std::string::npos)
      << result.output;
  // Run again: nothing new to fetch, and it says it holds the whole log.
  auto again = Rebuild(Mirror(), data);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  ExpectSameAsOriginal(data);
}

TEST_F(RebuildTest, FromAStaticMirrorUnderAPathPrefix) {
  // `uuro mirror` writes the tiles as files; a plain file server serves
  // them under /uuro/, as nginx would.
  const std::string files = ledger_->dir.Sub("mirror");
  auto mirrored = RunCommand(
      {testing::UuroBinary(), "--server", uurod_->address(), "--vkey",
       ledger_->data + "/log.vkey", "mirror", "--out", files},
      {"XDG_STATE_HOME=" + ledger_->dir.Sub("state")});
  ASSERT_EQ(mirrored.exit_code, 0) << mirrored.output;
  httplib::Server web;
  ASSERT_TRUE(web.set_mount_point("/uuro", files));
  const int port = web.bind_to_any_port("127.0.0.1");
  std::thread serving([&web] { web.listen_after_bind(); });
  while (!web.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string data = ledger_->dir.Sub("rebuilt");
  auto result =
      Rebuild(absl::StrCat("http://127.0.0.1:", port, "/uuro/"), data);
  web.stop();
  serving.join();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ExpectSameAsOriginal(data);
}

TEST_F(RebuildTest, AnInterruptedRebuildResumesWhereItStopped) {
  // The mirror goes down after the first entry bundle.
  testing::TileProxy proxy(uurod_->http_address(),
                           [](const std::string& path, httplib::Response& res) {
                             if (path.starts_with("/tile/entries/") &&
                                 !path.starts_with("/tile/entries/000")) {
                               res.status = 503;
                               res.body = "down for maintenance\n";
                             }
                           });
  const std::string data = ledger_->dir.Sub("rebuilt");
  auto cut = Rebuild(proxy.url(), data);
  ASSERT_NE(cut.exit_code, 0) << cut.output;
  EXPECT_NE(cut.output.find("run the same command again to resume"),
            std::string::npos)
      << cut.output;
  EXPECT_EQ(HeldEntries(data), 256u);

  proxy.set_rewrite(nullptr);
  proxy.clear_requests();
  auto resumed = Rebuild(proxy.url(), data);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  // The first bundle, verified and kept, was not fetched again.
  std::vector<std::string> asked = proxy.requests();
  EXPECT_EQ(std::count(asked.begin(), asked.end(), "/tile/entries/000"), 0);
  EXPECT_EQ(std::count(asked.begin(), asked.end(), "/tile/entries/001"), 1);
  ExpectSameAsOriginal(data);
}

TEST_F(RebuildTest, AMirrorServingATamperedEntryIsRefused) {
  // One byte of the last entry of the second bundle changes.
  testing::TileProxy proxy(uurod_->http_address(),
                           [](const std::string& path, httplib::Response& res) {
                             if (path == "/tile/entries/001") {
                               res.body.back() ^= 0x01;
                             }
                           });
  const std::string data = ledger_->dir.Sub("rebuilt");
  auto refused = Rebuild(proxy.url(), data);
  ASSERT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("entries [256, 512) that are not the ones its "
                                "signed checkpoint"),
            std::string::npos)
      << refused.output;
  // What came before the tampered bundle was verified and kept; nothing after.
  EXPECT_EQ(HeldEntries(data), 256u);
}

TEST_F(RebuildTest, AMirrorServingATamperedCheckpointIsRefused) {
  testing::TileProxy proxy(uurod_->http_address(),
                           [](const std::string& path, httplib::Response& res) {
                             if (path == "/checkpoint") {
                               // A larger tree size than the log signed.
                               size_t line = res.body.find('\n');
                               res.body.insert(line + 1, "1");
                             }
                           });
  const std::string data = ledger_->dir.Sub("rebuilt");
  auto refused = Rebuild(proxy.url(), data);
  ASSERT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("does not verify with the log key"),
            std::string::npos)
      << refused.output;
  EXPECT_EQ(HeldEntries(data), 0u);
}

}  // namespace
}  // namespace uuro
