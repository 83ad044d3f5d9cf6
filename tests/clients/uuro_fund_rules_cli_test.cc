// Fund rules v2 through the uuro command line against a real uurod: defined
// districts, office keys kept out of the residents, and redemptions held to
// each round's threshold however they are split, with the council quorum.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "nlohmann/json.hpp"
#include "tests/testing/uuro_cli_fixture.h"

namespace uuro {
namespace {

using testing::CommandResult;

class FundRulesCliTest : public testing::UuroCliFixture {
 protected:
  void SetUp() override { StartLedger(init_args_); }

  // Expects a one-line refusal with this code and these words.
  void ExpectRefused(const std::vector<std::string>& args,
                     const std::string& key, const std::string& code,
                     const std::string& words) {
    CommandResult r = Uuro(args, key);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.output.rfind("uuro: " + code + ": ", 0), 0u) << r.output;
    EXPECT_NE(r.output.find(words), std::string::npos) << r.output;
  }

  std::string Redeem(const std::string& initiative, const std::string& amount,
                     const std::string& owner) {
    auto r = Json({"redeem", initiative, amount, "--purpose", "Timber"}, owner);
    return std::to_string(r["index"].get<uint64_t>());
  }

  std::vector<std::string> init_args_ = {"--council-quorum", "1"};
};

class MinDistrictSizeCliTest : public FundRulesCliTest {
 protected:
  MinDistrictSizeCliTest() { init_args_ = {"--min-district-size", "2"}; }
};

TEST_F(MinDistrictSizeCliTest, RoundWaitsUntilEveryDistrictIsLargeEnough) {
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_EQ(Uuro({"enroll", NewKey(name), "--district",
                    name == std::string("c") ? "north" : "harbour"},
                   steward_)
                  .exit_code,
              0);
  }
  const std::vector<std::string> open = {
      "round", "open",        "--allowance", "10", "--credit-value-cents",
      "50",    "--closes-in", "1h"};
  ExpectRefused(open, steward_, "FAILED_PRECONDITION", "north (1)");
  ASSERT_EQ(
      Uuro({"enroll", NewKey("d"), "--district", "north"}, steward_).exit_code,
      0);
  CommandResult opened = Uuro(open, steward_);
  EXPECT_EQ(opened.exit_code, 0) << opened.output;
  EXPECT_NE(Uuro({"districts"}).output.find("minimum district size: 2"),
            std::string::npos);
}

TEST_F(FundRulesCliTest, NewVerbsHaveHelpWithAnExample) {
  for (std::vector<std::string> verb : {std::vector<std::string>{"redemptions"},
                                        {"approve"},
                                        {"district", "add"},
                                        {"districts"},
                                        {"office", "replace"},
                                        {"proposals"},
                                        {"proposal", "approve"},
                                        {"round", "close-early"},
                                        {"transfer"},
                                        {"transfers"}}) {
    verb.push_back("--help");
    CommandResult r = Uuro(verb);
    EXPECT_EQ(r.exit_code, 0) << verb[0];
    EXPECT_NE(r.output.find("Example"), std::string::npos) << verb[0];
  }
}

TEST_F(FundRulesCliTest, DistrictsAreDefinedOnTheLogBeforeUse) {
  std::string alice = NewKey("alice");
  ExpectRefused({"enroll", alice, "--district", "harbor"}, steward_,
                "NOT_FOUND", "district \"harbor\" is not defined");
  ExpectRefused({"district", "add", "old town"}, alice, "PERMISSION_DENIED",
                "steward");
  ASSERT_EQ(Uuro({"district", "add", "old town", "west"}, steward_).exit_code,
            0);
  ExpectRefused({"district", "add", "west"}, steward_, "ALREADY_EXISTS",
                "already defined");
  ASSERT_EQ(
      Uuro({"enroll", alice, "--district", "old town"}, steward_).exit_code, 0);
  auto districts = Json({"districts"});
  ASSERT_EQ(districts.size(), 6u) << districts;
  EXPECT_EQ(districts[2]["district"], "north");
  EXPECT_EQ(districts[3]["district"], "old town");
  EXPECT_EQ(districts[3]["residents"], 1);
  ExpectRefused({"initiatives", "--district", "harbor"}, "", "NOT_FOUND",
                "not defined");
  ExpectRefused({"enroll", council_, "--district", "north"}, steward_,
                "FAILED_PRECONDITION", "steward or council key");
  // Revocation reasons are codes: free text never reaches the log.
  CommandResult free_text =
      Uuro({"revoke", alice, "--reason", "lost phone"}, steward_);
  EXPECT_NE(free_text.exit_code, 0) << free_text.output;
  EXPECT_NE(free_text.output.find("compromised"), std::string::npos)
      << free_text.output;
  ASSERT_EQ(Uuro({"revoke", alice, "--reason", "left"}, steward_).exit_code, 0);
}

