// Credits passed between initiatives: an owner pays another initiative for
// work or goods in credits of closed rounds. The credits keep their round and
// euro value, and the receiver redeems them under its own per-round threshold
// or passes them on.
#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/totals.h"
#include "tests/testing/fund_harness.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using absl::StatusCode;
using testing::ExpectRefused;
using testing::FundHarness;
using testing::Must;
using testing::Read;

v1::TxBody Transfer(uint64_t from, uint64_t to, uint64_t amount,
                    uint64_t round = 0, const std::string& note = "Shelves") {
  v1::TxBody body;
  v1::TransferCredits* t = body.mutable_transfer_credits();
  t->set_from_initiative_id(from);
  t->set_to_initiative_id(to);
  t->set_amount(amount);
  t->set_note(note);
  t->set_round_id(round);
  return body;
}

v1::TxBody Redeem(uint64_t initiative, uint64_t amount) {
  return FundHarness::RequestRedemption(initiative, amount);
}

v1::TransferRecord ReadTransfer(FundHarness& h, uint64_t id) {
  v1::TransferRecord record;
  auto found = fund::ReadRecord(h.state(), fund::keys::Transfer(id), record);
  EXPECT_TRUE(found.ok() && *found) << "transfer " << id;
  return record;
}

v1::InitiativeRoundRecord Held(FundHarness& h, uint64_t round,
                               uint64_t initiative) {
  return Read(fund::ReadInitiativeRound(h.state(), round, initiative));
}

uint64_t Balance(FundHarness& h, uint64_t initiative) {
  return fund::InitiativeBalance(
      Read(fund::ReadInitiative(h.state(), initiative)));
}

// Alice's workshop A, carol's builders C and dave's D; bob awards A.
struct Fund {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("north");
  SecretKey carol = h.EnrollNew("south");
  SecretKey dave = h.EnrollNew("east");
  uint64_t a = h.Propose(alice);  // Each asks 500.
  uint64_t c = h.Propose(carol, "south");
  uint64_t d = h.Propose(dave, "east");

  // Opens a round, awards A `amount` and closes it.
  uint64_t Round(uint64_t amount, uint64_t cents, uint64_t threshold) {
    return testing::ClosedRoundWithAward(h, bob, a, amount, cents, threshold);
  }
};

TEST(TransferTest, DrawsOnTheOldestRoundsFirstAndKeepsTheirValue) {
  Fund f;
  uint64_t r1 = f.Round(40, /*cents=*/50, /*threshold=*/10);
  uint64_t r2 = f.Round(30, /*cents=*/100, /*threshold=*/10);
  f.h.now_ms += 5;
  uint64_t id = Must(f.h, f.alice, Transfer(f.a, f.c, 50, 0, "Paint"));
  v1::TransferRecord t = ReadTransfer(f.h, id);
  EXPECT_EQ(t.id(), id);
  EXPECT_EQ(t.from_initiative_id(), f.a);
  EXPECT_EQ(t.to_initiative_id(), f.c);
  EXPECT_EQ(t.amount(), 50u);
  EXPECT_EQ(t.note(), "Paint");
  EXPECT_EQ(t.transferred_at_ms(), f.h.now_ms);
  ASSERT_EQ(t.draws_size(), 2);
  EXPECT_EQ(t.draws(0).round_id(), r1);
  EXPECT_EQ(t.draws(0).credits(), 40u);
  EXPECT_EQ(t.draws(0).cents(), 2000u);
  EXPECT_EQ(t.draws(1).round_id(), r2);
  EXPECT_EQ(t.draws(1).credits(), 10u);
  EXPECT_EQ(t.draws(1).cents(), 1000u);
  EXPECT_EQ(t.cents(), 3000u);

  EXPECT_EQ(Held(f.h, r1, f.a).transferred_out(), 40u);
  EXPECT_EQ(Held(f.h, r2, f.a).transferred_out(), 10u);
  EXPECT_EQ(Held(f.h, r1, f.c).transferred_in(), 40u);
  EXPECT_EQ(Held(f.h, r2, f.c).transferred_in(), 10u);
  EXPECT_EQ(Held(f.h, r1, f.c).transferred_out(), 0u);
  EXPECT_EQ(Read(fund::ReadRound(f.h.state(), r1)).transferred(), 40u);
  EXPECT_EQ(Read(fund::ReadRound(f.h.state(), r2)).transferred(), 10u);
  v1::InitiativeRecord from = Read(fund::ReadInitiative(f.h.state(), f.a));
  v1::InitiativeRecord to = Read(fund::ReadInitiative(f.h.state(), f.c));
  EXPECT_EQ(from.transferred_out(), 50u);
  EXPECT_EQ(from.transferred_in(), 0u);
  EXPECT_EQ(to.transferred_in(), 50u);
  EXPECT_EQ(to.received_final(), 0u);  // Transfers are not awards.
  EXPECT_EQ(fund::InitiativeBalance(from), 20u);
  EXPECT_EQ(fund::InitiativeBalance(to), 50u);
}

