// uurod killed with SIGKILL at random moments while clients submit awards,
// and restarted, again and again. After every restart:
//   - every receipt any client got is in the log: its inclusion proof, as the
//     restarted server serves it, verifies against the new checkpoint;
//   - the new checkpoint is consistent with every checkpoint seen before;
//   - replaying the log gives the state digest the server's store has;
//   - each resident's spending and the round's totals are exactly the sum of
//     the awards the log holds (acknowledged ones, plus at most the one each
//     client had in flight when the server died).
//
// UURO_CRASH_KILLS sets the number of kills (default 25; scripts/soak runs
// more), UURO_CRASH_SEED the random seed (printed, to replay a failure).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string_view>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "clients/ledger_client.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/receipt.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;

constexpr int kWriters = 4;
constexpr int kInitiatives = 2;
constexpr uint64_t kTenMinutesMs = 10 * 60 * 1000;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::strtoull(value, nullptr, 10) : fallback;
}

// The award a writer signs with a nonce. A function of the nonce alone, so
// that a transaction lost in a crash is re-signed as the same award.
uint64_t AmountFor(uint64_t nonce) { return 1 + nonce % 5; }
size_t InitiativeFor(uint64_t nonce) { return nonce % kInitiatives; }

// One resident submitting awards, one at a time, on its own connection.
struct Writer {
  SecretKey key = SecretKey::Generate();
  std::vector<v1::Receipt> receipts;  // Every acknowledged award, ever.
  size_t checkpoints_taken = 0;       // Receipts whose checkpoint is noted.
  size_t proved_before = 0;           // Receipts proved after a restart.
  absl::Status failure;               // An answer no crash explains.
};

// Whether SIGKILL explains a failed call: only the shapes gRPC gives when
// the connection breaks under a call or cannot be made at all, which are all
// UNAVAILABLE with a transport message. An UNAVAILABLE the server sends
// itself (a store it cannot write, "shutting down"), INTERNAL, CANCELLED and
// anything else is a failure the kill does not excuse. Returns the shape
// that explains it, or null. (Seen in 40 kills: "Socket closed",
// "Connection reset by peer" and "Connection refused".)
const char* KillShape(int code, std::string_view message) {
  if (code != grpc::StatusCode::UNAVAILABLE) return nullptr;
  for (const char* shape : {
           "Socket closed",             // The server's end went away.
           "Connection reset by peer",  // ... mid-read or mid-write.
           "Broken pipe",
           "Connection refused",  // A new connection to a dead server.
           "failed to connect to all addresses",
           "Cancelling all calls",  // The transport closed under the call.
           "Transport closed",
           "Endpoint closing",
           "Stream removed",
       }) {
    if (message.find(shape) != std::string_view::npos) return shape;
  }
  return nullptr;
}

// How often each shape excused a failed call, printed at the end.
absl::Mutex excused_mu;
std::map<std::string, uint64_t> excused ABSL_GUARDED_BY(excused_mu);

bool KillExplains(int code, std::string_view message) {
  const char* shape = KillShape(code, message);
  if (shape == nullptr) return false;
  absl::MutexLock lock(&excused_mu);
  ++excused[shape];
  return true;
}

class KillRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    // No rate limit: each writer sends as fast as it is answered.
    uurod_ = std::make_unique<testing::UurodProcess>(
        ledger_->data, std::vector<std::string>{"--rate-limit", "0"});
    replica_dir_ = ledger_->dir.Sub("replica");
    auto replica = CreateRocksLogStore(replica_dir_);
    ASSERT_TRUE(replica.ok()) << replica.status();
    replica_ = std::move(*replica);
  }

  std::string db() const { return ledger_->data + "/db"; }

  // Writer `w` submits until the server goes away.
  void RunWriter(Writer& w, const std::string& address) {
    LedgerClient client(testing::OwnChannel(address));
    auto next = testing::ServerNextNonce(client, w.key.public_key());
    if (!next.ok()) {
      if (!KillExplains(static_cast<int>(next.status().code()),
                        std::string(next.status().message()))) {
        w.failure = next.status();
      }
      return;
    }
    for (uint64_t nonce = *next;; ++nonce) {
      Bytes envelope = testing::SignTx(
          w.key, ledger_->origin, nonce, WallClockMs() + kTenMinutesMs,
          testing::AwardBody(fund_.round_id,
                             fund_.initiative_ids[InitiativeFor(nonce)],
                             AmountFor(nonce)));
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(20));
      v1::SubmitRequest request;
      request.set_envelope(std::string(AsString(envelope)));
      v1::Receipt receipt;
      grpc::Status status = client.ledger().Submit(&context, request, &receipt);
      if (!status.ok()) {
        if (!KillExplains(status.error_code(), status.error_message())) {
          w.failure = absl::InternalError(absl::StrCat("nonce ", nonce, ": ",
                                                       status.error_code(), " ",
                                                       status.error_message()));
        }
        return;
      }
      auto verified =
          VerifyReceipt(receipt, ledger_->log_key(), ledger_->origin);
      if (!verified.ok()) {
        w.failure = verified.status();
        return;
      }
      v1::LogEntry entry;
      if (!entry.ParseFromString(receipt.entry()) ||
          entry.envelope() != AsString(envelope) || receipt.duplicate()) {
        w.failure = absl::InternalError(
            absl::StrCat("the receipt for nonce ", nonce, " is not its award"));
        return;
      }
      w.receipts.push_back(std::move(receipt));
    }
  }

  // With uurod dead: the store opens (recovering what RocksDB recovers), and
  // replaying the new entries onto the replica gives the same root and state
  // digest. Returns the size of the log.
  uint64_t CheckStoreOffline() {
    auto store = OpenRocksLogStore(db());
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return 0;
    absl::Status replayed = fund::ReplayLog(**store, *replica_);
    EXPECT_TRUE(replayed.ok()) << replayed;
    EXPECT_EQ(replica_->size(), (*store)->size());
    EXPECT_EQ(replica_->root(), (*store)->root());
    auto served = fund::StateDigest(**store);
    auto replay = fund::StateDigest(*replica_);
    EXPECT_TRUE(served.ok() && replay.ok());
    if (served.ok() && replay.ok()) {
      EXPECT_EQ(*served, *replay);
    }
    return (*store)->size();
  }

  // With uurod restarted: the checks against what the server now serves.
  void CheckServed(LedgerClient& client, uint64_t offline_size) {
    auto response = client.Checkpoint();
    ASSERT_TRUE(response.ok()) << response.status();
    auto now = OpenCheckpoint(response->checkpoint(), ledger_->log_key(),
                              ledger_->origin);
    ASSERT_TRUE(now.ok()) << now.status();
    EXPECT_EQ(now->size, offline_size);

    // Consistent with every checkpoint seen (each once; the checkpoints after
    // restarts form a chain, so older ones stay covered through it).
    for (const auto& [size, root] : unchecked_checkpoints_) {
      Checkpoint seen{ledger_->origin, size, root, {}};
      absl::Status consistent = testing::CheckConsistency(client, seen, *now);
      EXPECT_TRUE(consistent.ok())
          << "checkpoint of size " << size << ": " << consistent;
    }
    unchecked_checkpoints_.clear();
    unchecked_checkpoints_[now->size] = now->root;

    // Every receipt ever given is in the log the new checkpoint signs. (Past
    // kProveAllUpTo receipts, as only long soaks reach, the new ones and a
    // random sample of the older ones: the consistency chain covers the rest.)
    size_t proved = 0;
    size_t total = 0;
    for (const Writer& w : writers_) total += w.receipts.size();
    std::bernoulli_distribution sample(
        total <= kProveAllUpTo ? 1.0 : double(kProveAllUpTo) / total);
    for (Writer& w : writers_) {
      for (size_t i = 0; i < w.receipts.size(); ++i) {
        if (i < w.proved_before && !sample(random_)) continue;
        const v1::Receipt& r = w.receipts[i];
        grpc::ClientContext context;
        v1::GetInclusionProofRequest request;
        request.set_index(r.index());
        request.set_tree_size(now->size);
        v1::ProofResponse proof;
        grpc::Status status =
            client.transparency().GetInclusionProof(&context, request, &proof);
        ASSERT_TRUE(status.ok()) << status.error_message();
        Hash leaf{};
        ASSERT_EQ(r.leaf_hash().size(), leaf.size());
        std::copy(r.leaf_hash().begin(), r.leaf_hash().end(), leaf.begin());
        absl::Status included =
            VerifyInclusion(leaf, r.index(), now->size,
                            testing::ToHashes(proof.hashes()), now->root);
        ASSERT_TRUE(included.ok())
            << "receipt " << r.index() << ": " << included;
        ++proved;
      }
      w.proved_before = w.receipts.size();
    }
    receipts_proved_ += proved;

    // Totals: what each resident spent is exactly the awards its logged
    // nonces carry; the round's total is their sum.
    uint64_t all_awarded = 0;
    std::map<uint64_t, uint64_t> by_initiative;
    for (const Writer& w : writers_) {
      auto next = testing::ServerNextNonce(client, w.key.public_key());
      ASSERT_TRUE(next.ok()) << next.status();
      uint64_t acknowledged = w.receipts.size();
      // Logged: everything acknowledged, and at most the one award whose
      // answer the crash cut off, each time the server was killed.
      EXPECT_GE(*next, acknowledged);
      EXPECT_LE(*next, acknowledged + kills_);
      uint64_t spent = 0;
      for (uint64_t nonce = 0; nonce < *next; ++nonce) {
        spent += AmountFor(nonce);
        by_initiative[fund_.initiative_ids[InitiativeFor(nonce)]] +=
            AmountFor(nonce);
      }
      all_awarded += spent;
      grpc::ClientContext context;
      v1::GetResidentRequest request;
      request.set_key(PublicKeyBytes(w.key.public_key()));
      v1::ResidentView view;
      grpc::Status status =
          client.ledger().GetResident(&context, request, &view);
      ASSERT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(view.spent(), spent);
      EXPECT_EQ(view.balance(), kAllowance - spent);
    }
    grpc::ClientContext context;
    v1::GetRoundTotalsRequest request;
    request.set_round_id(fund_.round_id);
    v1::RoundTotals totals;
    grpc::Status status =
        client.audit().GetRoundTotals(&context, request, &totals);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(totals.awarded(), all_awarded);
    EXPECT_EQ(totals.net_awarded(), all_awarded);
    EXPECT_EQ(totals.issued(), totals.net_awarded() + totals.unspent());
    for (const v1::InitiativeTotals& it : totals.initiatives()) {
      EXPECT_EQ(it.totals().awarded(), by_initiative[it.initiative_id()])
          << "initiative " << it.initiative_id();
    }
    EXPECT_EQ(totals.tree_size(), now->size);
  }

  static constexpr uint64_t kAllowance = 1'000'000'000;
  static constexpr size_t kProveAllUpTo = 20000;

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::string replica_dir_;
  std::unique_ptr<LogStore> replica_;
  std::vector<Writer> writers_ = std::vector<Writer>(kWriters);
  testing::OpenFund fund_;
  std::map<uint64_t, Hash> unchecked_checkpoints_;  // Size to root.
  uint64_t kills_ = 0;
  uint64_t receipts_proved_ = 0;
  std::mt19937_64 random_;
};

