// When the store cannot write, submissions fail with UNAVAILABLE, nothing of
// them becomes visible (checkpoint, state, reads and nonces stay as they
// were), and the server carries on as soon as writing works again.
//
// Two ways to make writing fail, each under a real LedgerNode serving gRPC:
//   - the operating system refuses: a file-size limit (RLIMIT_FSIZE, as a
//     full disk would) makes RocksDB's own writes fail with an I/O error,
//     which also puts RocksDB into its read-only error state;
//   - the storage boundary refuses: a LogStore wrapper fails Append on
//     demand, so the failure lands at a chosen point of the sequencer.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <memory>

#include "clients/ledger_client.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/receipt.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/wall_clock.h"
#include "services/ledger_node.h"
#include "services/server.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;

constexpr uint64_t kTenMinutesMs = 10 * 60 * 1000;

// Forwards to the real store; Append fails while `failing` is set, as an
// I/O error would, without touching the store.
class FailingLogStore final : public LogStore {
 public:
  FailingLogStore(std::unique_ptr<LogStore> base, std::atomic<bool>& failing)
      : base_(std::move(base)), failing_(failing) {}

  uint64_t size() const override { return base_->size(); }
  Hash root() const override { return base_->root(); }
  std::string checkpoint() const override { return base_->checkpoint(); }
  absl::Status Append(const AppendBatch& batch,
                      const CheckpointMaker& make_checkpoint) override {
    if (failing_) {
      return absl::UnavailableError("IO error: No space left on device");
    }
    return base_->Append(batch, make_checkpoint);
  }
  absl::Status Recover() override { return base_->Recover(); }
  absl::StatusOr<Bytes> ReadEntry(uint64_t index) const override {
    return base_->ReadEntry(index);
  }
  absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t begin,
                                                 uint64_t end) const override {
    return base_->ReadEntries(begin, end);
  }
  absl::StatusOr<Hash> ReadNode(NodeId id) const override {
    return base_->ReadNode(id);
  }
  absl::StatusOr<std::optional<Bytes>> ReadState(
      std::string_view key) const override {
    return base_->ReadState(key);
  }
  using LogStore::ScanState;
  absl::Status ScanState(std::string_view prefix, std::string_view start,
                         const std::function<bool(std::string_view, ByteView)>&
                             visit) const override {
    return base_->ScanState(prefix, start, visit);
  }

 private:
  std::unique_ptr<LogStore> base_;
  std::atomic<bool>& failing_;
};