TEST(TransferTest, NamedRoundOnly) {
  Fund f;
  uint64_t r1 = f.Round(40, 50, 10);
  uint64_t r2 = f.Round(30, 100, 10);
  uint64_t id = Must(f.h, f.alice, Transfer(f.a, f.c, 25, r2));
  v1::TransferRecord t = ReadTransfer(f.h, id);
  ASSERT_EQ(t.draws_size(), 1);
  EXPECT_EQ(t.draws(0).round_id(), r2);
  EXPECT_EQ(t.draws(0).credits(), 25u);
  EXPECT_EQ(t.cents(), 2500u);
  EXPECT_EQ(Held(f.h, r1, f.a).transferred_out(), 0u);
  // Round 2 holds 5 more; round 1 still 40.
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 6, r2),
                StatusCode::kFailedPrecondition);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 1, r2 + 1000),
                StatusCode::kNotFound);
  uint64_t open = f.h.OpenRound(100);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 1, open),
                StatusCode::kFailedPrecondition);
  Must(f.h, f.alice, Transfer(f.a, f.c, 40, r1));
  EXPECT_EQ(Balance(f.h, f.a), 5u);
}

TEST(TransferTest, ReceiverRedeemsUnderItsOwnThreshold) {
  Fund f;
  uint64_t r1 = f.Round(40, /*cents=*/50, /*threshold=*/10);
  Must(f.h, f.alice, Transfer(f.a, f.c, 30));

  uint64_t first = Must(f.h, f.carol, Redeem(f.c, 10));
  v1::RedemptionRecord settled = Read(fund::ReadRedemption(f.h.state(), first));
  EXPECT_EQ(settled.status(), v1::REDEMPTION_SETTLED);
  EXPECT_TRUE(settled.settled_by_rule());
  ASSERT_EQ(settled.draws_size(), 1);
  EXPECT_EQ(settled.draws(0).round_id(), r1);
  EXPECT_EQ(settled.cents(), 500u);  // Round 1's value.
  // Carol's threshold in round 1 is used up; alice's is her own.
  uint64_t second = Must(f.h, f.carol, Redeem(f.c, 5));
  EXPECT_EQ(Read(fund::ReadRedemption(f.h.state(), second)).status(),
            v1::REDEMPTION_PENDING);
  uint64_t own = Must(f.h, f.alice, Redeem(f.a, 10));
  EXPECT_EQ(Read(fund::ReadRedemption(f.h.state(), own)).status(),
            v1::REDEMPTION_SETTLED);

  v1::InitiativeRoundRecord held = Held(f.h, r1, f.c);
  EXPECT_EQ(held.redeemed(), 10u);
  EXPECT_EQ(held.settled_by_rule(), 10u);
  EXPECT_EQ(held.pending(), 5u);
  EXPECT_EQ(held.redeemed_cents(), 500u);
  EXPECT_EQ(Balance(f.h, f.c), 15u);
  EXPECT_EQ(Balance(f.h, f.a), 0u);
  // No more than what was passed: 15 left.
  ExpectRefused(f.h, f.carol, Redeem(f.c, 16), StatusCode::kFailedPrecondition);
}

TEST(TransferTest, ReceiverPassesItOn) {
  Fund f;
  uint64_t r1 = f.Round(40, 50, 10);
  Must(f.h, f.alice, Transfer(f.a, f.c, 30));
  uint64_t id = Must(f.h, f.carol, Transfer(f.c, f.d, 20, 0, "Bricks"));
  v1::TransferRecord t = ReadTransfer(f.h, id);
  ASSERT_EQ(t.draws_size(), 1);
  EXPECT_EQ(t.draws(0).round_id(), r1);
  EXPECT_EQ(t.cents(), 1000u);
  v1::InitiativeRoundRecord held = Held(f.h, r1, f.c);
  EXPECT_EQ(held.transferred_in(), 30u);
  EXPECT_EQ(held.transferred_out(), 20u);
  EXPECT_EQ(Balance(f.h, f.c), 10u);
  EXPECT_EQ(Balance(f.h, f.d), 20u);
  EXPECT_EQ(Read(fund::ReadRound(f.h.state(), r1)).transferred(), 50u);
  // Back to the first initiative is allowed: another owner.
  Must(f.h, f.dave, Transfer(f.d, f.a, 5));
  EXPECT_EQ(Balance(f.h, f.a), 15u);
  uint64_t redeemed = Must(f.h, f.dave, Redeem(f.d, 15));
  EXPECT_EQ(Read(fund::ReadRedemption(f.h.state(), redeemed)).cents(), 750u);
}

