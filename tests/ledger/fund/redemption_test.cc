// Redemption, where public money leaves the fund: credits keep their round,
// each round's trust threshold holds per initiative however a request is
// split, and the council approves what goes above it.
#include <cstdint>

#include "gtest/gtest.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/totals.h"
#include "tests/testing/fund_harness.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using absl::StatusCode;
using testing::FundHarness;
using testing::FundOptions;
using testing::Must;
using testing::Read;

v1::TxBody Redeem(uint64_t initiative, uint64_t amount, uint64_t round = 0) {
  v1::TxBody body = FundHarness::RequestRedemption(initiative, amount);
  body.mutable_request_redemption()->set_round_id(round);
  return body;
}

v1::TxBody Settle(uint64_t request) {
  v1::TxBody body;
  body.mutable_settle_redemption()->set_request_id(request);
  body.mutable_settle_redemption()->set_payment_reference("SEPA-1");
  return body;
}

v1::TxBody Reject(uint64_t request) {
  v1::TxBody body;
  body.mutable_reject_redemption()->set_request_id(request);
  body.mutable_reject_redemption()->set_reason("No invoice");
  return body;
}

v1::TxBody Approve(uint64_t request) {
  v1::TxBody body;
  body.mutable_approve_redemption()->set_request_id(request);
  return body;
}

// A fund where bob awards alice's initiative in rounds run to their close.
struct Fund {
  FundHarness h;
  SecretKey alice, bob;
  uint64_t initiative = 0;

  explicit Fund(FundOptions options = {})
      : h(options), alice(h.EnrollNew("north")), bob(h.EnrollNew("north")) {
    initiative = h.Propose(alice);
  }

  // Opens a round with these rules, awards `amount` and closes it.
  uint64_t Round(uint64_t amount, uint64_t cents, uint64_t threshold) {
    return testing::ClosedRoundWithAward(h, bob, initiative, amount, cents,
                                         threshold);
  }

  v1::RedemptionRecord Request(uint64_t amount, uint64_t round = 0) {
    uint64_t id = Must(h, alice, Redeem(initiative, amount, round));
    return Read(fund::ReadRedemption(h.state(), id));
  }
};

TEST(RedemptionRoundTest, SplitRequestSettlesOnlyUpToTheThreshold) {
  Fund f;
  f.Round(100, 50, /*threshold=*/50);
  EXPECT_EQ(f.Request(50).status(), v1::REDEMPTION_SETTLED);
  v1::RedemptionRecord second = f.Request(50);
  EXPECT_EQ(second.status(), v1::REDEMPTION_PENDING);
  EXPECT_FALSE(second.settled_by_rule());
}

TEST(RedemptionRoundTest, RejectedThenSplitRequestSettlesOnlyUpToThreshold) {
  Fund f;
  f.Round(100, 50, /*threshold=*/50);
  v1::RedemptionRecord whole = f.Request(100);
  EXPECT_EQ(whole.status(), v1::REDEMPTION_PENDING);
  Must(f.h, f.h.steward(), Reject(whole.id()));
  EXPECT_EQ(fund::InitiativeBalance(
                Read(fund::ReadInitiative(f.h.state(), f.initiative))),
            100u);  // The credits came back.
  EXPECT_EQ(f.Request(50).status(), v1::REDEMPTION_SETTLED);
  EXPECT_EQ(f.Request(50).status(), v1::REDEMPTION_PENDING);
}

TEST(RedemptionRoundTest, PendingCountsTowardTheThreshold) {
  Fund f;
  f.Round(100, 50, /*threshold=*/50);
  EXPECT_EQ(f.Request(60).status(), v1::REDEMPTION_PENDING);
  EXPECT_EQ(f.Request(10).status(), v1::REDEMPTION_PENDING);
}

