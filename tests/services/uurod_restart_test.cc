// uurod across restarts: a clean stop keeps everything that was answered,
// the restarted server signs on from where it stopped, and a data folder is
// never served twice, overwritten, or served before `uurod init`.
#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "clients/ledger_client.h"
#include "ledger/fund/receipt.h"
#include "ledger/tlog/checkpoint.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;
using google::protobuf::util::MessageDifferencer;
using testing::AwardBody;
using ::testing::HasSubstr;

// Everything a reader can see, to compare before and after a restart.
struct Observed {
  v1::CheckpointResponse checkpoint;
  v1::FundRecord fund;
  v1::RoundTotals totals;
  v1::ResidentView alice;
  uint64_t alice_next_nonce = 0;
};

Observed Observe(LedgerClient& client, const PublicKey& alice) {
  Observed seen;
  auto checkpoint = client.Checkpoint();
  EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
  if (checkpoint.ok()) seen.checkpoint = *checkpoint;
  auto fund = client.Fund();
  EXPECT_TRUE(fund.ok()) << fund.status();
  if (fund.ok()) seen.fund = *fund;
  {
    grpc::ClientContext context;
    grpc::Status status = client.audit().GetRoundTotals(
        &context, v1::GetRoundTotalsRequest(), &seen.totals);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::GetResidentRequest request;
    request.set_key(PublicKeyBytes(alice));
    grpc::Status status =
        client.ledger().GetResident(&context, request, &seen.alice);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  auto nonce = testing::ServerNextNonce(client, alice);
  EXPECT_TRUE(nonce.ok()) << nonce.status();
  if (nonce.ok()) seen.alice_next_nonce = *nonce;
  return seen;
}

void ExpectSame(const Observed& before, const Observed& after) {
  EXPECT_EQ(after.checkpoint.checkpoint(), before.checkpoint.checkpoint());
  EXPECT_EQ(after.checkpoint.tree_size(), before.checkpoint.tree_size());
  EXPECT_EQ(after.checkpoint.log_verifier_key(),
            before.checkpoint.log_verifier_key());
  EXPECT_TRUE(MessageDifferencer::Equals(after.fund, before.fund))
      << before.fund.DebugString() << "\nbecame\n"
      << after.fund.DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(after.totals, before.totals))
      << before.totals.DebugString() << "\nbecame\n"
      << after.totals.DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(after.alice, before.alice))
      << before.alice.DebugString() << "\nbecame\n"
      << after.alice.DebugString();
  EXPECT_EQ(after.alice_next_nonce, before.alice_next_nonce);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class UurodRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    uurod_ = std::make_unique<testing::UurodProcess>(ledger_->data);
  }

  void Start() {
    absl::Status started = uurod_->Start();
    ASSERT_TRUE(started.ok()) << started;
    // A fresh client each time: it must learn nonces from the server, not
    // from what it counted before the restart.
    client_ = std::make_unique<LedgerClient>(uurod_->Channel());
  }

  // An idle connection holds uurod's shutdown for about 5 s, so the client
  // goes first unless a test wants to see a stop with one connected.
  void Stop(int signal, bool client_connected = false) {
    if (!client_connected) client_.reset();
    auto code = uurod_->Stop(signal);
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << uurod_->Log();
    EXPECT_THAT(uurod_->Log(), HasSubstr("event=stopped"));
    client_.reset();
  }

  // Alice, bob and an owner, a round with two initiatives, and some awards.
  void FillLedger() {
    auto fund =
        testing::SetUpOpenRound(*client_, ledger_->steward, {&alice_, &bob_},
                                owner_, {.initiatives = 2});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
    struct Given {
      const SecretKey* by;
      size_t initiative;
      uint64_t amount;
    };
    for (const Given& g : {Given{&alice_, 0, 7}, Given{&bob_, 1, 11},
                           Given{&alice_, 1, 13}, Given{&bob_, 0, 3}}) {
      auto receipt = client_->Submit(
          *g.by, AwardBody(fund_.round_id, fund_.initiative_ids[g.initiative],
                           g.amount));
      ASSERT_TRUE(receipt.ok()) << receipt.status();
    }
  }

  absl::StatusOr<Checkpoint> OpenCheckpointNote(const std::string& note) {
    return OpenCheckpoint(note, ledger_->log_key(), ledger_->origin);
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::unique_ptr<LedgerClient> client_;
  SecretKey alice_ = SecretKey::Generate();
  SecretKey bob_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
  testing::OpenFund fund_;
};