TEST(TransferTest, RefusedTransfers) {
  Fund f;
  f.Round(40, 50, 10);
  uint64_t second = f.h.Propose(f.alice);  // Alice's other initiative.
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 41),
                StatusCode::kFailedPrecondition);
  ExpectRefused(f.h, f.alice, Transfer(f.a, second, 10),
                StatusCode::kFailedPrecondition);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.a, 10),
                StatusCode::kInvalidArgument);
  ExpectRefused(f.h, f.alice, Transfer(f.a, 0, 10),
                StatusCode::kInvalidArgument);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 0),
                StatusCode::kInvalidArgument);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 10, 0, ""),
                StatusCode::kInvalidArgument);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 10, 0, "two\nlines"),
                StatusCode::kInvalidArgument);
  ExpectRefused(f.h, f.alice, Transfer(f.a, 9999, 10), StatusCode::kNotFound);
  ExpectRefused(f.h, f.alice, Transfer(9999, f.c, 10), StatusCode::kNotFound);
  ExpectRefused(f.h, f.carol, Transfer(f.a, f.c, 10),
                StatusCode::kPermissionDenied);
  ExpectRefused(f.h, f.h.steward(), Transfer(f.a, f.c, 10),
                StatusCode::kPermissionDenied);

  v1::TxBody suspend;
  suspend.mutable_suspend_initiative()->set_initiative_id(f.c);
  suspend.mutable_suspend_initiative()->set_reason("Under review");
  Must(f.h, f.h.steward(), suspend);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 10),
                StatusCode::kFailedPrecondition);
  v1::TxBody suspend_a;
  suspend_a.mutable_suspend_initiative()->set_initiative_id(f.a);
  suspend_a.mutable_suspend_initiative()->set_reason("Under review");
  Must(f.h, f.h.steward(), suspend_a);
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.d, 10),
                StatusCode::kFailedPrecondition);
  EXPECT_EQ(Balance(f.h, f.a), 40u);
}

TEST(TransferTest, CreditsOfTheOpenRoundAreNotTransferable) {
  Fund f;
  uint64_t open = f.h.OpenRound(100);
  Must(f.h, f.bob, FundHarness::Award(open, f.a, 20));
  ExpectRefused(f.h, f.alice, Transfer(f.a, f.c, 1),
                StatusCode::kFailedPrecondition);
}

TEST(TransferTest, TotalsShowWhatWasTransferredAndStillAddUp) {
  Fund f;
  uint64_t r1 = f.Round(40, 50, 10);
  Must(f.h, f.alice, Transfer(f.a, f.c, 30));
  Must(f.h, f.carol, Transfer(f.c, f.d, 12));
  Must(f.h, f.carol, Redeem(f.c, 8));  // By rule.
  Must(f.h, f.dave, Redeem(f.d, 12));  // Pending: above 10.
  Must(f.h, f.alice, Redeem(f.a, 4));

  v1::RoundTotals totals = Read(fund::ReadRoundTotals(f.h.state(), r1));
  EXPECT_EQ(totals.transferred(), 42u);
  EXPECT_EQ(totals.net_awarded(), 40u);
  std::map<uint64_t, v1::InitiativeRoundRecord> lines;
  for (const v1::InitiativeTotals& line : totals.initiatives()) {
    lines[line.initiative_id()] = line.totals();
  }
  EXPECT_EQ(lines[f.a].transferred_out(), 30u);
  EXPECT_EQ(lines[f.c].transferred_in(), 30u);
  EXPECT_EQ(lines[f.c].transferred_out(), 12u);
  EXPECT_EQ(lines[f.d].transferred_in(), 12u);
  // What each holds, counted by hand: A 40 - 30 - 4, C 30 - 12 - 8, D 12 - 12.
  const std::map<uint64_t, uint64_t> left = {{f.a, 6}, {f.c, 10}, {f.d, 0}};
  uint64_t net = 0, redeemed_pending_left = 0, in = 0, out = 0;
  for (const auto& [id, held] : lines) {
    net += held.awarded() - held.withdrawn() + held.transferred_in() -
           held.transferred_out();
    in += held.transferred_in();
    out += held.transferred_out();
    ASSERT_TRUE(left.count(id)) << id;
    redeemed_pending_left += held.redeemed() + held.pending() + left.at(id);
    EXPECT_EQ(fund::RoundCreditsLeft(held), left.at(id)) << id;
  }
  EXPECT_EQ(in, out);
  EXPECT_EQ(net, totals.net_awarded());
  EXPECT_EQ(redeemed_pending_left, totals.net_awarded());
  EXPECT_EQ(totals.redemptions().settled(), 12u);
  EXPECT_EQ(totals.redemptions().pending(), 12u);
}

}  // namespace
}  // namespace uuro
