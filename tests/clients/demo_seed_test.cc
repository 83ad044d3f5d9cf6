// uuro-demo-seed, as scripts/run uses it, against a real uurod with its
// default per-key rate limit: the steward's 200 enrollments and the round go
// over the burst, and the seeder must wait and carry on, not give up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "clients/ledger_client.h"
#include "ledger/fund/invite_code.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

TEST(DemoSeedTest, FillsAFreshLedgerWithinTheDefaultRateLimit) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(ledger->data);
  ASSERT_TRUE(uurod.Start().ok());
  std::string demo = ledger->dir.Sub("demo");
  std::filesystem::create_directories(demo);
  ASSERT_TRUE(SaveSecretKey(ledger->steward, demo + "/steward.key").ok());

  std::string seed = std::filesystem::path(testing::UuroBinary())
                         .replace_filename("uuro-demo-seed")
                         .string();
  testing::CommandResult r =
      testing::RunCommand({seed, "--server", uurod.address(), "--demo", demo});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("recorded 300 awards"), std::string::npos)
      << r.output;

  client::LedgerClient client(uurod.Channel());
  auto fund = client.Fund();
  ASSERT_TRUE(fund.ok()) << fund.status();
  EXPECT_EQ(fund->active_residents(), 200u);
  EXPECT_EQ(fund->initiatives(), 12u);
  EXPECT_NE(fund->open_round(), 0u);
  // 1 genesis + 1 definition of the districts genesis lacked + 200
  // enrollments + 12 proposals + 1 round + 300 awards + 1 batch of invites.
  EXPECT_EQ(fund->entries(), 516u);
  // The test ledger defines four; the seed adds the four it lacks.
  EXPECT_EQ(fund->defined_districts_size(), 8);
  std::ifstream ids(demo + "/initiatives.txt");
  int lines = 0;
  for (std::string line; std::getline(ids, line);) ++lines;
  EXPECT_EQ(lines, 12);
  // Five invite codes to try joining with, each a well-formed code.
  std::ifstream invites(demo + "/invites.txt");
  int codes = 0;
  for (std::string line; std::getline(invites, line); ++codes) {
    EXPECT_TRUE(fund::ParseInviteCode(line).ok()) << line;
  }
  EXPECT_EQ(codes, 5);
}

}  // namespace
}  // namespace uuro