TEST_F(UurodRestartTest, RestartServesTheSameLedgerAndContinuesIt) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(FillLedger());
  const Observed before = Observe(*client_, alice_.public_key());
  ASSERT_GT(before.alice_next_nonce, 0u);
  auto old_checkpoint = OpenCheckpointNote(before.checkpoint.checkpoint());
  ASSERT_TRUE(old_checkpoint.ok()) << old_checkpoint.status();

  // With the client still connected, as an operator's stop would find it.
  const auto stop_began = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(Stop(SIGTERM, /*client_connected=*/true));
  std::cout << "SIGTERM with a client connected: uurod stopped in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             stop_began)
                   .count()
            << " s" << std::endl;
  EXPECT_THAT(uurod_->Log(), HasSubstr("signal=SIGTERM"));

  ASSERT_NO_FATAL_FAILURE(Start());
  ExpectSame(before, Observe(*client_, alice_.public_key()));

  auto receipt = client_->Submit(
      alice_, AwardBody(fund_.round_id, fund_.initiative_ids[0], 5));
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->index(), before.checkpoint.tree_size());
  v1::LogEntry entry;
  ASSERT_TRUE(entry.ParseFromString(receipt->entry()));
  v1::Envelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(entry.envelope()));
  v1::TxBody body;
  ASSERT_TRUE(body.ParseFromString(envelope.body()));
  EXPECT_EQ(body.nonce(), before.alice_next_nonce);
  EXPECT_GE(entry.time_ms(), before.fund.last_time_ms());

  auto new_checkpoint =
      VerifyReceipt(*receipt, ledger_->log_key(), ledger_->origin);
  ASSERT_TRUE(new_checkpoint.ok()) << new_checkpoint.status();
  EXPECT_EQ(new_checkpoint->size, before.checkpoint.tree_size() + 1);
  absl::Status consistent =
      testing::CheckConsistency(*client_, *old_checkpoint, *new_checkpoint);
  EXPECT_TRUE(consistent.ok()) << consistent;

  // SIGINT (Ctrl-C in a terminal) stops it just as cleanly.
  const Observed after_award = Observe(*client_, alice_.public_key());
  ASSERT_NO_FATAL_FAILURE(Stop(SIGINT));
  EXPECT_THAT(uurod_->Log(), HasSubstr("signal=SIGINT"));
  ASSERT_NO_FATAL_FAILURE(Start());
  ExpectSame(after_award, Observe(*client_, alice_.public_key()));
  EXPECT_EQ(after_award.alice_next_nonce, before.alice_next_nonce + 1);
  ASSERT_NO_FATAL_FAILURE(Stop(SIGTERM));
}

TEST_F(UurodRestartTest, SigintEndsItWithExitZero) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto fund = client_->Fund();
  ASSERT_TRUE(fund.ok()) << fund.status();
  ASSERT_NO_FATAL_FAILURE(Stop(SIGINT));
  EXPECT_THAT(uurod_->Log(), HasSubstr("event=stopping signal=SIGINT"));
}

TEST_F(UurodRestartTest, SecondServerOnTheSameDataIsRefused) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto before = client_->Checkpoint();
  ASSERT_TRUE(before.ok()) << before.status();

  testing::UurodProcess second(ledger_->data);
  EXPECT_FALSE(second.Start().ok());
  auto code = second.Stop(SIGTERM);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_NE(*code, 0);
  EXPECT_THAT(second.Log(), HasSubstr("in use")) << second.Log();

  // The first one did not notice.
  auto after = client_->Checkpoint();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->checkpoint(), before->checkpoint());
  auto receipt = client_->Submit(
      ledger_->steward,
      testing::EnrollBody(SecretKey::Generate().public_key(), "harbour"));
  EXPECT_TRUE(receipt.ok()) << receipt.status();
  ASSERT_NO_FATAL_FAILURE(Stop(SIGTERM));
}

TEST_F(UurodRestartTest, InitRefusesAFolderThatHoldsALedger) {
  const std::string vkey = ReadAll(ledger_->data + "/log.vkey");
  const std::string key = ReadAll(ledger_->data + "/log.key");
  ASSERT_FALSE(key.empty());
  SecretKey other_steward = SecretKey::Generate();
  testing::CommandResult init = testing::RunCommand(
      {testing::UurodBinary(), "init", "--data", ledger_->data, "--origin",
       "other.uuro.example/ledger", "--steward-key",
       FormatPublicKey(other_steward.public_key())});
  EXPECT_NE(init.exit_code, 0) << init.output;
  EXPECT_THAT(init.output, HasSubstr("already holds a ledger"));
  EXPECT_EQ(ReadAll(ledger_->data + "/log.vkey"), vkey);
  EXPECT_EQ(ReadAll(ledger_->data + "/log.key"), key);

  // And the ledger is the one it was.
  ASSERT_NO_FATAL_FAILURE(Start());
  auto fund = client_->Fund();
  ASSERT_TRUE(fund.ok()) << fund.status();
  EXPECT_EQ(fund->origin(), ledger_->origin);
  ASSERT_NO_FATAL_FAILURE(Stop(SIGTERM));
}

struct NoLedgerCase {
  std::string name;
  bool create_folder;
};

TEST(UurodNoLedgerTest, ServeWithoutALedgerSaysToRunInit) {
  for (const NoLedgerCase& c : {NoLedgerCase{"empty folder", true},
                                NoLedgerCase{"missing folder", false}}) {
    SCOPED_TRACE(c.name);
    testing::TempDir dir;
    const std::string data = dir.Sub("data");
    if (c.create_folder) std::filesystem::create_directory(data);

    testing::UurodProcess uurod(data);
    EXPECT_FALSE(uurod.Start().ok());
    auto code = uurod.Stop(SIGTERM);
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_NE(*code, 0);
    EXPECT_THAT(uurod.Log(), HasSubstr("uurod init")) << uurod.Log();
    // Serving must not leave a half-made ledger behind for init to trip on.
    if (c.create_folder) {
      EXPECT_TRUE(std::filesystem::is_empty(data));
    } else {
      EXPECT_FALSE(std::filesystem::exists(data));
    }
  }
}

}  // namespace
}  // namespace uuro
