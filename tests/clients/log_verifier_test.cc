// The independent monitor against a real uurod: it passes an honest log,
// names the entry that was changed on disk behind the server's back, and
// refuses a server whose log was rolled back or forked since it last looked.
#include "clients/log_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/trusted_checkpoint.h"
#include "ledger/store/store_keys.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_clock.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro::client {
namespace {

using testing::EnrollBody;
using ::testing::HasSubstr;

// Submits `body`, expecting it accepted; its index, or 0 with a test failure.
// The helpers built on it do not stop the test themselves: callers check
// HasFailure() after them, so nothing goes on from a log that is not the one
// meant.
uint64_t MustSubmit(LedgerClient& client, const SecretKey& signer,
                    v1::TxBody body) {
  auto receipt = client.Submit(signer, std::move(body));
  EXPECT_TRUE(receipt.ok()) << receipt.status();
  return receipt.ok() ? receipt->index() : 0;
}

void Enroll(LedgerClient& client, const SecretKey& steward, int n) {
  for (int i = 0; i < n; ++i) {
    MustSubmit(client, steward,
               EnrollBody(SecretKey::Generate().public_key(), "harbour"));
  }
}

// Changes entry `index` of the stopped ledger in `db` through RocksDB itself,
// as a disk fault or an operator with a hex editor would.
void TamperEntry(const std::string& db, uint64_t index,
                 const std::function<void(std::string&)>& change) {
  std::vector<std::string> names;
  ASSERT_TRUE(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::DBOptions(), db, families, &handles, &raw)
          .ok());
  std::unique_ptr<rocksdb::DB> owner(raw);
  rocksdb::ColumnFamilyHandle* entries = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == store_keys::kEntries) entries = handles[i];
  }
  ASSERT_NE(entries, nullptr);
  const std::string key = store_keys::EntryKey(index);
  std::string value;
  ASSERT_TRUE(owner->Get(rocksdb::ReadOptions(), entries, key, &value).ok());
  change(value);
  ASSERT_TRUE(owner->Put(rocksdb::WriteOptions(), entries, key, value).ok());
  for (auto* h : handles) ASSERT_TRUE(owner->DestroyColumnFamilyHandle(h).ok());
}

class LogVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
  }

  VerifyOptions Options(const std::string& state) const {
    return VerifyOptions{ledger_->log_key(), dir_.Sub(state),
                         dir_.Sub("scratch"), nullptr};
  }

  // A copy of the data folder of a stopped uurod.
  std::string CopyData(const std::string& name) const {
    std::string copy = dir_.Sub(name);
    std::filesystem::copy(ledger_->data, copy,
                          std::filesystem::copy_options::recursive);
    return copy;
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  testing::TempDir dir_;
};

// A closed round with awards, a withdrawal and redemptions, then a second
// round left open with an award in it.
void RunTwoRounds(LedgerClient& client, const SecretKey& steward,
                  testing::TestClock& clock) {
  SecretKey alice = SecretKey::Generate();
  SecretKey bob = SecretKey::Generate();
  SecretKey owner = SecretKey::Generate();
  MustSubmit(client, steward, EnrollBody(alice.public_key(), "harbour"));
  MustSubmit(client, steward, EnrollBody(bob.public_key(), "hills"));
  MustSubmit(client, steward, EnrollBody(owner.public_key(), "harbour"));
  const uint64_t closes_at = WallClockMs() + 60'000;
  uint64_t round = MustSubmit(
      client, steward,
      testing::OpenRoundBody(100, 100, WallClockMs() - 1000, closes_at));
  uint64_t initiative =
      MustSubmit(client, owner, testing::ProposeBody("Sauna", "harbour"));
  MustSubmit(client, alice, testing::AwardBody(round, initiative, 60));
  MustSubmit(client, bob, testing::AwardBody(round, initiative, 30));
  v1::TxBody withdraw;
  withdraw.mutable_withdraw_award()->set_round_id(round);
  withdraw.mutable_withdraw_award()->set_initiative_id(initiative);
  withdraw.mutable_withdraw_award()->set_amount(10);
  MustSubmit(client, alice, withdraw);

  // The round's end, on uurod's clock: no waiting for it.
  const uint64_t now = WallClockMs();
  clock.SetOffset(closes_at + 1 > now ? closes_at + 1 - now : 0);
  v1::TxBody close;
  close.mutable_close_round()->set_round_id(round);
  MustSubmit(client, steward, close);
  for (uint64_t amount : {10, 20}) {
    v1::TxBody redeem;
    redeem.mutable_request_redemption()->set_initiative_id(initiative);
    redeem.mutable_request_redemption()->set_amount(amount);
    redeem.mutable_request_redemption()->set_purpose("Wood");
    uint64_t request = MustSubmit(client, owner, redeem);
    if (amount > 10) {
      v1::TxBody settle;
      settle.mutable_settle_redemption()->set_request_id(request);
      settle.mutable_settle_redemption()->set_payment_reference("INV-7");
      MustSubmit(client, steward, settle);
    }
  }
  uint64_t second =
      MustSubmit(client, steward,
                 testing::OpenRoundBody(50, 100, WallClockMs() - 1000,
                                        WallClockMs() + 3'600'000));
  MustSubmit(client, bob, testing::AwardBody(second, initiative, 5));
}

