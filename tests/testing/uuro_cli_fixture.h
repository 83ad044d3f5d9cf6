// A test with a real uurod on a fresh ledger and the uuro command line, as
// the fund office, the council and residents use them.
#ifndef TESTS_TESTING_UURO_CLI_FIXTURE_H_
#define TESTS_TESTING_UURO_CLI_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/testing/uurod_process.h"

namespace uuro::testing {

class UuroCliFixture : public ::testing::Test {
 protected:
  // Makes the ledger with `uurod init` and `init_args`, starts uurod on it,
  // and saves the steward and council keys as files.
  void StartLedger(const std::vector<std::string>& init_args = {}) {
    ledger_ = InitTestLedger(init_args);
    ASSERT_NE(ledger_, nullptr);
    uurod_ = std::make_unique<UurodProcess>(ledger_->data);
    ASSERT_TRUE(uurod_->Start().ok());
    steward_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_).ok());
    council_ = ledger_->dir.Sub("council.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->council, council_).ok());
  }

  CommandResult Uuro(const std::vector<std::string>& args,
                     const std::string& key = "") {
    return RunUuro(*ledger_, uurod_->address(), args, key);
  }

  // `uuro --json ARGS`, expected to succeed, parsed.
  nlohmann::json Json(std::vector<std::string> args,
                      const std::string& key = "") {
    args.insert(args.begin(), "--json");
    CommandResult r = Uuro(args, key);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto json = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << r.output;
    return json;
  }

  // A new key file in the ledger's folder.
  std::string NewKey(const std::string& name) {
    std::string path = ledger_->dir.Sub(name + ".key");
    EXPECT_EQ(Uuro({"key", "new", "--out", path}).exit_code, 0);
    return path;
  }

  std::unique_ptr<TestLedger> ledger_;
  std::unique_ptr<UurodProcess> uurod_;
  std::string steward_, council_;
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_UURO_CLI_FIXTURE_H_