// While alive, no file of this process may grow: writes past a file's end
// fail with EFBIG (SIGXFSZ is ignored), as they would on a full disk.
class NoFileGrowth {
 public:
  NoFileGrowth() {
    ::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit limit = saved_;
    limit.rlim_cur = 0;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~NoFileGrowth() { ::setrlimit(RLIMIT_FSIZE, &saved_); }
  NoFileGrowth(const NoFileGrowth&) = delete;
  NoFileGrowth& operator=(const NoFileGrowth&) = delete;

 private:
  rlimit saved_{};
};

// Everything a client can read that a write could change.
struct Observed {
  std::string checkpoint;
  v1::FundRecord fund;
  v1::ResidentView alice;
  uint64_t alice_nonce = 0;
  uint64_t steward_nonce = 0;
  v1::RoundTotals totals;
  Hash digest{};
  uint64_t store_size = 0;
};

class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    ASSERT_NO_FATAL_FAILURE(Serve());
    auto fund = testing::SetUpOpenRound(*client_, ledger_->steward, {&alice_},
                                        owner_, {});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
  }

  void Serve() {
    server::LedgerNode::Options options;
    options.wrap_store = [this](std::unique_ptr<LogStore> store) {
      return std::make_unique<FailingLogStore>(std::move(store), failing_);
    };
    auto node = server::LedgerNode::Open({ledger_->data}, options);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    auto grpc =
        server::GrpcServer::Start(*node_, {.grpc_listen = "127.0.0.1:0"});
    ASSERT_TRUE(grpc.ok()) << grpc.status();
    grpc_ = std::move(*grpc);
    client_ =
        std::make_unique<LedgerClient>(testing::OwnChannel(grpc_->address()));
  }

  // Opens the ledger again, as restarting uurod would.
  void Reopen() {
    TearDown();
    ASSERT_NO_FATAL_FAILURE(Serve());
  }

  void TearDown() override {
    client_.reset();
    if (grpc_) grpc_->Shutdown();
    grpc_.reset();
    node_.reset();
  }

  Observed Observe() {
    Observed seen;
    auto cp = client_->Checkpoint();
    EXPECT_TRUE(cp.ok()) << cp.status();
    if (cp.ok()) seen.checkpoint = cp->checkpoint();
    auto fund = client_->Fund();
    EXPECT_TRUE(fund.ok()) << fund.status();
    if (fund.ok()) seen.fund = *fund;
    {
      grpc::ClientContext context;
      v1::GetResidentRequest request;
      request.set_key(PublicKeyBytes(alice_.public_key()));
      EXPECT_TRUE(
          client_->ledger().GetResident(&context, request, &seen.alice).ok());
    }
    {
      grpc::ClientContext context;
      v1::GetRoundTotalsRequest request;
      request.set_round_id(fund_.round_id);
      EXPECT_TRUE(client_->audit()
                      .GetRoundTotals(&context, request, &seen.totals)
                      .ok());
    }
    auto alice = testing::ServerNextNonce(*client_, alice_.public_key());
    auto steward =
        testing::ServerNextNonce(*client_, ledger_->steward.public_key());
    EXPECT_TRUE(alice.ok() && steward.ok());
    seen.alice_nonce = alice.value_or(0);
    seen.steward_nonce = steward.value_or(0);
    auto digest = fund::StateDigest(node_->store());
    EXPECT_TRUE(digest.ok()) << digest.status();
    if (digest.ok()) seen.digest = *digest;
    seen.store_size = node_->store().size();
    return seen;
  }

  static void ExpectSame(const Observed& a, const Observed& b) {
    EXPECT_EQ(a.checkpoint, b.checkpoint);
    EXPECT_EQ(a.fund.SerializeAsString(), b.fund.SerializeAsString());
    EXPECT_EQ(a.alice.SerializeAsString(), b.alice.SerializeAsString());
    EXPECT_EQ(a.totals.SerializeAsString(), b.totals.SerializeAsString());
    EXPECT_EQ(a.alice_nonce, b.alice_nonce);
    EXPECT_EQ(a.steward_nonce, b.steward_nonce);
    EXPECT_EQ(a.digest, b.digest);
    EXPECT_EQ(a.store_size, b.store_size);
  }

  Bytes AliceAward(uint64_t nonce, uint64_t amount) {
    return testing::SignTx(
        alice_, ledger_->origin, nonce, WallClockMs() + kTenMinutesMs,
        testing::AwardBody(fund_.round_id, fund_.initiative_ids[0], amount));
  }

  // While writing fails: single and batched submissions, among them two
  // awards with one nonce (had the first been applied, the second would be
  // ALREADY_EXISTS) and one by the steward, all UNAVAILABLE, and nothing
  // changes. Returns the first award, to submit once writing works again.
  Bytes SubmitWhileFailing(const Observed& before) {
    const uint64_t n = before.alice_nonce;
    Bytes award = AliceAward(n, 3);
    auto single = client_->SubmitEnvelope(award);
    EXPECT_EQ(single.status().code(), absl::StatusCode::kUnavailable)
        << single.status();

    grpc::ClientContext context;
    v1::SubmitBatchRequest batch;
    batch.add_envelopes(std::string(AsString(award)));
    batch.add_envelopes(std::string(AsString(AliceAward(n, 4))));
    batch.add_envelopes(std::string(AsString(testing::SignTx(
        ledger_->steward, ledger_->origin, before.steward_nonce,
        WallClockMs() + kTenMinutesMs,
        testing::EnrollBody(SecretKey::Generate().public_key(), "harbour")))));
    v1::SubmitBatchResponse response;
    grpc::Status status =
        client_->ledger().SubmitBatch(&context, batch, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.results_size(), 3);
    for (const v1::SubmitResult& result : response.results()) {
      EXPECT_EQ(result.code(), grpc::StatusCode::UNAVAILABLE)
          << result.message();
      EXPECT_NE(result.message().find("nothing was recorded"),
                std::string::npos)
          << result.message();
    }
    ExpectSame(before, Observe());
    return award;
  }

  // Writing works again: the same award is accepted as the next entry, its
  // receipt verifies, and the new checkpoint extends the old one.
  void ExpectServedAgain(const Observed& before, const Bytes& award) {
    auto receipt = client_->SubmitEnvelope(award);
    ASSERT_TRUE(receipt.ok()) << receipt.status();
    EXPECT_FALSE(receipt->duplicate());
    EXPECT_EQ(receipt->index(), before.store_size);
    auto cp = VerifyReceipt(*receipt, ledger_->log_key(), ledger_->origin);
    ASSERT_TRUE(cp.ok()) << cp.status();
    auto old_cp =
        OpenCheckpoint(before.checkpoint, ledger_->log_key(), ledger_->origin);
    ASSERT_TRUE(old_cp.ok()) << old_cp.status();
    absl::Status consistent = testing::CheckConsistency(*client_, *old_cp, *cp);
    EXPECT_TRUE(consistent.ok()) << consistent;
    Observed after = Observe();
    EXPECT_EQ(after.alice_nonce, before.alice_nonce + 1);
    EXPECT_EQ(after.alice.spent(), before.alice.spent() + 3);
    EXPECT_EQ(after.totals.awarded(), before.totals.awarded() + 3);
    // And the steward's enrollment, refused before, goes through now.
    auto enrolled = client_->Submit(
        ledger_->steward,
        testing::EnrollBody(SecretKey::Generate().public_key(), "harbour"));
    EXPECT_TRUE(enrolled.ok()) << enrolled.status();
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::atomic<bool> failing_{false};
  std::unique_ptr<server::LedgerNode> node_;
  std::unique_ptr<server::GrpcServer> grpc_;
  std::unique_ptr<LedgerClient> client_;
  SecretKey alice_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
  testing::OpenFund fund_;
};

