// `uuro mirror --out DIR` against a real uurod that also serves its tiles
// over HTTP: the folder must hold byte for byte what uurod serves, a monitor
// must be able to check the checkpoint from the folder alone, and a second
// run must only add to it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/tiles.h"
#include "nlohmann/json.hpp"
#include "tests/testing/http_uurod_fixture.h"
#include "tests/testing/uurod_helpers.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class LogMirrorTest : public testing::HttpUurodTest {
 protected:
  void SetUp() override {
    HttpUurodTest::SetUp();
    if (HasFatalFailure()) return;
    mirror_ = ledger_->dir.Sub("mirror");
  }

  testing::CommandResult Mirror(const std::string& server,
                                const std::string& vkey) {
    return testing::RunCommand(
        {testing::UuroBinary(), "--server", server, "--vkey", vkey, "--json",
         "mirror", "--out", mirror_},
        {"XDG_STATE_HOME=" + ledger_->dir.Sub("state")});
  }

  // Every file of the mirror equals what uurod serves at the same path, and
  // the tiles alone lead to the mirrored checkpoint's root.
  void ExpectSameAsServed() {
    httplib::Client http("http://" + uurod_->http_address());
    size_t files = 0;
    for (const auto& f : fs::recursive_directory_iterator(mirror_)) {
      if (!f.is_regular_file()) continue;
      std::string rel = fs::relative(f.path(), mirror_).string();
      auto res = http.Get("/" + rel);
      ASSERT_TRUE(res) << rel;
      EXPECT_EQ(res->status, 200) << rel;
      EXPECT_EQ(res->body, ReadFile(f.path().string())) << rel;
      EXPECT_EQ(f.status().permissions() & fs::perms::others_read,
                fs::perms::others_read)
          << rel << " must be readable by the web server";
      ++files;
    }
    EXPECT_GT(files, 3u);
    auto cp = OpenCheckpoint(ReadFile(mirror_ + "/checkpoint"),
                             ledger_->log_key(), ledger_->origin);
    ASSERT_TRUE(cp.ok()) << cp.status();
    TileNodeReader tiles(
        [this](const TileAddress& tile) -> absl::StatusOr<Bytes> {
          std::string bytes = ReadFile(mirror_ + "/" + TilePath(tile));
          if (bytes.empty()) return absl::NotFoundError(TilePath(tile));
          return Bytes(bytes.begin(), bytes.end());
        },
        cp->size);
    auto root = RootAt(tiles, cp->size);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, cp->root);
    for (const TileAddress& tile : TilesAt(cp->size)) {
      EXPECT_TRUE(fs::exists(mirror_ + "/" + TilePath(tile))) << TilePath(tile);
    }
  }

  std::string mirror_;
};

TEST_F(LogMirrorTest, MirrorHoldsWhatUurodServesAndGrowsWithTheLog) {
  std::string vkey = ledger_->data + "/log.vkey";
  ASSERT_TRUE(testing::EnrollMany(*client_, ledger_->steward, 600).ok());
  testing::CommandResult first = Mirror(uurod_->address(), vkey);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto report = nlohmann::json::parse(first.output);
  EXPECT_EQ(report["tree_size"], 601);
  EXPECT_EQ(report["tiles_kept"], 0);
  ExpectSameAsServed();

  ASSERT_TRUE(testing::EnrollMany(*client_, ledger_->steward, 300).ok());
  testing::CommandResult second = Mirror(uurod_->address(), vkey);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  report = nlohmann::json::parse(second.output);
  EXPECT_EQ(report["tree_size"], 901);
  // The two full level-0 tiles and entry bundles of the first run stay.
  EXPECT_EQ(report["tiles_kept"], 4);
  ExpectSameAsServed();
}

TEST_F(LogMirrorTest, AMirrorOfAnotherLogIsNotOverwritten) {
  ASSERT_TRUE(testing::EnrollMany(*client_, ledger_->steward, 10).ok());
  ASSERT_EQ(Mirror(uurod_->address(), ledger_->data + "/log.vkey").exit_code,
            0);
  std::string before = ReadFile(mirror_ + "/checkpoint");
  auto other = testing::InitTestLedger();
  ASSERT_NE(other, nullptr);
  testing::UurodProcess other_uurod(other->data);
  ASSERT_TRUE(other_uurod.Start().ok());
  testing::CommandResult r =
      Mirror(other_uurod.address(), other->data + "/log.vkey");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("does not verify with the log key"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(ReadFile(mirror_ + "/checkpoint"), before);
}

}  // namespace
}  // namespace uuro