TEST(RedemptionRoundTest, OlderCreditsKeepTheirRoundsValueAndThreshold) {
  Fund f;
  uint64_t r1 = f.Round(40, /*cents=*/50, /*threshold=*/40);
  // A later round with no threshold changes nothing for round 1's credits.
  uint64_t r2 = f.Round(30, /*cents=*/100, /*threshold=*/0);

  v1::RedemptionRecord first = f.Request(30);  // Oldest round first.
  EXPECT_EQ(first.status(), v1::REDEMPTION_SETTLED);
  ASSERT_EQ(first.draws_size(), 1);
  EXPECT_EQ(first.draws(0).round_id(), r1);
  EXPECT_EQ(first.draws(0).credits(), 30u);
  EXPECT_EQ(first.draws(0).cents(), 1500u);
  EXPECT_EQ(first.cents(), 1500u);

  // 10 left of round 1, then 20 of round 2, whose threshold is 0.
  v1::RedemptionRecord spanning = f.Request(30);
  EXPECT_EQ(spanning.status(), v1::REDEMPTION_PENDING);
  ASSERT_EQ(spanning.draws_size(), 2);
  EXPECT_EQ(spanning.draws(0).round_id(), r1);
  EXPECT_EQ(spanning.draws(0).credits(), 10u);
  EXPECT_EQ(spanning.draws(0).cents(), 500u);
  EXPECT_EQ(spanning.draws(1).round_id(), r2);
  EXPECT_EQ(spanning.draws(1).credits(), 20u);
  EXPECT_EQ(spanning.draws(1).cents(), 2000u);
  EXPECT_EQ(spanning.cents(), 2500u);

  v1::RedemptionRecord named = f.Request(10, r2);
  EXPECT_EQ(named.round_id(), r2);
  ASSERT_EQ(named.draws_size(), 1);
  EXPECT_EQ(named.draws(0).round_id(), r2);
  EXPECT_EQ(named.cents(), 1000u);

  v1::InitiativeRecord initiative =
      Read(fund::ReadInitiative(f.h.state(), f.initiative));
  EXPECT_EQ(initiative.redeemed(), 30u);
  EXPECT_EQ(initiative.redeemed_cents(), 1500u);
  EXPECT_EQ(initiative.pending(), 40u);
  EXPECT_EQ(initiative.pending_cents(), 3500u);
  EXPECT_EQ(fund::InitiativeBalance(initiative), 0u);
}

