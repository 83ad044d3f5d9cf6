// The rules a round sets for its awards: an owner may not award their own
// initiative, an initiative gets no more than it asked for (over all rounds)
// unless the round allows it, and districts may have allowances of their own.
#include <cstdint>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "ledger/fund/queries.h"
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

struct RoundRules {
  uint64_t allowance = 100;
  uint32_t max_share_percent = 100;
  bool owner_may_award_own = false;
  bool may_exceed_amount_asked = false;
  // In the order given (the rules want them sorted).
  std::vector<std::pair<std::string, uint64_t>> district_allowances;
};

v1::TxBody OpenRound(const FundHarness& h, const RoundRules& rules) {
  v1::TxBody body;
  v1::OpenRound* open = body.mutable_open_round();
  open->set_allowance(rules.allowance);
  open->set_credit_value_cents(100);
  open->set_opens_at_ms(h.now_ms);
  open->set_closes_at_ms(h.now_ms + 1000);
  open->set_max_share_percent(rules.max_share_percent);
  open->set_trust_threshold(10);
  open->set_owner_may_award_own(rules.owner_may_award_own);
  open->set_may_exceed_amount_asked(rules.may_exceed_amount_asked);
  for (const auto& [district, allowance] : rules.district_allowances) {
    v1::DistrictAllowance* d = open->add_district_allowances();
    d->set_district(district);
    d->set_allowance(allowance);
  }
  return body;
}

uint64_t ProposeAsking(FundHarness& h, const SecretKey& owner,
                       uint64_t amount_asked) {
  v1::TxBody body;
  v1::ProposeInitiative* p = body.mutable_propose_initiative();
  p->set_title("Bench by the shore");
  p->set_district("north");
  p->set_amount_asked(amount_asked);
  return Must(h, owner, body);
}

void Close(FundHarness& h, uint64_t round) {
  h.now_ms += 1000;
  Must(h, h.steward(), FundHarness::CloseRound(round));
}

TEST(RoundRulesTest, OwnerMayNotAwardTheirOwnInitiativeByDefault) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("north");
  uint64_t initiative = h.Propose(alice);
  uint64_t round = Must(h, h.steward(), OpenRound(h, {}));
  ExpectRefused(h, alice, FundHarness::Award(round, initiative, 10),
                StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read(fund::ReadSpent(h.state(), round, 1)), 0u);
  Must(h, bob, FundHarness::Award(round, initiative, 10));
  // Alice may still award other initiatives.
  uint64_t bobs = h.Propose(bob);
  Must(h, alice, FundHarness::Award(round, bobs, 10));
  EXPECT_EQ(Read(fund::ReadInitiative(h.state(), initiative)).received_open(),
            10u);
}

TEST(RoundRulesTest, OwnerAwardsTheirOwnWhenTheRoundAllowsIt) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  uint64_t initiative = h.Propose(alice);
  uint64_t round =
      Must(h, h.steward(), OpenRound(h, {.owner_may_award_own = true}));
  Must(h, alice, FundHarness::Award(round, initiative, 25));
  EXPECT_EQ(Read(fund::ReadInitiative(h.state(), initiative)).received_open(),
            25u);
  Close(h, round);
  // The next round, by default, refuses it again.
  uint64_t next = Must(h, h.steward(), OpenRound(h, {}));
  ExpectRefused(h, alice, FundHarness::Award(next, initiative, 1),
                StatusCode::kFailedPrecondition);
}

TEST(RoundRulesTest, NoMoreThanAskedAcrossRoundsByDefault) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("north");
  SecretKey carol = h.EnrollNew("south");
  uint64_t initiative = ProposeAsking(h, alice, 50);
  uint64_t r1 = Must(h, h.steward(), OpenRound(h, {}));
  Must(h, bob, FundHarness::Award(r1, initiative, 30));
  // Within one round, open awards count.
  ExpectRefused(h, carol, FundHarness::Award(r1, initiative, 21),
                StatusCode::kFailedPrecondition);
  Close(h, r1);

  // Final awards of earlier rounds count too.
  uint64_t r2 = Must(h, h.steward(), OpenRound(h, {}));
  ExpectRefused(h, carol, FundHarness::Award(r2, initiative, 21),
                StatusCode::kFailedPrecondition);
  Must(h, carol, FundHarness::Award(r2, initiative, 15));
  // Withdrawn credits no longer count.
  Must(h, carol, FundHarness::Withdraw(r2, initiative, 5));
  Must(h, bob, FundHarness::Award(r2, initiative, 10));  // Exactly 50.
  ExpectRefused(h, bob, FundHarness::Award(r2, initiative, 1),
                StatusCode::kFailedPrecondition);
  v1::InitiativeRecord record =
      Read(fund::ReadInitiative(h.state(), initiative));
  EXPECT_EQ(record.received_final(), 30u);
  EXPECT_EQ(record.received_open(), 20u);
}

