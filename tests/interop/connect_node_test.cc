// The reference Connect client against a real uurod: connect-node, with
// types generated from proto/, signs an award in Node and submits it in JSON
// and in binary; the receipts it got verify here, and a reused nonce comes
// back to it as already_exists (tests/interop/submit_award.mjs).
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "clients/ledger_client.h"
#include "ledger/fund/receipt.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

TEST(ConnectNodeInteropTest, NodeSignsAndSubmitsAwards) {
  if (testing::RunCommand({"/bin/sh", "-c",
                           "command -v node && command -v "
                           "npm && command -v protoc"})
          .exit_code != 0) {
    GTEST_SKIP() << "node, npm or protoc is not installed";
  }
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(
      ledger->data, {"--http-listen", "127.0.0.1:0", "--rate-limit", "0"});
  ASSERT_TRUE(uurod.Start().ok()) << uurod.Log();
  client::LedgerClient client(uurod.Channel());
  Bytes seed(32);
  for (size_t i = 0; i < seed.size(); ++i)
    seed[i] = static_cast<uint8_t>(i * 7 + 1);
  auto resident = SecretKey::FromSeed(seed);
  ASSERT_TRUE(resident.ok());
  SecretKey owner = SecretKey::Generate();
  auto fund = testing::SetUpOpenRound(client, ledger->steward, {&*resident},
                                      owner, {.allowance = 10});
  ASSERT_TRUE(fund.ok()) << fund.status();

  uint64_t spent = 0;
  for (const std::string format : {"json", "binary"}) {
    testing::CommandResult node = testing::RunCommand(
        {UURO_INTEROP_DIR "/run.sh", "http://" + uurod.http_address(),
         ledger->origin, absl::BytesToHexString(std::string(AsString(seed))),
         std::to_string(fund->round_id),
         std::to_string(fund->initiative_ids[0]), "2", format});
    ASSERT_EQ(node.exit_code, 0) << node.output;
    size_t at = node.output.find("receipt=");
    ASSERT_NE(at, std::string::npos) << node.output;
    std::string text = node.output.substr(at + 8);
    text = text.substr(0, text.find('\n'));
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(text, &bytes));
    v1::Receipt receipt;
    ASSERT_TRUE(receipt.ParseFromString(bytes));
    auto cp = VerifyReceipt(receipt, ledger->log_key(), ledger->origin);
    EXPECT_TRUE(cp.ok()) << cp.status();
    EXPECT_NE(node.output.find("replay=already_exists"), std::string::npos)
        << node.output;
    spent += 2;
  }
  v1::GetResidentRequest ask;
  ask.set_key(PublicKeyBytes(resident->public_key()));
  v1::ResidentView view;
  grpc::ClientContext context;
  ASSERT_TRUE(client.ledger().GetResident(&context, ask, &view).ok());
  EXPECT_EQ(view.spent(), spent);
}

}  // namespace
}  // namespace uuro
