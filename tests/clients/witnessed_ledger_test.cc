// A real uurod with --witness pointing at a real `uuro witness serve` run by
// a council member: checkpoints get cosigned without the write path waiting,
// readers see the cosignatures over gRPC and HTTP, and uuro can demand them.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/council_keys.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "tests/testing/child_process.h"
#include "tests/testing/uurod_process.h"
#include "tests/testing/wait.h"

namespace uuro {
namespace {

class WitnessedLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    steward_key_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_key_).ok());
  }

  // Starts a witness signing with `key` for this ledger; returns its URL.
  std::string StartWitness(const SecretKey& key, const std::string& name,
                           const std::string& listen = "127.0.0.1:0") {
    std::string key_file = ledger_->dir.Sub(name + ".key");
    if (!std::filesystem::exists(key_file)) {
      EXPECT_TRUE(SaveSecretKey(key, key_file).ok());
    }
    witness_ = std::make_unique<testing::ChildProcess>(std::vector<std::string>{
        testing::UuroBinary(), "--key", key_file, "witness", "serve",
        "--log-vkey", ledger_->data + "/log.vkey", "--listen", listen,
        "--state", ledger_->dir.Sub(name + "-state"), "--name",
        "council.test/" + name});
    EXPECT_TRUE(witness_->Start({"/add-checkpoint"}).ok())
        << witness_->Output();
    std::string url = witness_->ValueAfter("listening on ");
    return url.substr(0, url.rfind("/add-checkpoint"));
  }

  void StartUurod(const std::string& witness_url) {
    uurod_ = std::make_unique<testing::UurodProcess>(
        ledger_->data,
        std::vector<std::string>{"--witness", witness_url, "--http-listen",
                                 "127.0.0.1:0", "--rate-limit", "0"});
    ASSERT_TRUE(uurod_->Start().ok()) << uurod_->Log();
    client_ = std::make_unique<client::LedgerClient>(uurod_->Channel());
  }

  // Runs uuro with the server, the pinned log key and a private state folder.
  testing::CommandResult Uuro(const std::vector<std::string>& args,
                              const std::string& key = "") {
    return testing::RunUuro(*ledger_, uurod_->address(), args, key);
  }

  void Enroll(int n) {
    for (int i = 0; i < n; ++i) {
      std::string key =
          ledger_->dir.Sub(absl::StrCat("r", enrolled_++, ".key"));
      ASSERT_TRUE(SaveSecretKey(SecretKey::Generate(), key).ok());
      testing::CommandResult r =
          Uuro({"enroll", key, "--district", "harbour"}, steward_key_);
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }

  // Waits (at most 30 s) until the newest cosigned checkpoint is the latest.
  absl::StatusOr<v1::CheckpointResponse> WaitForCosigned() {
    absl::StatusOr<v1::CheckpointResponse> cosigned;
    if (testing::WaitFor([&] {
          auto latest = client_->Checkpoint();
          cosigned = client_->Checkpoint(/*cosigned=*/true);
          return latest.ok() && cosigned.ok() &&
                 cosigned->tree_size() == latest->tree_size();
        })) {
      return cosigned;
    }
    return absl::DeadlineExceededError(absl::StrCat(
        "no cosigned checkpoint of the latest size: ",
        cosigned.ok() ? "stale" : std::string(cosigned.status().message())));
  }

  std::string AnyReceipt() {
    for (const auto& f : std::filesystem::recursive_directory_iterator(
             ledger_->dir.Sub("state"))) {
      if (f.path().extension() == ".json" &&
          f.path().parent_path().filename() == "receipts") {
        return f.path().string();
      }
    }
    return "";
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::string steward_key_;
  std::unique_ptr<testing::ChildProcess> witness_;
  std::string witness_url_;
  int enrolled_ = 0;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::unique_ptr<client::LedgerClient> client_;
};

TEST_F(WitnessedLedgerTest, CheckpointsGetCosignedAndUuroCanDemandIt) {
  witness_url_ = StartWitness(ledger_->council, "alice");
  StartUurod(witness_url_);
  ASSERT_NO_FATAL_FAILURE(Enroll(3));
  auto cosigned = WaitForCosigned();
  ASSERT_TRUE(cosigned.ok()) << cosigned.status() << uurod_->Log();

  // The cosignature verifies under the council key named in genesis.
  auto council = client::FetchCouncilKeys(
      *client_,
      *OpenCheckpoint(cosigned->checkpoint(), ledger_->log_key(),
                      ledger_->origin),
      ledger_->log_key());
  ASSERT_TRUE(council.ok()) << council.status();
  ASSERT_EQ(council->size(), 1u);
  EXPECT_EQ((*council)[0], ledger_->council.public_key());
  auto cosigs = client::RequireCosignatures(cosigned->checkpoint(),
                                            ledger_->log_key(), *council, 1);
  ASSERT_TRUE(cosigs.ok()) << cosigs.status();
  EXPECT_EQ((*cosigs)[0].name, "council.test/alice");

  // The latest checkpoint over gRPC and the one over HTTP carry it too.
  auto latest = client_->Checkpoint();
  ASSERT_TRUE(latest.ok());
  EXPECT_NE(latest->checkpoint().find("council.test/alice"), std::string::npos);
  httplib::Client http("http://" + uurod_->http_address());
  auto res = http.Get("/checkpoint");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("council.test/alice"), std::string::npos)
      << res->body;

  testing::CommandResult ok =
      Uuro({"audit", "verify", "--require-cosignatures", "1"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("1 council cosignature (council.test/alice)"),
            std::string::npos)
      << ok.output;
  testing::CommandResult two =
      Uuro({"audit", "verify", "--require-cosignatures", "2"});
  EXPECT_EQ(two.exit_code, 1) << two.output;
  EXPECT_NE(two.output.find("1 valid council cosignature; 2 required"),
            std::string::npos)
      << two.output;

  std::string receipt = AnyReceipt();
  ASSERT_FALSE(receipt.empty());
  testing::CommandResult online =
      Uuro({"receipt", "verify", "--require-cosignatures", "1", receipt});
  EXPECT_EQ(online.exit_code, 0) << online.output;
  EXPECT_NE(online.output.find("cosigned checkpoint"), std::string::npos)
      << online.output;
  // The receipt's own checkpoint was made at commit, before any witness saw
  // it: offline, it cannot show a cosignature.
  testing::CommandResult offline =
      Uuro({"receipt", "verify", "--offline", "--require-cosignatures", "1",
            receipt});
  EXPECT_EQ(offline.exit_code, 1) << offline.output;
  EXPECT_NE(offline.output.find("0 valid council cosignatures"),
            std::string::npos)
      << offline.output;

  // A witness restarted on its address picks up where it was: uurod goes
  // on from the size the witness last cosigned.
  ASSERT_EQ(*witness_->Stop(SIGTERM), 0);
  ASSERT_NO_FATAL_FAILURE(Enroll(1));
  std::string url = witness_url_;
  ASSERT_EQ(StartWitness(ledger_->council, "alice", url.substr(7)), url);
  ASSERT_NO_FATAL_FAILURE(Enroll(1));
  auto after = WaitForCosigned();
  ASSERT_TRUE(after.ok()) << after.status() << uurod_->Log();
  EXPECT_GT(after->tree_size(), cosigned->tree_size());
}

TEST_F(WitnessedLedgerTest, AWitnessThatIsDownNeverBlocksWrites) {
  // Nothing listens on this port: connections are refused at once.
  StartUurod("http://127.0.0.1:1");
  ASSERT_NO_FATAL_FAILURE(Enroll(5));
  auto fund = client_->Fund();
  ASSERT_TRUE(fund.ok());
  EXPECT_EQ(fund->active_residents(), 5u);
  auto cosigned = client_->Checkpoint(/*cosigned=*/true);
  EXPECT_EQ(cosigned.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Uuro({"audit", "verify"}).exit_code, 0);
  EXPECT_EQ(Uuro({"audit", "verify", "--require-cosignatures", "1"}).exit_code,
            1);
  EXPECT_NE(uurod_->Log().find("event=witness_unavailable"), std::string::npos)
      << uurod_->Log();
}

TEST_F(WitnessedLedgerTest, CosignaturesByKeysOutsideTheCouncilDoNotCount) {
  StartUurod(StartWitness(SecretKey::Generate(), "mallory"));
  ASSERT_NO_FATAL_FAILURE(Enroll(2));
  // Wait for uurod to have heard the witness out and turned it down.
  ASSERT_TRUE(testing::WaitFor([&] {
    return uurod_->Log().find("no cosignature by a council key") !=
           std::string::npos;
  })) << uurod_->Log();
  auto cosigned = client_->Checkpoint(/*cosigned=*/true);
  EXPECT_EQ(cosigned.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace uuro
