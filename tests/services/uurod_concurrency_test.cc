// Many clients at once against a real uurod: the sequencer batches their
// transactions, and still every receipt proves its own entry, no index is
// handed out twice, and the audit totals are exactly what was sent.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "absl/synchronization/barrier.h"
#include "clients/ledger_client.h"
#include "ledger/fund/receipt.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;
using testing::AwardBody;

constexpr int kClients = 8;
constexpr int kAwardsPerClient = 2000;
constexpr int kInitiatives = 4;
constexpr uint64_t kAmount = 3;
// Room for every award, and a balance left over to check.
constexpr uint64_t kAllowance = kAwardsPerClient * kAmount + 1000;

// One client: its own key, channel and connection, and what it was told.
struct Resident {
  SecretKey key = SecretKey::Generate();
  std::unique_ptr<LedgerClient> client;
  std::vector<Bytes> sent;
  std::vector<v1::Receipt> receipts;
  std::map<uint64_t, uint64_t> awarded;  // By initiative id.
  absl::Status failure;
};

TEST(UurodConcurrencyTest, EightClientsSubmittingAtOnceGetExactResults) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  // Unlimited: the test floods from each key on purpose.
  testing::UurodProcess uurod(ledger->data, {"--rate-limit", "0"});
  ASSERT_TRUE(uurod.Start().ok());
  auto setup_client = std::make_unique<LedgerClient>(uurod.Channel());

  std::vector<Resident> residents(kClients);
  std::vector<const SecretKey*> keys;
  for (Resident& r : residents) keys.push_back(&r.key);
  SecretKey owner = SecretKey::Generate();
  auto fund =
      testing::SetUpOpenRound(*setup_client, ledger->steward, keys, owner,
                              {.allowance = kAllowance,
                               .max_share_percent = 100,
                               .initiatives = kInitiatives});
  ASSERT_TRUE(fund.ok()) << fund.status();
  auto size_before = setup_client->Checkpoint();
  ASSERT_TRUE(size_before.ok()) << size_before.status();
  for (Resident& r : residents) {
    r.client =
        std::make_unique<LedgerClient>(testing::OwnChannel(uurod.address()));
    // Fetches the origin now, not inside the timed part.
    auto own_fund = r.client->Fund();
    ASSERT_TRUE(own_fund.ok()) << own_fund.status();
  }

  absl::Barrier* start = new absl::Barrier(kClients + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t, start] {
      Resident& r = residents[t];
      r.sent.reserve(kAwardsPerClient);
      r.receipts.reserve(kAwardsPerClient);
      if (start->Block()) delete start;
      for (int i = 0; i < kAwardsPerClient; ++i) {
        // Each client walks the initiatives from its own offset, so they
        // all get traffic from all clients at every moment.
        uint64_t initiative = fund->initiative_ids[(i + t) % kInitiatives];
        auto envelope = r.client->Sign(
            r.key, AwardBody(fund->round_id, initiative, kAmount));
        if (!envelope.ok()) {
          r.failure = envelope.status();
          return;
        }
        auto receipt = r.client->SubmitEnvelope(*envelope);
        if (!receipt.ok()) {
          r.failure = receipt.status();
          return;
        }
        r.sent.push_back(std::move(*envelope));
        r.receipts.push_back(std::move(*receipt));
        r.awarded[initiative] += kAmount;
      }
    });
  }
  const auto began = std::chrono::steady_clock::now();
  if (start->Block()) delete start;
  for (std::thread& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began)
          .count();
  constexpr int kTotal = kClients * kAwardsPerClient;
  std::cout << kTotal << " awards from " << kClients << " clients in "
            << seconds << " s: " << kTotal / seconds << " awards/s"
            << std::endl;
  for (const Resident& r : residents) {
    ASSERT_TRUE(r.failure.ok()) << r.failure;
    ASSERT_EQ(r.receipts.size(), static_cast<size_t>(kAwardsPerClient));
  }

  // Receipts are checked after the clock stopped, in parallel.
  const NoteVerifier log_key = ledger->log_key();
  std::vector<std::thread> checkers;
  std::atomic<int> bad_receipts{0};
  for (int t = 0; t < kClients; ++t) {
    checkers.emplace_back([&, t] {
      const Resident& r = residents[t];
      for (size_t i = 0; i < r.receipts.size(); ++i) {
        const v1::Receipt& receipt = r.receipts[i];
        auto cp = VerifyReceipt(receipt, log_key, ledger->origin);
        v1::LogEntry entry;
        // The receipt must prove this client's own transaction.
        bool ok = cp.ok() && !receipt.duplicate() &&
                  entry.ParseFromString(receipt.entry()) &&
                  entry.index() == receipt.index() &&
                  entry.envelope() == AsString(r.sent[i]);
        if (!ok) ++bad_receipts;
      }
    });
  }
  for (std::thread& thread : checkers) thread.join();
  EXPECT_EQ(bad_receipts.load(), 0);

  std::set<uint64_t> indexes;
  for (const Resident& r : residents) {
    uint64_t previous = 0;
    for (const v1::Receipt& receipt : r.receipts) {
      indexes.insert(receipt.index());
      // One client's transactions are logged in the order it sent them.
      EXPECT_GT(receipt.index(), previous);
      previous = receipt.index();
    }
  }
  EXPECT_EQ(indexes.size(), static_cast<size_t>(kTotal));
  EXPECT_EQ(*indexes.begin(), size_before->tree_size());
  EXPECT_EQ(*indexes.rbegin(), size_before->tree_size() + kTotal - 1);

  v1::RoundTotals totals;
  {
    // Scoped: a finished call's context still holds the connection open.
    grpc::ClientContext context;
    v1::GetRoundTotalsRequest request;
    request.set_round_id(fund->round_id);
    grpc::Status status =
        setup_client->audit().GetRoundTotals(&context, request, &totals);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(totals.tree_size(), size_before->tree_size() + kTotal);
  EXPECT_EQ(totals.residents(), static_cast<uint64_t>(kClients + 1));
  EXPECT_EQ(totals.issued(), (kClients + 1) * kAllowance);
  EXPECT_EQ(totals.awarded(), kTotal * kAmount);
  EXPECT_EQ(totals.withdrawn(), 0u);
  EXPECT_EQ(totals.net_awarded(), kTotal * kAmount);
  EXPECT_EQ(totals.unspent(), totals.issued() - kTotal * kAmount);

  std::map<uint64_t, uint64_t> sent_to;
  for (const Resident& r : residents) {
    for (const auto& [initiative, amount] : r.awarded) {
      sent_to[initiative] += amount;
    }
  }
  std::map<uint64_t, uint64_t> counted;
  for (const v1::InitiativeTotals& i : totals.initiatives()) {
    EXPECT_EQ(i.totals().withdrawn(), 0u);
    counted[i.initiative_id()] = i.totals().awarded();
  }
  EXPECT_EQ(counted, sent_to);
  ASSERT_EQ(totals.districts_size(), 1);
  EXPECT_EQ(totals.districts(0).totals().awarded(), kTotal * kAmount);
  EXPECT_EQ(totals.districts(0).totals().received(), kTotal * kAmount);

  for (const Resident& r : residents) {
    grpc::ClientContext context;
    v1::GetResidentRequest request;
    request.set_key(PublicKeyBytes(r.key.public_key()));
    v1::ResidentView view;
    grpc::Status got =
        setup_client->ledger().GetResident(&context, request, &view);
    ASSERT_TRUE(got.ok()) << got.error_message();
    EXPECT_EQ(view.round_id(), fund->round_id);
    EXPECT_EQ(view.spent(), kAwardsPerClient * kAmount);
    EXPECT_EQ(view.balance(), kAllowance - kAwardsPerClient * kAmount);
    std::map<uint64_t, uint64_t> awards;
    for (const v1::AwardView& a : view.awards()) {
      awards[a.initiative_id()] = a.amount();
    }
    EXPECT_EQ(awards, r.awarded);
  }

  // Open connections would hold uurod's shutdown for seconds.
  for (Resident& r : residents) r.client.reset();
  setup_client.reset();
  const auto stop_began = std::chrono::steady_clock::now();
  auto code = uurod.Stop(SIGTERM);
  std::cout << "uurod stopped in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             stop_began)
                   .count()
            << " s" << std::endl;
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << uurod.Log();
}

}  // namespace
}  // namespace uuro