TEST(RedemptionRoundTest, NamedRoundMustBeClosedKnownAndHoldEnough) {
  Fund f;
  uint64_t r1 = f.Round(40, 50, 40);
  uint64_t open = f.h.OpenRound(100);
  Hash before = f.h.Digest();
  auto status = [&](uint64_t amount, uint64_t round) {
    return f.h.Submit(f.alice, Redeem(f.initiative, amount, round)).status();
  };
  EXPECT_EQ(status(1, open).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status(1, 999).code(), StatusCode::kNotFound);
  absl::Status too_much = status(41, r1);
  EXPECT_EQ(too_much.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(too_much.message().find("balance of 40"), std::string::npos)
      << too_much;
  EXPECT_EQ(f.h.Digest(), before);
}

TEST(RedemptionRoundTest, SettlingAboveThresholdNeedsTheCouncilQuorum) {
  Fund f(FundOptions{.council_quorum = 2});
  f.Round(100, 50, /*threshold=*/10);
  uint64_t id = f.Request(60).id();
  Hash before = f.h.Digest();
  absl::Status early = f.h.Submit(f.h.steward(), Settle(id)).status();
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.message().find("needs 2 council approvals"),
            std::string::npos)
      << early;
  EXPECT_EQ(f.h.Submit(f.h.steward(), Approve(id)).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(f.h.Submit(f.h.council(), Approve(12345)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(f.h.Digest(), before);

  Must(f.h, f.h.council(), Approve(id));
  EXPECT_EQ(f.h.Submit(f.h.council(), Approve(id)).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(f.h.Submit(f.h.steward(), Settle(id)).status().code(),
            StatusCode::kFailedPrecondition);
  Must(f.h, f.h.council2(), Approve(id));
  Must(f.h, f.h.steward(), Settle(id));
  v1::RedemptionRecord settled = Read(fund::ReadRedemption(f.h.state(), id));
  EXPECT_EQ(settled.status(), v1::REDEMPTION_SETTLED);
  EXPECT_EQ(settled.approvals_size(), 2);
  EXPECT_EQ(settled.payment_reference(), "SEPA-1");
  EXPECT_EQ(f.h.Submit(f.h.council(), Approve(id)).status().code(),
            StatusCode::kFailedPrecondition);

  // A steward may reject at any time, without approvals.
  uint64_t other = f.Request(20).id();
  Must(f.h, f.h.steward(), Reject(other));
  EXPECT_EQ(Read(fund::ReadRedemption(f.h.state(), other)).status(),
            v1::REDEMPTION_REJECTED);
}

// The round's and the fund's totals against sums over the redemption records
// themselves, never the other way round.
TEST(RedemptionRoundTest, TotalsPerRoundEqualSumsOfTheRecordsDraws) {
  Fund f;
  uint64_t r1 = f.Round(40, 50, 40);
  uint64_t r2 = f.Round(60, 120, 5);
  std::vector<uint64_t> ids;
  ids.push_back(f.Request(25).id());     // r1, by rule.
  ids.push_back(f.Request(30).id());     // 15 of r1, 15 of r2: pending.
  ids.push_back(f.Request(5, r2).id());  // Pending (r2 holds 15 pending).
  Must(f.h, f.h.steward(), Settle(ids[1]));
  Must(f.h, f.h.steward(), Reject(ids[2]));

  std::map<uint64_t, v1::RedemptionTotals> by_round;
  v1::RedemptionTotals fund_sum;
  for (uint64_t id : ids) {
    v1::RedemptionRecord r = Read(fund::ReadRedemption(f.h.state(), id));
    for (const v1::RedemptionDraw& d : r.draws()) {
      for (v1::RedemptionTotals* t : {&by_round[d.round_id()], &fund_sum}) {
        t->set_requested(t->requested() + d.credits());
        t->set_requested_cents(t->requested_cents() + d.cents());
        if (r.status() == v1::REDEMPTION_SETTLED) {
          t->set_settled(t->settled() + d.credits());
          t->set_settled_cents(t->settled_cents() + d.cents());
        } else if (r.status() == v1::REDEMPTION_REJECTED) {
          t->set_rejected(t->rejected() + d.credits());
          t->set_rejected_cents(t->rejected_cents() + d.cents());
        } else {
          t->set_pending(t->pending() + d.credits());
          t->set_pending_cents(t->pending_cents() + d.cents());
        }
      }
    }
  }
  for (uint64_t round : {r1, r2}) {
    v1::RoundTotals totals = Read(fund::ReadRoundTotals(f.h.state(), round));
    EXPECT_EQ(totals.redemptions().SerializeAsString(),
              by_round[round].SerializeAsString())
        << "round " << round << ": " << totals.redemptions().ShortDebugString()
        << " vs " << by_round[round].ShortDebugString();
  }
  EXPECT_EQ(by_round[r1].settled_cents(), 40u * 50);  // All of round 1.
  EXPECT_EQ(by_round[r2].settled_cents(), 15u * 120);
  EXPECT_EQ(Read(fund::ReadFund(f.h.state())).redemptions().SerializeAsString(),
            fund_sum.SerializeAsString());

  // Per initiative and round: received = redeemed + pending + left.
  v1::InitiativeRoundRecord held =
      Read(fund::ReadInitiativeRound(f.h.state(), r2, f.initiative));
  EXPECT_EQ(held.redeemed(), 15u);
  EXPECT_EQ(held.redeemed_cents(), 1800u);
  EXPECT_EQ(held.pending(), 0u);
  EXPECT_EQ(held.settled_by_rule(), 0u);
}

}  // namespace
}  // namespace uuro