// RocksDB treats an I/O error on its log as fatal: it refuses writes until
// the ledger is opened again (a full disk, ENOSPC, it instead recovers on its
// own once space is free; docs/reliability.md). Either way the process keeps
// running and serving reads, and nothing of the failed writes is visible,
// neither before nor after reopening.
TEST_F(StorageFaultTest, DiskRefusingWritesFailsSubmissionsAndChangesNothing) {
  const Observed before = Observe();
  Bytes award;
  {
    NoFileGrowth full_disk;
    award = SubmitWhileFailing(before);
    award = SubmitWhileFailing(before);  // And again: no abort on a retry.
  }
  ASSERT_FALSE(HasFailure());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  ExpectSame(before, Observe());
  ExpectServedAgain(before, award);
}

TEST_F(StorageFaultTest,
       AppendFailingAtTheStoreFailsSubmissionsAndChangesNothing) {
  const Observed before = Observe();
  failing_ = true;
  Bytes award = SubmitWhileFailing(before);
  failing_ = false;
  ASSERT_FALSE(HasFailure());
  ExpectServedAgain(before, award);
}

// A refusal decided on a transaction that then failed to commit is not
// answered as a refusal: with one nonce twice in one failed batch, both get
// UNAVAILABLE, and later the second one is accepted on its own.
TEST_F(StorageFaultTest, RefusalsThatRestOnAFailedBatchAreNotAnswered) {
  const Observed before = Observe();
  failing_ = true;
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::vector<Bytes> same_nonce = {AliceAward(before.alice_nonce, 1),
                                     AliceAward(before.alice_nonce, 2)};
    std::vector<ByteView> views(same_nonce.begin(), same_nonce.end());
    for (const auto& result : node_->SubmitMany(views)) {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable)
          << result.status();
    }
  }
  failing_ = false;
  ExpectSame(before, Observe());
  auto second = client_->SubmitEnvelope(AliceAward(before.alice_nonce, 2));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Observe().alice.spent(), before.alice.spent() + 2);
}

}  // namespace
}  // namespace uuro
