// The uuro command line against a real uurod, as people use it: every role's
// verbs through a whole round, readable refusals, and `audit verify`.
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/testing/test_clock.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using testing::CommandResult;

class UuroCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    // uurod's clock runs with the system's until a test moves it ahead.
    clock_ = std::make_unique<testing::TestClock>(ledger_->dir.Sub("clock"));
    uurod_ =
        std::make_unique<testing::UurodProcess>(ledger_->data, clock_->Args());
    ASSERT_TRUE(uurod_->Start().ok());
    steward_key_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_key_).ok());
  }

  // Runs uuro with the server, the pinned log key and a private state folder.
  testing::CommandResult Uuro(const std::vector<std::string>& args,
                              const std::string& key = "") {
    return testing::RunUuro(*ledger_, uurod_->address(), args, key);
  }

  // Runs uuro --json and parses what it printed.
  nlohmann::json Json(std::vector<std::string> args,
                      const std::string& key = "") {
    args.insert(args.begin(), "--json");
    CommandResult r = Uuro(args, key);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto json = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << r.output;
    return json;
  }

  std::string NewKey(const std::string& name) {
    std::string path = ledger_->dir.Sub(name + ".key");
    CommandResult r = Uuro({"key", "new", "--out", path});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(std::filesystem::status(path).permissions() &
                  std::filesystem::perms::all,
              std::filesystem::perms::owner_read |
                  std::filesystem::perms::owner_write);
    return path;
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::TestClock> clock_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::string steward_key_;
};

TEST_F(UuroCliTest, WholeRoundThenAuditVerifyPasses) {
  std::string alice = NewKey("alice");
  std::string owner = NewKey("owner");
  for (const std::string& key : {alice, owner}) {
    CommandResult r =
        Uuro({"enroll", key, "--district", "harbour"}, steward_key_);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("receipt verified and saved"), std::string::npos);
  }
  auto round = Json(
      {"round", "open", "--allowance", "100", "--credit-value-cents", "50",
       "--closes-in", "60s", "--max-share", "60", "--trust-threshold", "10"},
      steward_key_);
  auto initiative =
      Json({"propose", "--title", "Repair café", "--district", "harbour",
            "--amount", "300", "--link", "https://example.org/cafe"},
           owner);
  std::string id = std::to_string(initiative["index"].get<uint64_t>());

  CommandResult award = Uuro({"award", id, "40"}, alice);
  ASSERT_EQ(award.exit_code, 0) << award.output;
  EXPECT_NE(award.output.find("awarded 40 Uuro to initiative " + id),
            std::string::npos)
      << award.output;
  ASSERT_EQ(Uuro({"withdraw", id, "5"}, alice).exit_code, 0);
  auto balance = Json({"balance"}, alice);
  EXPECT_EQ(balance["balance"], 65);
  EXPECT_EQ(balance["awards"][0]["amount"], 35);

  // A refusal is one line with the code and the server's reason.
  CommandResult refused = Uuro({"award", id, "70"}, alice);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.output.rfind("uuro: FAILED_PRECONDITION: ", 0), 0u)
      << refused.output;
  EXPECT_EQ(std::count(refused.output.begin(), refused.output.end(), '\n'), 1);

  // Past the round's end on uurod's clock (it closes 60 s after it opened).
  clock_->SetOffset(61'000);
  ASSERT_EQ(Uuro({"round", "close"}, steward_key_).exit_code, 0);
  auto small = Json({"redeem", id, "10", "--purpose", "Coffee"}, owner);
  auto large = Json({"redeem", id, "20", "--purpose", "Tools"}, owner);
  std::string large_id = std::to_string(large["index"].get<uint64_t>());
  EXPECT_EQ(Json({"redemption", large_id})["status"], "pending");
  ASSERT_EQ(Uuro({"settle", large_id, "--reference", "INV-1"}, steward_key_)
                .exit_code,
            0);
  EXPECT_EQ(Json({"redemption", large_id})["status"], "settled");
  EXPECT_EQ(Json({"redemption",
                  std::to_string(small["index"].get<uint64_t>())})["status"],
            "settled by rule");
  ASSERT_EQ(
      Uuro({"report", id, "--text", "Open every Saturday"}, owner).exit_code,
      0);

  auto shown = Json({"initiative", id});
  EXPECT_EQ(shown["received_final"], 35);
  EXPECT_EQ(shown["redeemed"], 30);
  EXPECT_EQ(shown["balance"], 5);
  EXPECT_EQ(shown["reports"].size(), 1u);
  auto totals = Json({"audit", "totals"});
  EXPECT_EQ(totals["round"], round["index"]);
  EXPECT_EQ(totals["issued"], 200);
  EXPECT_EQ(totals["lapsed"], 165);
  EXPECT_EQ(totals["redemptions"]["settled"], 30);

  auto verified = Json({"audit", "verify"});
  EXPECT_EQ(verified["tree_size"], Json({"fund"})["entries"]);
  EXPECT_EQ(verified["rounds_compared"], 1);

  // The saved receipt of the award checks out offline and online.
  std::string receipt = award.output.substr(award.output.rfind(' ') + 1);
  receipt.erase(receipt.find_last_not_of("\n") + 1);
  CommandResult offline = Uuro({"receipt", "verify", "--offline", receipt});
  EXPECT_EQ(offline.exit_code, 0) << offline.output;
  CommandResult online = Uuro({"receipt", "verify", receipt});
  EXPECT_EQ(online.exit_code, 0) << online.output;
  EXPECT_NE(online.output.find("still in the current log"), std::string::npos);
}

TEST_F(UuroCliTest, UnreachableServerIsOneClearLine) {
  CommandResult r = testing::RunCommand(
      {testing::UuroBinary(), "--server", "127.0.0.1:1", "initiatives"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot reach the ledger at 127.0.0.1:1"),
            std::string::npos)
      << r.output;
}

TEST_F(UuroCliTest, EveryVerbHasHelpWithAnExample) {
  for (std::vector<std::string> verb : {std::vector<std::string>{"award"},
                                        {"withdraw"},
                                        {"balance"},
                                        {"history"},
                                        {"propose"},
                                        {"initiatives"},
                                        {"initiative"},
                                        {"redeem"},
                                        {"report"},
                                        {"enroll"},
                                        {"revoke"},
                                        {"round", "open"},
                                        {"round", "close"},
                                        {"settle"},
                                        {"reject"},
                                        {"suspend"},
                                        {"reinstate"},
                                        {"audit", "totals"},
                                        {"audit", "verify"},
                                        {"receipt", "verify"},
                                        {"key", "new"},
                                        {"key", "show"},
                                        {"fund"},
                                        {"redemption"}}) {
    verb.push_back("--help");
    CommandResult r = Uuro(verb);
    EXPECT_EQ(r.exit_code, 0) << verb[0];
    EXPECT_NE(r.output.find("Example"), std::string::npos) << verb[0];
  }
}

TEST_F(UuroCliTest, SigningWithoutAKeySaysHowToMakeOne) {
  CommandResult r = Uuro({"award", "1", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("uuro key new"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace uuro