TEST_F(FundRulesCliTest, SplitAndRejectedThenSplitRequestsWaitForQuorum) {
  std::string alice = NewKey("alice");
  std::string owner = NewKey("owner");
  for (const std::string& key : {alice, owner}) {
    ASSERT_EQ(
        Uuro({"enroll", key, "--district", "harbour"}, steward_).exit_code, 0);
  }
  ASSERT_EQ(Uuro({"round", "open", "--allowance", "200", "--credit-value-cents",
                  "50", "--closes-in", "3s", "--trust-threshold", "50"},
                 steward_)
                .exit_code,
            0);
  const auto opened = std::chrono::steady_clock::now();
  auto initiative = Json({"propose", "--title", "Sauna", "--district",
                          "harbour", "--amount", "300"},
                         owner);
  std::string id = std::to_string(initiative["index"].get<uint64_t>());
  ASSERT_EQ(Uuro({"award", id, "150"}, alice).exit_code, 0);
  std::this_thread::sleep_until(opened + std::chrono::milliseconds(3200));
  ASSERT_EQ(Uuro({"round", "close"}, steward_).exit_code, 0);

  // 100 at once is pending; rejected, the credits return, and split in two
  // only the first 50 settle by rule.
  std::string whole = Redeem(id, "100", owner);
  auto pending = Json({"redemptions", "--pending"});
  ASSERT_EQ(pending.size(), 1u) << pending;
  EXPECT_EQ(std::to_string(pending[0]["id"].get<uint64_t>()), whole);
  EXPECT_EQ(pending[0]["cents"], 5000);
  ASSERT_EQ(Uuro({"reject", whole, "--reason", "Split it"}, steward_).exit_code,
            0);
  std::string first = Redeem(id, "50", owner);
  std::string second = Redeem(id, "50", owner);
  auto all = Json({"redemptions"});
  ASSERT_EQ(all.size(), 3u) << all;
  EXPECT_EQ(all[0]["status"], "rejected");
  EXPECT_EQ(all[1]["status"], "settled by rule");
  EXPECT_EQ(all[1]["draws"][0]["cents"], 2500);
  EXPECT_EQ(all[2]["status"], "pending");
  // A further split is pending too: pending counts toward the threshold.
  std::string third = Redeem(id, "1", owner);
  EXPECT_EQ(Json({"redemptions", "--pending"}).size(), 2u);

  ExpectRefused({"settle", second, "--reference", "SEPA-9"}, steward_,
                "FAILED_PRECONDITION", "needs 1 council approvals");
  ExpectRefused({"approve", second}, steward_, "PERMISSION_DENIED", "council");
  ASSERT_EQ(Uuro({"approve", second}, council_).exit_code, 0);
  ASSERT_EQ(
      Uuro({"settle", second, "--reference", "SEPA-9"}, steward_).exit_code, 0);
  auto settled = Json({"redemptions", "--pending"});
  ASSERT_EQ(settled.size(), 1u);
  EXPECT_EQ(std::to_string(settled[0]["id"].get<uint64_t>()), third);

  // The round's totals count its own credits, in credits and in euros.
  auto totals = Json({"audit", "totals"});
  EXPECT_EQ(totals["redemptions"]["settled"], 100) << totals;
  EXPECT_EQ(totals["redemptions"]["settled_cents"], 5000) << totals;
  EXPECT_EQ(totals["redemptions"]["rejected"], 100) << totals;
  EXPECT_EQ(totals["redemptions"]["pending"], 1) << totals;
  ASSERT_EQ(totals["initiatives"].size(), 1u) << totals;
  EXPECT_EQ(totals["initiatives"][0]["redeemed"], 100) << totals;
  EXPECT_EQ(totals["initiatives"][0]["redeemed_cents"], 5000) << totals;
}

