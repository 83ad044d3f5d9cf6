// A whole round through the generated gRPC client against a real uurod:
// every receipt proves its entry, and successive checkpoints are consistent.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "clients/ledger_client.h"
#include "ledger/fund/receipt.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/test_clock.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;

// Checks every receipt it is given and that each new checkpoint extends the
// previous one. Check() fails fatally: callers wrap it in
// ASSERT_NO_FATAL_FAILURE so that the test stops at the first bad receipt.
class ReceiptChecker {
 public:
  ReceiptChecker(LedgerClient& client, NoteVerifier log_key, std::string origin)
      : client_(client),
        log_key_(std::move(log_key)),
        origin_(std::move(origin)) {}

  void Check(const absl::StatusOr<v1::Receipt>& receipt) {
    ASSERT_TRUE(receipt.ok()) << receipt.status();
    auto cp = VerifyReceipt(*receipt, log_key_, origin_);
    ASSERT_TRUE(cp.ok()) << cp.status();
    if (last_.size > 0 && cp->size > last_.size) {
      grpc::ClientContext context;
      v1::GetConsistencyProofRequest request;
      request.set_old_size(last_.size);
      request.set_new_size(cp->size);
      v1::ProofResponse proof;
      grpc::Status status =
          client_.transparency().GetConsistencyProof(&context, request, &proof);
      ASSERT_TRUE(status.ok()) << status.error_message();
      std::vector<Hash> hashes;
      for (const std::string& h : proof.hashes()) {
        Hash hash;
        std::copy(h.begin(), h.end(), hash.begin());
        hashes.push_back(hash);
      }
      absl::Status consistent =
          VerifyConsistency(last_.size, cp->size, hashes, last_.root, cp->root);
      ASSERT_TRUE(consistent.ok())
          << last_.size << " -> " << cp->size << ": " << consistent;
    }
    if (cp->size >= last_.size) last_ = *cp;
    ++checked_;
  }
  int checked() const { return checked_; }

 private:
  LedgerClient& client_;
  NoteVerifier log_key_;
  std::string origin_;
  Checkpoint last_;
  int checked_ = 0;
};