TEST(RoundRulesTest, MoreThanAskedWhenTheRoundAllowsIt) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("north");
  uint64_t initiative = ProposeAsking(h, alice, 10);
  uint64_t round =
      Must(h, h.steward(), OpenRound(h, {.may_exceed_amount_asked = true}));
  Must(h, bob, FundHarness::Award(round, initiative, 60));
  EXPECT_EQ(Read(fund::ReadInitiative(h.state(), initiative)).received_open(),
            60u);
  Close(h, round);
  uint64_t next = Must(h, h.steward(), OpenRound(h, {}));
  ExpectRefused(h, bob, FundHarness::Award(next, initiative, 1),
                StatusCode::kFailedPrecondition);
}

// north 2 residents at 300, south 1 at 50, east 1 at the round's 100.
struct DistrictFund {
  FundHarness h;
  SecretKey north1 = h.EnrollNew("north");
  SecretKey north2 = h.EnrollNew("north");
  SecretKey south = h.EnrollNew("south");
  SecretKey east = h.EnrollNew("east");
  SecretKey owner = h.EnrollNew("hills");
  uint64_t a = ProposeAsking(h, owner, 5000);
  uint64_t b = ProposeAsking(h, owner, 5000);
  uint64_t round = 0;

  explicit DistrictFund(uint32_t share = 100) {
    round = Must(
        h, h.steward(),
        OpenRound(h, {.allowance = 100,
                      .max_share_percent = share,
                      .district_allowances = {{"north", 300}, {"south", 50}}}));
  }
};

TEST(RoundRulesTest, DistrictAllowancesSetIssuedAndTheDistrictRecords) {
  DistrictFund f;
  v1::RoundRecord round = Read(fund::ReadRound(f.h.state(), f.round));
  // 2 x 300 + 1 x 50 + 1 x 100 (east) + 1 x 100 (hills).
  EXPECT_EQ(round.issued(), 850u);
  EXPECT_EQ(Read(fund::ReadRoundTotals(f.h.state(), f.round)).issued(), 850u);
  EXPECT_EQ(
      Read(fund::ReadDistrictRound(f.h.state(), f.round, "north")).allowance(),
      300u);
  EXPECT_EQ(
      Read(fund::ReadDistrictRound(f.h.state(), f.round, "south")).allowance(),
      50u);
  EXPECT_EQ(
      Read(fund::ReadDistrictRound(f.h.state(), f.round, "east")).allowance(),
      100u);
  std::map<std::string, uint64_t> lines;
  v1::RoundTotals totals = Read(fund::ReadRoundTotals(f.h.state(), f.round));
  for (const v1::DistrictTotals& d : totals.districts()) {
    lines[d.district()] = d.totals().allowance();
  }
  EXPECT_EQ(lines["north"], 300u);
  EXPECT_EQ(lines["south"], 50u);
  EXPECT_EQ(lines["hills"], 100u);
}

