// The uuro command line at its edges, as users meet them: a server that is
// not the pinned ledger, --json anywhere on the line and for errors, and the
// example command lines that `uurod init --help` prints.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "clients/ledger_client.h"
#include "nlohmann/json.hpp"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using testing::CommandResult;
using testing::RunCommand;

class TwoLedgersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = testing::InitTestLedger();
    b_ = testing::InitTestLedger();
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
    uurod_b_ = std::make_unique<testing::UurodProcess>(b_->data);
    absl::Status started = uurod_b_->Start();
    ASSERT_TRUE(started.ok()) << started;
    b_steward_ = b_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(b_->steward, b_steward_).ok());
  }

  uint64_t SizeOfB() {
    client::LedgerClient client(uurod_b_->Channel());
    auto cp = client.Checkpoint();
    EXPECT_TRUE(cp.ok()) << cp.status();
    return cp.ok() ? cp->tree_size() : 0;
  }

  // uuro against B's server with `vkey` pinned.
  CommandResult Uuro(const std::string& vkey,
                     const std::vector<std::string>& args) {
    std::vector<std::string> argv = {testing::UuroBinary(), "--server",
                                     uurod_b_->address(), "--vkey", vkey};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, {"XDG_STATE_HOME=" + b_->dir.Sub("state")});
  }

  std::unique_ptr<testing::TestLedger> a_;
  std::unique_ptr<testing::TestLedger> b_;
  std::unique_ptr<testing::UurodProcess> uurod_b_;
  std::string b_steward_;
};

TEST_F(TwoLedgersTest, ReadsAndWritesToAnotherLedgerAreRefusedBeforeSending) {
  const std::string a_vkey = a_->data + "/log.vkey";
  // The right pin works.
  CommandResult ok = Uuro(b_->data + "/log.vkey", {"fund"});
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  const uint64_t before = SizeOfB();

  const std::vector<std::vector<std::string>> commands = {
      {"fund"},
      {"initiatives"},
      {"--key", b_steward_, "balance"},
      {"--key", b_steward_, "award", "1", "5"},
      {"--key", b_steward_, "district", "add", "riverside"},
  };
  for (const auto& args : commands) {
    CommandResult refused = Uuro(a_vkey, args);
    EXPECT_NE(refused.exit_code, 0) << args.back() << ": " << refused.output;
    EXPECT_NE(refused.output.find("FAILED_PRECONDITION"), std::string::npos)
        << refused.output;
    // Both keys are named: the pinned one and the one the server uses.
    EXPECT_NE(refused.output.find(a_->vkey_text), std::string::npos)
        << refused.output;
    EXPECT_NE(refused.output.find(b_->vkey_text), std::string::npos)
        << refused.output;
    EXPECT_NE(refused.output.find("nothing was sent"), std::string::npos)
        << refused.output;
  }
  EXPECT_EQ(SizeOfB(), before) << "a refused write reached the log";

  // The same write with the right pin is recorded.
  CommandResult written =
      Uuro(b_->data + "/log.vkey",
           {"--key", b_steward_, "district", "add", "riverside"});
  EXPECT_EQ(written.exit_code, 0) << written.output;
  EXPECT_EQ(SizeOfB(), before + 1);
}

TEST_F(TwoLedgersTest, AKeyOfAnotherOriginIsRefused) {
  testing::TempDir dir;
  SecretKey steward = SecretKey::Generate();
  CommandResult init =
      RunCommand({testing::UurodBinary(), "init", "--data", dir.Sub("data"),
                  "--origin", "other.example/ledger", "--steward-key",
                  FormatPublicKey(steward.public_key())});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  CommandResult refused = Uuro(dir.Sub("data") + "/log.vkey", {"fund"});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("another ledger"), std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("other.example/ledger"), std::string::npos)
      << refused.output;
}