TEST_F(FundRulesCliTest, CouncilGovernsOfficeKeysAndEarlyCloses) {
  // A second council key, proposed by the steward: pending until the
  // council approves; the steward cannot approve it.
  std::string council2 = NewKey("council2");
  auto added = Json({"office", "add", "--role", "council", council2}, steward_);
  std::string add_id = std::to_string(added["index"].get<uint64_t>());
  auto pending = Json({"proposals", "--pending"});
  ASSERT_EQ(pending.size(), 1u) << pending;
  EXPECT_EQ(pending[0]["key_change"]["action"], "add");
  ExpectRefused({"proposal", "approve", add_id}, steward_, "PERMISSION_DENIED",
                "council");
  ASSERT_EQ(Uuro({"proposal", "approve", add_id}, council_).exit_code, 0);
  EXPECT_EQ(Json({"proposals", "--pending"}).size(), 0u);
  ExpectRefused({"proposal", "approve", add_id}, council2,
                "FAILED_PRECONDITION", "already taken effect");

  // The steward key is lost: a council key proposes its replacement, which
  // with a quorum of one takes effect at once.
  std::string steward2 = NewKey("steward2");
  ASSERT_EQ(Uuro({"office", "replace", "--role", "steward", steward_, steward2},
                 council2)
                .exit_code,
            0);
  std::string alice = NewKey("alice");
  ExpectRefused({"enroll", alice, "--district", "harbour"}, steward_,
                "PERMISSION_DENIED", "steward");
  ASSERT_EQ(
      Uuro({"enroll", alice, "--district", "harbour"}, steward2).exit_code, 0);
  ExpectRefused({"office", "remove", "--role", "steward", steward2}, council_,
                "FAILED_PRECONDITION", "last steward");

  // A round closes early only with a public reason and the council's
  // approval; its per-district allowance and rules are shown.
  std::string owner = NewKey("owner");
  ASSERT_EQ(Uuro({"enroll", owner, "--district", "north"}, steward2).exit_code,
            0);
  ASSERT_EQ(
      Uuro({"round", "open", "--allowance", "100", "--credit-value-cents", "50",
            "--closes-in", "1h", "--district-allowance", "harbour=120"},
           steward2)
          .exit_code,
      0);
  auto round = Json({"round", "show"});
  EXPECT_EQ(round["district_allowances"]["harbour"], 120) << round;
  EXPECT_EQ(round["issued"], 220) << round;
  EXPECT_EQ(round["owner_may_award_own"], false) << round;
  std::string round_id = std::to_string(round["id"].get<uint64_t>());
  auto mine = Json(
      {"propose", "--title", "Bench", "--district", "north", "--amount", "80"},
      owner);
  std::string bench = std::to_string(mine["index"].get<uint64_t>());
  ExpectRefused({"award", bench, "10"}, owner, "FAILED_PRECONDITION",
                "award their own");
  ExpectRefused({"award", bench, "81"}, alice, "FAILED_PRECONDITION",
                "more than it asked");
  ASSERT_EQ(Uuro({"award", bench, "80"}, alice).exit_code, 0);

  auto close = Json({"round", "close-early", round_id, "--reason",
                     "Fraud found in the harbour district"},
                    steward2);
  std::string close_id = std::to_string(close["index"].get<uint64_t>());
  EXPECT_EQ(Json({"round", "show"})["closed"], false);
  ASSERT_EQ(Uuro({"proposal", "approve", close_id}, council_).exit_code, 0);
  round = Json({"round", "show", round_id});
  EXPECT_EQ(round["closed"], true) << round;
  EXPECT_EQ(round["early_close_reason"], "Fraud found in the harbour district");
  auto totals = Json({"audit", "totals", "--round", round_id});
  EXPECT_EQ(totals["early_close_reason"],
            "Fraud found in the harbour district");
  EXPECT_EQ(totals["lapsed"], 140) << totals;
  for (const auto& district : totals["districts"]) {
    if (district["residents"] == 0) continue;
    EXPECT_EQ(district["allowance"],
              district["district"] == "harbour" ? 120 : 100)
        << district;
  }

  // Credits of the closed round circulate to another owner's initiative,
  // keep their euro value, and the receiver redeems them.
  auto theirs = Json({"propose", "--title", "Timber yard", "--district",
                      "harbour", "--amount", "50"},
                     alice);
  std::string yard = std::to_string(theirs["index"].get<uint64_t>());
  ExpectRefused(
      {"transfer", "--from", bench, "--to", yard, "81", "--note", "Planks"},
      owner, "FAILED_PRECONDITION", "exceeds the balance");
  ASSERT_EQ(Uuro({"transfer", "--from", bench, "--to", yard, "30", "--note",
                  "Planks"},
                 owner)
                .exit_code,
            0);
  auto transfers = Json({"transfers", "--initiative", yard});
  ASSERT_EQ(transfers.size(), 1u) << transfers;
  EXPECT_EQ(transfers[0]["cents"], 1500) << transfers;
  auto redeemed = Json({"redeem", yard, "30", "--purpose", "Saw"}, alice);
  auto list = Json({"redemptions", "--initiative", yard});
  ASSERT_EQ(list.size(), 1u) << list;
  EXPECT_EQ(list[0]["cents"], 1500) << list;
  EXPECT_EQ(Json({"audit", "totals", "--round", round_id})["transferred"], 30);
  auto from = Json({"initiative", bench});
  EXPECT_EQ(from["transferred_out"], 30) << from;
  EXPECT_EQ(from["balance"], 50) << from;
}

}  // namespace
}  // namespace uuro