TEST(UurodRoundTest, WholeRoundThroughTheGeneratedClient) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  // uurod's clock is the test's: the round closes when the test moves the
  // clock past its end, not after a sleep.
  testing::TestClock clock(ledger->dir.Sub("clock"), WallClockMs());
  testing::UurodProcess uurod(ledger->data, clock.Args());
  ASSERT_TRUE(uurod.Start().ok()) << uurod.Log();
  LedgerClient client(uurod.Channel());
  ReceiptChecker check(client, ledger->log_key(), ledger->origin);
  const SecretKey& steward = ledger->steward;

  SecretKey alice = SecretKey::Generate();
  SecretKey owner = SecretKey::Generate();
  for (const SecretKey* key : {&alice, &owner}) {
    v1::TxBody enroll;
    enroll.mutable_enroll_resident()->set_key(
        PublicKeyBytes(key->public_key()));
    enroll.mutable_enroll_resident()->set_district("harbour");
    ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(steward, enroll)));
  }
  // A round of a minute on uurod's clock, which the test moves.
  const uint64_t closes_at = clock.now_ms() + 60'000;
  v1::TxBody open;
  open.mutable_open_round()->set_allowance(100);
  open.mutable_open_round()->set_credit_value_cents(50);
  open.mutable_open_round()->set_opens_at_ms(clock.now_ms() - 1000);
  open.mutable_open_round()->set_closes_at_ms(closes_at);
  open.mutable_open_round()->set_max_share_percent(100);
  open.mutable_open_round()->set_trust_threshold(10);
  auto round = client.Submit(steward, open);
  ASSERT_NO_FATAL_FAILURE(check.Check(round));

  v1::TxBody propose;
  propose.mutable_propose_initiative()->set_title("Harbour sauna");
  propose.mutable_propose_initiative()->set_district("harbour");
  propose.mutable_propose_initiative()->set_amount_asked(300);
  auto initiative = client.Submit(owner, propose);
  ASSERT_NO_FATAL_FAILURE(check.Check(initiative));

  v1::TxBody award;
  award.mutable_award()->set_round_id(round->index());
  award.mutable_award()->set_initiative_id(initiative->index());
  award.mutable_award()->set_amount(60);
  ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(alice, award)));
  v1::TxBody withdraw;
  withdraw.mutable_withdraw_award()->set_round_id(round->index());
  withdraw.mutable_withdraw_award()->set_initiative_id(initiative->index());
  withdraw.mutable_withdraw_award()->set_amount(10);
  ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(alice, withdraw)));

  // Closing before the end is refused; once the clock is past it, it works.
  v1::TxBody close;
  close.mutable_close_round()->set_round_id(round->index());
  EXPECT_EQ(client.Submit(steward, close).status().code(),
            absl::StatusCode::kFailedPrecondition);
  clock.Set(closes_at + 1);
  ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(steward, close)));

  // Under the threshold settles by rule; over it waits for a steward.
  auto redeem = [&](uint64_t amount) {
    v1::TxBody body;
    body.mutable_request_redemption()->set_initiative_id(initiative->index());
    body.mutable_request_redemption()->set_amount(amount);
    body.mutable_request_redemption()->set_purpose("Wood for the stove");
    return client.Submit(owner, body);
  };
  ASSERT_NO_FATAL_FAILURE(check.Check(redeem(10)));
  auto settle_me = redeem(20);
  ASSERT_NO_FATAL_FAILURE(check.Check(settle_me));
  auto reject_me = redeem(15);
  ASSERT_NO_FATAL_FAILURE(check.Check(reject_me));
  v1::TxBody settle;
  settle.mutable_settle_redemption()->set_request_id(settle_me->index());
  settle.mutable_settle_redemption()->set_payment_reference("INV-7");
  ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(steward, settle)));
  v1::TxBody reject;
  reject.mutable_reject_redemption()->set_request_id(reject_me->index());
  reject.mutable_reject_redemption()->set_reason("Not for this purpose");
  ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(steward, reject)));
  v1::TxBody report;
  report.mutable_post_report()->set_initiative_id(initiative->index());
  report.mutable_post_report()->set_text("The sauna is warm.");
  ASSERT_NO_FATAL_FAILURE(check.Check(client.Submit(owner, report)));
  EXPECT_EQ(check.checked(), 13);

  grpc::ClientContext context;
  v1::GetInitiativeRequest get;
  get.set_id(initiative->index());
  v1::InitiativeView view;
  ASSERT_TRUE(client.ledger().GetInitiative(&context, get, &view).ok());
  EXPECT_EQ(view.initiative().received_final(), 50u);
  EXPECT_EQ(view.initiative().redeemed(), 30u);
  EXPECT_EQ(view.balance(), 20u);
  EXPECT_EQ(view.reports_size(), 1);

  grpc::ClientContext totals_context;
  v1::GetRoundTotalsRequest totals_request;
  v1::RoundTotals totals;
  ASSERT_TRUE(client.audit()
                  .GetRoundTotals(&totals_context, totals_request, &totals)
                  .ok());
  EXPECT_EQ(totals.issued(), 200u);
  EXPECT_EQ(totals.net_awarded(), 50u);
  EXPECT_EQ(totals.lapsed(), 150u);
  EXPECT_EQ(totals.redemptions().settled(), 30u);
  EXPECT_EQ(totals.redemptions().rejected(), 15u);

  // A second round; ListRounds pages through both in id order, the first
  // closed and the second open.
  open.mutable_open_round()->set_closes_at_ms(clock.now_ms() + 3600 * 1000);
  auto second = client.Submit(steward, open);
  ASSERT_NO_FATAL_FAILURE(check.Check(second));
  std::vector<v1::RoundRecord> rounds;
  std::string token;
  do {
    grpc::ClientContext list_context;
    v1::ListRoundsRequest list;
    list.set_page_size(1);
    list.set_page_token(token);
    v1::ListRoundsResponse page;
    ASSERT_TRUE(client.ledger().ListRounds(&list_context, list, &page).ok());
    ASSERT_LE(page.rounds_size(), 1);
    rounds.insert(rounds.end(), page.rounds().begin(), page.rounds().end());
    token = page.next_page_token();
  } while (!token.empty() && rounds.size() < 5);
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].id(), round->index());
  EXPECT_TRUE(rounds[0].closed());
  EXPECT_EQ(rounds[0].lapsed(), 150u);
  EXPECT_EQ(rounds[1].id(), second->index());
  EXPECT_FALSE(rounds[1].closed());

  auto code = uurod.Stop(SIGTERM);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0) << uurod.Log();
}

}  // namespace
}  // namespace uuro