TEST_F(TwoLedgersTest, JsonIsAcceptedAfterTheVerbAndErrorsAreJson) {
  const std::string b_vkey = b_->data + "/log.vkey";
  CommandResult after = Uuro(b_vkey, {"initiatives", "--json"});
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_TRUE(nlohmann::json::accept(after.output)) << after.output;

  CommandResult nested = Uuro(b_vkey, {"invites", "status", "--json"});
  EXPECT_EQ(nested.exit_code, 0) << nested.output;
  EXPECT_TRUE(nlohmann::json::accept(nested.output)) << nested.output;

  // A refusal: the same exit code, one JSON object naming the code.
  CommandResult missing = Uuro(b_vkey, {"initiative", "999", "--json"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  ASSERT_TRUE(nlohmann::json::accept(missing.output)) << missing.output;
  nlohmann::json error = nlohmann::json::parse(missing.output);
  EXPECT_EQ(error["error"]["code"], "NOT_FOUND") << missing.output;
  EXPECT_FALSE(error["error"]["message"].get<std::string>().empty());

  // A wrong pin, in JSON.
  CommandResult wrong = Uuro(a_->data + "/log.vkey", {"--json", "fund"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  ASSERT_TRUE(nlohmann::json::accept(wrong.output)) << wrong.output;
  EXPECT_EQ(nlohmann::json::parse(wrong.output)["error"]["code"],
            "FAILED_PRECONDITION");

  // A command line that does not parse keeps CLI11's exit code.
  CommandResult bad = Uuro(b_vkey, {"initiatives", "--no-such-flag", "--json"});
  EXPECT_EQ(bad.exit_code, 109) << bad.output;
  ASSERT_TRUE(nlohmann::json::accept(bad.output)) << bad.output;
  EXPECT_EQ(nlohmann::json::parse(bad.output)["error"]["code"],
            "INVALID_ARGUMENT");

  // Without --json the refusal stays one readable line.
  CommandResult plain = Uuro(b_vkey, {"initiative", "999"});
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_EQ(plain.output.rfind("uuro: NOT_FOUND: ", 0), 0u) << plain.output;
}

// Runs the example that `uurod init --help` prints, with its $(...) part
// run first, as a shell would.
TEST(UurodInitHelpTest, TheExampleCommandLinesWork) {
  CommandResult help = RunCommand({testing::UurodBinary(), "init", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.output;
  size_t at = help.output.find("Example:\n");
  ASSERT_NE(at, std::string::npos) << help.output;
  std::string example = help.output.substr(at + 9);
  example = example.substr(0, example.find('\n'));
  size_t open = example.find("$(");
  size_t close = example.find(')', open);
  ASSERT_NE(open, std::string::npos) << example;
  ASSERT_NE(close, std::string::npos) << example;

  testing::TempDir dir;
  SecretKey steward = SecretKey::Generate();
  ASSERT_TRUE(SaveSecretKey(steward, dir.Sub("steward.key")).ok());
  auto words = [&](const std::string& line) {
    std::vector<std::string> argv =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    for (std::string& word : argv) {
      if (word == "uuro") word = testing::UuroBinary();
      if (word == "uurod") word = testing::UurodBinary();
      if (word == "steward.key") word = dir.Sub("steward.key");
      if (word == "/var/lib/uuro") word = dir.Sub("data");
    }
    return argv;
  };
  CommandResult inner =
      RunCommand(words(example.substr(open + 2, close - open - 2)));
  ASSERT_EQ(inner.exit_code, 0) << example << "\n" << inner.output;
  std::string key = inner.output;
  while (!key.empty() && key.back() == '\n') key.pop_back();
  EXPECT_EQ(key, FormatPublicKey(steward.public_key()));

  std::string outer = example.substr(0, open) + key + example.substr(close + 1);
  CommandResult init = RunCommand(words(outer));
  EXPECT_EQ(init.exit_code, 0) << outer << "\n" << init.output;
}

}  // namespace
}  // namespace uuro