TEST_F(LogVerifierTest, HonestLogPassesTwiceAndAdvancesTheKeptCheckpoint) {
  testing::TestClock clock(ledger_->dir.Sub("clock"));
  testing::UurodProcess uurod(ledger_->data, clock.Args());
  ASSERT_TRUE(uurod.Start().ok());
  LedgerClient client(uurod.Channel());
  RunTwoRounds(client, ledger_->steward, clock);
  ASSERT_FALSE(HasFailure());
  auto served = client.Checkpoint();
  ASSERT_TRUE(served.ok());

  VerifyOptions options = Options("state");
  std::pair<uint64_t, uint64_t> last_progress;
  options.progress = [&](uint64_t done, uint64_t total) {
    last_progress = {done, total};
  };
  auto report = VerifyLog(client, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->origin, ledger_->origin);
  EXPECT_EQ(report->checkpoint, served->checkpoint());
  EXPECT_EQ(report->tree_size, served->tree_size());
  EXPECT_EQ(report->entries_checked, served->tree_size());
  EXPECT_EQ(report->rounds_compared, 2u);
  EXPECT_EQ(report->previous_size, std::nullopt);
  EXPECT_EQ(last_progress,
            std::make_pair(report->tree_size, report->tree_size));
  // The replayed copy is gone.
  EXPECT_TRUE(std::filesystem::is_empty(dir_.Sub("scratch")));

  Enroll(client, ledger_->steward, 1);
  ASSERT_FALSE(HasFailure());
  auto second = VerifyLog(client, options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->previous_size, report->tree_size);
  EXPECT_EQ(second->tree_size, report->tree_size + 1);
  auto kept = CheckpointStore(options.state_dir).Load(ledger_->origin);
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ(**kept, second->checkpoint);
}

TEST_F(LogVerifierTest, NamesAnEntryChangedOnDisk) {
  uint64_t target = 0;
  {
    testing::TestClock clock(ledger_->dir.Sub("clock"), WallClockMs());
    testing::UurodProcess uurod(ledger_->data, clock.Args());
    ASSERT_TRUE(uurod.Start().ok());
    {
      LedgerClient client(uurod.Channel());
      Enroll(client, ledger_->steward, 3);
      // Alone in its millisecond, so that its time can move by one and still
      // follow the rules: uurod's clock moves a second before and after it.
      clock.Advance(1000);
      target =
          MustSubmit(client, ledger_->steward,
                     EnrollBody(SecretKey::Generate().public_key(), "hills"));
      clock.Advance(1000);
      Enroll(client, ledger_->steward, 3);
      ASSERT_FALSE(HasFailure());
    }  // uurod stops at once only without a connected client.
    ASSERT_EQ(uurod.Stop(SIGTERM).value_or(-1), 0) << uurod.Log();
  }
  const std::string differs = absl::StrCat(
      "entry ", target, " differs from the one the checkpoint commits to");

  // A signature byte: the entry no longer verifies, and its leaf is not the
  // one the checkpoint holds.
  std::string bad_signature = CopyData("bad-signature");
  TamperEntry(bad_signature + "/db", target,
              [](std::string& entry) { entry.back() ^= 0x01; });
  // The time the sequencer gave it (not signed): the entry still replays,
  // only the rebuilt tree differs, so the search over prefixes finds it.
  // LogEntry is field 1 (index, a varint), then field 2 (time).
  std::string bad_time = CopyData("bad-time");
  TamperEntry(bad_time + "/db", target, [](std::string& entry) {
    size_t at = 1;
    while (static_cast<uint8_t>(entry[at]) & 0x80) ++at;
    ASSERT_EQ(entry[0], 0x08);
    ASSERT_EQ(entry[at + 1], 0x10);
    entry[at + 2] ^= 0x01;
  });

  for (const std::string& data : {bad_signature, bad_time}) {
    SCOPED_TRACE(data);
    testing::UurodProcess uurod(data);
    ASSERT_TRUE(uurod.Start().ok());
    LedgerClient client(uurod.Channel());
    auto report =
        VerifyLog(client, Options("state-" + data.substr(data.rfind('/') + 1)));
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(report.status().message(), HasSubstr(differs));
    if (data == bad_time) {
      EXPECT_EQ(report.status().message(), differs);
    }
  }
}

