// A whole round through the state machine, from genesis to reports, checking
// the totals at each step, and a replay that reproduces the state.
#include <gtest/gtest.h>

#include "ledger/fund/digest.h"
#include "ledger/fund/queries.h"
#include "ledger/store/rocks_log_store.h"
#include "tests/testing/fund_harness.h"

namespace uuro {
namespace {

using testing::FundHarness;

TEST(FundLifecycleTest, WholeRoundFromGenesisToReports) {
  FundHarness fund;
  SecretKey alice = fund.EnrollNew("north");
  SecretKey bob = fund.EnrollNew("south");
  SecretKey owner = fund.EnrollNew("north");
  uint64_t round = fund.OpenRound(/*allowance=*/100, /*max_share=*/50,
                                  /*trust_threshold=*/20);
  uint64_t library = fund.Propose(owner, "north");
  uint64_t garden = fund.Propose(bob, "south");

  ASSERT_TRUE(fund.Submit(alice, FundHarness::Award(round, library, 40)).ok());
  ASSERT_TRUE(fund.Submit(bob, FundHarness::Award(round, library, 30)).ok());
  ASSERT_TRUE(fund.Submit(alice, FundHarness::Award(round, garden, 50)).ok());
  ASSERT_TRUE(
      fund.Submit(alice, FundHarness::Withdraw(round, garden, 10)).ok());
  // A resident enrolled mid-round gets the allowance too.
  SecretKey carol = fund.EnrollNew("south");
  ASSERT_TRUE(fund.Submit(carol, FundHarness::Award(round, garden, 5)).ok());

  auto r = fund::ReadRound(fund.state(), round);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->residents(), 4u);
  EXPECT_EQ(r->awarded(), 125u);
  EXPECT_EQ(r->withdrawn(), 10u);
  EXPECT_EQ(
      *fund::ReadSpent(
          fund.state(), round,
          fund::ReadResidentByKey(fund.state(), alice.public_key())->id()),
      80u);
  auto north = fund::ReadDistrictRound(fund.state(), round, "north");
  EXPECT_EQ(north->residents(), 2u);
  EXPECT_EQ(north->awarded(), 90u);
  EXPECT_EQ(north->withdrawn(), 10u);
  EXPECT_EQ(north->received(), 70u);
  EXPECT_EQ(fund::ReadDistrictRound(fund.state(), round, "south")->received(),
            45u);

  // Credits of an open round cannot be redeemed yet.
  EXPECT_EQ(fund.Submit(owner, FundHarness::RequestRedemption(library, 1))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);

  fund.now_ms += 3'600'000;
  ASSERT_TRUE(fund.Submit(fund.steward(), FundHarness::CloseRound(round)).ok());
  r = fund::ReadRound(fund.state(), round);
  EXPECT_TRUE(r->closed());
  EXPECT_EQ(r->lapsed(), 400u - 115u);
  auto lib = fund::ReadInitiative(fund.state(), library);
  EXPECT_EQ(lib->received_final(), 70u);
  EXPECT_EQ(lib->received_open(), 0u);

  // Under the threshold settles at once; over it waits for a steward.
  auto small = fund.Submit(owner, FundHarness::RequestRedemption(library, 20));
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(fund::ReadRedemption(fund.state(), small->index)->status(),
            v1::REDEMPTION_SETTLED);
  auto large = fund.Submit(owner, FundHarness::RequestRedemption(library, 45));
  ASSERT_TRUE(large.ok()) << large.status();
  EXPECT_EQ(
      fund::InitiativeBalance(*fund::ReadInitiative(fund.state(), library)),
      5u);
  v1::TxBody reject;
  reject.mutable_reject_redemption()->set_request_id(large->index);
  reject.mutable_reject_redemption()->set_reason("Receipts missing");
  ASSERT_TRUE(fund.Submit(fund.steward(), reject).ok());
  EXPECT_EQ(
      fund::InitiativeBalance(*fund::ReadInitiative(fund.state(), library)),
      50u);
  auto again = fund.Submit(owner, FundHarness::RequestRedemption(library, 45));
  ASSERT_TRUE(again.ok());
  v1::TxBody settle;
  settle.mutable_settle_redemption()->set_request_id(again->index);
  settle.mutable_settle_redemption()->set_payment_reference("SEPA 2026-0042");
  ASSERT_TRUE(fund.Submit(fund.steward(), settle).ok());
  lib = fund::ReadInitiative(fund.state(), library);
  EXPECT_EQ(lib->redeemed(), 65u);
  EXPECT_EQ(lib->pending(), 0u);
  EXPECT_EQ(fund::InitiativeBalance(*lib), 5u);

  v1::TxBody report;
  report.mutable_post_report()->set_initiative_id(library);
  report.mutable_post_report()->set_text("Opened on Saturday; 40 visitors.");
  ASSERT_TRUE(fund.Submit(owner, report).ok());
  EXPECT_EQ(fund::ReadInitiative(fund.state(), library)->reports(), 1u);

  auto totals = fund::ReadFund(fund.state())->redemptions();
  EXPECT_EQ(totals.requested(), 110u);
  EXPECT_EQ(totals.settled(), 65u);
  EXPECT_EQ(totals.rejected(), 45u);
  EXPECT_EQ(totals.pending(), 0u);

  // Replaying the log into an empty store reproduces the state exactly.
  testing::TempDir dir;
  auto copy = CreateRocksLogStore(dir.Sub("replay"));
  ASSERT_TRUE(copy.ok());
  ASSERT_TRUE(fund::ReplayLog(fund.store(), **copy, 3).ok());
  EXPECT_EQ((*copy)->root(), fund.store().root());
  EXPECT_EQ(*fund::StateDigest(**copy), fund.Digest());
}

TEST(FundLifecycleTest, IdenticalResubmissionReturnsTheFirstEntry) {
  FundHarness fund;
  SecretKey alice = SecretKey::Generate();
  Bytes envelope = fund.Sign(fund.steward(),
                             FundHarness::Enroll(alice.public_key(), "east"));
  auto first = fund.SubmitEnvelope(envelope);
  ASSERT_TRUE(first.ok()) << first.status();
  uint64_t size = fund.store().size();
  Hash digest = fund.Digest();
  auto second = fund.SubmitEnvelope(envelope);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->index, first->index);
  EXPECT_EQ(fund.store().size(), size);
  EXPECT_EQ(fund.Digest(), digest);
}

}  // namespace
}  // namespace uuro