TEST_F(KillRestartTest, AcknowledgedAwardsSurviveSigkillAtRandomMoments) {
  const uint64_t kills = EnvOr("UURO_CRASH_KILLS", 25);
  const uint64_t seed = EnvOr("UURO_CRASH_SEED", std::random_device()());
  std::cout << "UURO_CRASH_SEED=" << seed << " UURO_CRASH_KILLS=" << kills
            << std::endl;
  std::mt19937_64 random(seed);
  random_.seed(seed + 1);
  const auto began = std::chrono::steady_clock::now();

  ASSERT_TRUE(uurod_->Start().ok()) << uurod_->Log();
  {
    LedgerClient client(uurod_->Channel());
    std::vector<const SecretKey*> keys;
    for (const Writer& w : writers_) keys.push_back(&w.key);
    SecretKey owner = SecretKey::Generate();
    auto fund = testing::SetUpOpenRound(client, ledger_->steward, keys, owner,
                                        {.allowance = kAllowance,
                                         .max_share_percent = 100,
                                         .initiatives = kInitiatives});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
    auto cp = client.Checkpoint();
    ASSERT_TRUE(cp.ok());
    auto opened =
        OpenCheckpoint(cp->checkpoint(), ledger_->log_key(), ledger_->origin);
    ASSERT_TRUE(opened.ok());
    unchecked_checkpoints_[opened->size] = opened->root;
  }

  for (uint64_t round = 0; round < kills; ++round) {
    SCOPED_TRACE(absl::StrCat("kill ", round + 1));
    std::vector<std::thread> threads;
    for (Writer& w : writers_) {
      threads.emplace_back([this, &w] { RunWriter(w, uurod_->address()); });
    }
    // Anywhere from before the first commit to well into a run of batches.
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(0, 250'000)(random)));
    uurod_->Kill();
    ++kills_;
    for (std::thread& t : threads) t.join();
    for (const Writer& w : writers_) ASSERT_TRUE(w.failure.ok()) << w.failure;
    // Checkpoints the clients saw in their receipts.
    for (Writer& w : writers_) {
      for (; w.checkpoints_taken < w.receipts.size(); ++w.checkpoints_taken) {
        auto cp = OpenCheckpoint(w.receipts[w.checkpoints_taken].checkpoint(),
                                 ledger_->log_key(), ledger_->origin);
        ASSERT_TRUE(cp.ok()) << cp.status();
        auto [at, added] = unchecked_checkpoints_.emplace(cp->size, cp->root);
        ASSERT_EQ(at->second, cp->root)
            << "two checkpoints of size " << cp->size;
      }
    }

    const uint64_t size = CheckStoreOffline();
    ASSERT_FALSE(HasFailure());
    absl::Status restarted = uurod_->Start();
    ASSERT_TRUE(restarted.ok()) << restarted << "\n" << uurod_->Log();
    LedgerClient client(uurod_->Channel());
    ASSERT_NO_FATAL_FAILURE(CheckServed(client, size));
    ASSERT_FALSE(HasFailure());
  }

  uint64_t acknowledged = 0;
  for (const Writer& w : writers_) acknowledged += w.receipts.size();
  std::cout << "kills survived: " << kills_
            << ", awards acknowledged: " << acknowledged
            << ", log size: " << replica_->size()
            << ", inclusion proofs checked: " << receipts_proved_ << ", in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             began)
                   .count()
            << " s" << std::endl;
  {
    absl::MutexLock lock(&excused_mu);
    for (const auto& [shape, count] : excused) {
      std::cout << "calls cut by a kill (" << shape << "): " << count
                << std::endl;
    }
  }
  EXPECT_GT(acknowledged, 0u);
}

}  // namespace
}  // namespace uuro