TEST_F(LogVerifierTest, RefusesARolledBackOrForkedLog) {
  const NoteVerifier log_key = ledger_->log_key();
  {
    testing::UurodProcess a(ledger_->data);
    ASSERT_TRUE(a.Start().ok());
    {
      LedgerClient client(a.Channel());
      Enroll(client, ledger_->steward, 2);  // 3 entries with genesis.
      ASSERT_FALSE(HasFailure());
    }
    ASSERT_EQ(a.Stop(SIGTERM).value_or(-1), 0) << a.Log();
  }
  const std::string older = CopyData("older");
  const std::string fork = CopyData("fork");

  testing::UurodProcess a(ledger_->data);
  ASSERT_TRUE(a.Start().ok());
  LedgerClient client_a(a.Channel());
  Enroll(client_a, ledger_->steward, 2);
  ASSERT_FALSE(HasFailure());
  const VerifyOptions options = Options("state");
  auto verified = VerifyLog(client_a, options);
  ASSERT_TRUE(verified.ok()) << verified.status();
  ASSERT_EQ(verified->tree_size, 5u);
  const CheckpointStore store(options.state_dir);
  auto kept = [&] { return store.Load(ledger_->origin).value().value_or(""); };
  ASSERT_EQ(kept(), verified->checkpoint);

  // Rolled back: the log as it was at 3 entries.
  {
    testing::UurodProcess r(older);
    ASSERT_TRUE(r.Start().ok());
    LedgerClient client_r(r.Channel());
    auto served = client_r.Checkpoint();
    ASSERT_TRUE(served.ok());
    absl::Status status = AdvanceTrustedCheckpoint(client_r, store, log_key,
                                                   served->checkpoint());
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(status.message(), HasSubstr("checkpoint of 3 entries"));
    EXPECT_THAT(status.message(), HasSubstr("checkpoint of 5 entries"));
    EXPECT_THAT(status.message(), HasSubstr("rolled back or forked"));
    EXPECT_EQ(VerifyLog(client_r, options).status().code(),
              absl::StatusCode::kDataLoss);
    EXPECT_EQ(kept(), verified->checkpoint);
  }

  // Forked: the same log key and origin went on from 3 entries with other
  // transactions, first to the same size, then beyond it.
  testing::UurodProcess b(fork);
  ASSERT_TRUE(b.Start().ok());
  LedgerClient client_b(b.Channel());
  Enroll(client_b, ledger_->steward, 2);
  ASSERT_FALSE(HasFailure());
  auto same_size = client_b.Checkpoint();
  ASSERT_TRUE(same_size.ok());
  ASSERT_EQ(same_size->tree_size(), 5u);
  absl::Status status = AdvanceTrustedCheckpoint(client_b, store, log_key,
                                                 same_size->checkpoint());
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(status.message(), HasSubstr("rolled back or forked"));
  EXPECT_EQ(kept(), verified->checkpoint);

  Enroll(client_b, ledger_->steward, 2);
  ASSERT_FALSE(HasFailure());
  auto forked = VerifyLog(client_b, options);
  ASSERT_FALSE(forked.ok());
  EXPECT_EQ(forked.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(forked.status().message(), HasSubstr("checkpoint of 7 entries"));
  EXPECT_THAT(forked.status().message(), HasSubstr("checkpoint of 5 entries"));
  EXPECT_THAT(forked.status().message(), HasSubstr("rolled back or forked"));
  EXPECT_EQ(kept(), verified->checkpoint);

  // The honest server still extends what was kept.
  Enroll(client_a, ledger_->steward, 1);
  ASSERT_FALSE(HasFailure());
  auto again = VerifyLog(client_a, options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->previous_size, 5u);
}

}  // namespace
}  // namespace uuro::client
