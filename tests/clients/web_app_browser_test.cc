// The web app in a real browser against a real uurod: a demo fund seeded by
// uuro-demo-seed, then clients/web/test/e2e/run.mjs drives headless Chromium
// (playwright-core) through joining, awarding, withdrawing, moving, receipts
// (and forged proofs), refusals, proposing, redeeming, reporting, the
// council's figures against `uuro audit totals`, axe-core on every page and a
// phone-sized viewport. The web app must be built (scripts/build does it);
// node and Chromium come from scripts/setup.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

constexpr char kChromium[] = "/usr/bin/chromium";
constexpr char kWebDir[] = UURO_WEB_DIR;

TEST(WebAppBrowserTest, ResidentsOwnersAndCouncilInTheBrowser) {
  // RunCommand does not search PATH: find node the way a shell does.
  testing::CommandResult which =
      testing::RunCommand({"/bin/sh", "-c", "command -v node"});
  std::string node = which.output.substr(0, which.output.find('\n'));
  if (which.exit_code != 0 || node.empty() ||
      !std::filesystem::exists(kChromium)) {
    GTEST_SKIP() << "node or " << kChromium << " is not installed";
  }
  const std::string web = kWebDir;
  ASSERT_TRUE(std::filesystem::exists(web + "/dist/index.html"))
      << web << "/dist/index.html is missing: build the web app first "
      << "(scripts/build, or cd clients/web && npm ci && npm run build)";
  ASSERT_TRUE(std::filesystem::exists(web + "/node_modules/playwright-core"))
      << "playwright-core is missing: cd clients/web && npm ci";

  // A council of one whose approval large redemptions and an early close
  // need, as the demo fund of scripts/run has.
  auto ledger = testing::InitTestLedger({"--council-quorum", "1"});
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(ledger->data,
                              {"--http-listen", "127.0.0.1:0", "--web-root",
                               web + "/dist", "--rate-limit", "0"});
  ASSERT_TRUE(uurod.Start().ok()) << uurod.Log();

  std::string demo = ledger->dir.Sub("demo");
  std::filesystem::create_directories(demo);
  ASSERT_TRUE(SaveSecretKey(ledger->steward, demo + "/steward.key").ok());
  ASSERT_TRUE(SaveSecretKey(ledger->council, demo + "/council.key").ok());
  std::string seed = std::filesystem::path(testing::UuroBinary())
                         .replace_filename("uuro-demo-seed")
                         .string();
  testing::CommandResult seeded =
      testing::RunCommand({seed, "--server", uurod.address(), "--demo", demo});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.output;

  testing::CommandResult run = testing::RunCommand(
      {node, web + "/test/e2e/run.mjs", "http://" + uurod.http_address(), demo,
       testing::UuroBinary(), uurod.address(), ledger->data + "/log.vkey"},
      {"XDG_STATE_HOME=" + ledger->dir.Sub("state")});
  EXPECT_EQ(run.exit_code, 0) << run.output << "\nuurod:\n" << uurod.Log();
  std::printf("%s", run.output.c_str());
}

}  // namespace
}  // namespace uuro