TEST(RoundRulesTest, BalanceIsTheResidentsDistrictAllowance) {
  DistrictFund f;
  FundHarness& h = f.h;
  ExpectRefused(h, f.south, FundHarness::Award(f.round, f.a, 51),
                StatusCode::kFailedPrecondition);
  Must(h, f.south, FundHarness::Award(f.round, f.a, 50));
  ExpectRefused(h, f.south, FundHarness::Award(f.round, f.b, 1),
                StatusCode::kFailedPrecondition);
  ExpectRefused(h, f.east, FundHarness::Award(f.round, f.a, 101),
                StatusCode::kFailedPrecondition);
  Must(h, f.east, FundHarness::Award(f.round, f.a, 100));
  Must(h, f.north1, FundHarness::Award(f.round, f.a, 250));
  ExpectRefused(h, f.north1, FundHarness::Award(f.round, f.b, 51),
                StatusCode::kFailedPrecondition);
  Must(h, f.north1, FundHarness::Award(f.round, f.b, 50));
  EXPECT_EQ(Read(fund::ReadSpent(h.state(), f.round, 1)), 300u);

  // Lapsed at close: issued - net awarded = 850 - 450.
  Close(h, f.round);
  v1::RoundRecord round = Read(fund::ReadRound(h.state(), f.round));
  EXPECT_EQ(round.awarded() - round.withdrawn(), 450u);
  EXPECT_EQ(round.lapsed(), 400u);
  v1::RoundTotals totals = Read(fund::ReadRoundTotals(h.state(), f.round));
  EXPECT_EQ(totals.issued(), 850u);
  EXPECT_EQ(totals.lapsed(), 400u);
  EXPECT_EQ(totals.unspent(), 400u);
}

TEST(RoundRulesTest, ShareCapIsOfTheResidentsDistrictAllowance) {
  DistrictFund f(/*share=*/50);
  FundHarness& h = f.h;
  // north: 50% of 300; south: 50% of 50; east: 50% of 100.
  ExpectRefused(h, f.north1, FundHarness::Award(f.round, f.a, 151),
                StatusCode::kFailedPrecondition);
  Must(h, f.north1, FundHarness::Award(f.round, f.a, 150));
  Must(h, f.north1, FundHarness::Award(f.round, f.b, 150));
  ExpectRefused(h, f.south, FundHarness::Award(f.round, f.a, 26),
                StatusCode::kFailedPrecondition);
  Must(h, f.south, FundHarness::Award(f.round, f.a, 25));
  ExpectRefused(h, f.east, FundHarness::Award(f.round, f.a, 51),
                StatusCode::kFailedPrecondition);
  Must(h, f.east, FundHarness::Award(f.round, f.a, 50));
}

TEST(RoundRulesTest, ResidentEnrolledDuringTheRoundGetsTheDistrictAllowance) {
  DistrictFund f;
  FundHarness& h = f.h;
  SecretKey late = h.EnrollNew("north");
  EXPECT_EQ(Read(fund::ReadRound(h.state(), f.round)).issued(), 1150u);
  ExpectRefused(h, late, FundHarness::Award(f.round, f.a, 301),
                StatusCode::kFailedPrecondition);
  Must(h, late, FundHarness::Award(f.round, f.a, 300));
  Close(h, f.round);
  EXPECT_EQ(Read(fund::ReadRound(h.state(), f.round)).lapsed(), 850u);
}

TEST(RoundRulesTest, DistrictAllowancesMustBeDefinedSortedAndInRange) {
  FundHarness h;
  h.EnrollNew("north");
  ExpectRefused(h, h.steward(),
                OpenRound(h, {.district_allowances = {{"west", 10}}}),
                StatusCode::kNotFound);
  ExpectRefused(
      h, h.steward(),
      OpenRound(h, {.district_allowances = {{"south", 10}, {"north", 20}}}),
      StatusCode::kInvalidArgument);
  ExpectRefused(
      h, h.steward(),
      OpenRound(h, {.district_allowances = {{"north", 10}, {"north", 20}}}),
      StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(),
                OpenRound(h, {.district_allowances = {{"north", 0}}}),
                StatusCode::kInvalidArgument);
  ExpectRefused(
      h, h.steward(),
      OpenRound(h, {.district_allowances = {{"north", 1'000'000'000'001}}}),
      StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(),
                OpenRound(h, {.district_allowances = {{"", 10}}}),
                StatusCode::kInvalidArgument);
  RoundRules many;
  for (int i = 0; i < 51; ++i) {
    many.district_allowances.push_back({"d" + std::to_string(100 + i), 5});
  }
  ExpectRefused(h, h.steward(), OpenRound(h, many),
                StatusCode::kInvalidArgument);
  // A defined district without residents is fine.
  uint64_t round = Must(
      h, h.steward(),
      OpenRound(h, {.district_allowances = {{"harbour", 7}, {"north", 9}}}));
  EXPECT_EQ(Read(fund::ReadRound(h.state(), round)).issued(), 9u);
}

}  // namespace
}  // namespace uuro
