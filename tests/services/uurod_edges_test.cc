// uurod at its edges: what a client learns of a storage failure, why a data
// folder cannot be opened, the witnesses' cosigned checkpoint across a
// restart, cosignatures dated in the future, and audit totals read while the
// log grows.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/wall_clock.h"
#include "rocksdb/status.h"
#include "services/grpc_status.h"
#include "services/ledger_node.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

constexpr char kGeneric[] =
    "the ledger's storage is unavailable; try again later";

// ---- Storage errors stay on the server -----------------------------------

TEST(StorageStatusTest, RocksDbDetailIsNotSentToClients) {
  const std::string rocks =
      rocksdb::Status::IOError("While appending to file",
                               "/var/lib/uuro/db/000012.log: No space left "
                               "on device")
          .ToString();
  grpc::Status read = server::ToGrpcStatus(
      absl::UnavailableError(absl::StrCat("read entry 7: ", rocks)));
  EXPECT_EQ(read.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(read.error_message(), kGeneric);

  grpc::Status commit = server::ToGrpcStatus(absl::UnavailableError(
      absl::StrCat("the ledger could not commit; nothing was recorded: "
                   "append: ",
                   rocks)));
  EXPECT_EQ(commit.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(commit.error_message(),
            std::string("the ledger could not commit; nothing was recorded: ") +
                kGeneric);
  EXPECT_EQ(commit.error_message().find("/var/lib"), std::string::npos);

  grpc::Status corrupt = server::ToGrpcStatus(absl::DataLossError(absl::StrCat(
      "read node: ", rocksdb::Status::Corruption("block checksum mismatch",
                                                 "/var/lib/uuro/db/000009.sst")
                         .ToString())));
  EXPECT_EQ(corrupt.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(corrupt.error_message().find("/var/lib"), std::string::npos);
  EXPECT_EQ(corrupt.error_message().find("checksum"), std::string::npos);

  // What the services say themselves is passed on as it is.
  grpc::Status own = server::ToGrpcStatus(
      absl::UnavailableError("no checkpoint has been cosigned yet"));
  EXPECT_EQ(own.error_message(), "no checkpoint has been cosigned yet");
  grpc::Status refusal = server::ToGrpcStatus(
      absl::FailedPreconditionError("the balance is 3 Uuro, not 5"));
  EXPECT_EQ(refusal.error_message(), "the balance is 3 Uuro, not 5");
}

// ---- Why a data folder cannot be opened ----------------------------------

TEST(DataFolderTest, AFolderThatCannotBeWrittenIsNotCalledInUse) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const std::string db = ledger->data + "/db";
  // Root writes anywhere, so the cause made here works for everyone: the
  // LOCK file is a folder, which nobody can open for writing.
  ASSERT_TRUE(std::filesystem::remove(db + "/LOCK"));
  ASSERT_TRUE(std::filesystem::create_directory(db + "/LOCK"));
  auto node = server::LedgerNode::Open({ledger->data}, {});
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kPermissionDenied)
      << node.status();
  EXPECT_EQ(node.status().message().find("in use"), std::string::npos)
      << node.status();
  EXPECT_NE(node.status().message().find("Is a directory"), std::string::npos)
      << node.status();

  // And uurod says so.
  testing::CommandResult served = testing::RunCommand(
      {testing::UurodBinary(), "serve", "--data", ledger->data, "--grpc-listen",
       "127.0.0.1:0", "--admin-listen", ""});
  EXPECT_NE(served.exit_code, 0);
  EXPECT_EQ(served.output.find("in use by another process"), std::string::npos)
      << served.output;
  EXPECT_NE(served.output.find("Is a directory"), std::string::npos)
      << served.output;
}

// A copy of a ledger on a filesystem mounted read-only (root may mount a
// tmpfs), else a folder of mode 0500 (which stops anyone but root).
TEST(DataFolderTest, AReadOnlyFolderIsReportedAsSuch) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  std::string data = ledger->data;
  testing::TempDir mount_point;
  bool mounted = false;
  if (::geteuid() == 0) {
    mounted = testing::RunCommand({"/bin/sh", "-c",
                                   "mount -t tmpfs -o size=64m tmpfs \"$0\"",
                                   mount_point.path()})
                  .exit_code == 0;
    if (!mounted) GTEST_SKIP() << "root, and no tmpfs can be mounted here";
    data = mount_point.Sub("data");
    std::filesystem::copy(ledger->data, data,
                          std::filesystem::copy_options::recursive);
    ASSERT_EQ(
        testing::RunCommand(
            {"/bin/sh", "-c", "mount -o remount,ro \"$0\"", mount_point.path()})
            .exit_code,
        0);
  } else {
    ASSERT_TRUE(std::filesystem::remove(data + "/db/LOCK"));
    ASSERT_EQ(::chmod((data + "/db").c_str(), 0500), 0);
  }
  auto node = server::LedgerNode::Open({data}, {});
  if (mounted) {
    testing::RunCommand({"/bin/sh", "-c", "umount \"$0\"", mount_point.path()});
  } else {
    ::chmod((data + "/db").c_str(), 0700);
  }
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kPermissionDenied)
      << node.status();
  EXPECT_EQ(node.status().message().find("in use"), std::string::npos)
      << node.status();
  EXPECT_NE(node.status().message().find(mounted ? "Read-only file system"
                                                 : "Permission denied"),
            std::string::npos)
      << node.status();
}

TEST(DataFolderTest, AFolderInUseIsStillReportedAsInUse) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(ledger->data);
  ASSERT_TRUE(uurod.Start().ok());
  auto node = server::LedgerNode::Open({ledger->data}, {});
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(node.status().message().find("in use by another process"),
            std::string::npos)
      << node.status();
}

// ---- Cosignatures and the cosigned checkpoint ----------------------------

// `note` with a cosignature by `council` made at `timestamp`.
std::string Cosign(const std::string& note, const NoteVerifier& log_key,
                   const SecretKey& council, uint64_t timestamp) {
  auto opened = OpenNote(note, {log_key});
  EXPECT_TRUE(opened.ok()) << opened.status();
  auto cosigner = Cosigner::Create("witness.test.example",
                                   *SecretKey::FromSeed(council.seed()));
  EXPECT_TRUE(cosigner.ok());
  auto cosigned = AddSignatureLines(
      note, cosigner->CosignatureLine(opened->text, timestamp));
  EXPECT_TRUE(cosigned.ok()) << cosigned.status();
  return *cosigned;
}

TEST(CosignatureClockTest, CosignaturesFromTheFutureAreRefused) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  auto node = server::LedgerNode::Open({ledger->data}, {});
  ASSERT_TRUE(node.ok()) << node.status();
  const std::string note = (*node)->checkpoint()->note;
  const uint64_t now = WallClockMs() / 1000;
  auto count = [&](uint64_t timestamp, std::optional<CosignatureClock> clock) {
    std::string cosigned =
        Cosign(note, ledger->log_key(), ledger->council, timestamp);
    auto opened = OpenNote(cosigned, {ledger->log_key()});
    EXPECT_TRUE(opened.ok());
    std::vector<PublicKey> keys = {ledger->council.public_key()};
    return clock ? VerifyCosignatures(opened->text, opened->unverified, keys,
                                      *clock)
                       .size()
                 : VerifyCosignatures(opened->text, opened->unverified, keys)
                       .size();
  };
  const CosignatureClock clock{now, 300};
  EXPECT_EQ(count(now, clock), 1u);
  EXPECT_EQ(count(now + 299, clock), 1u);  // A clock a little ahead.
  EXPECT_EQ(count(now + 301, clock), 0u);
  EXPECT_EQ(count(now + 86400, clock), 0u);
  // Without a clock the signature alone counts, as the shared vectors say.
  EXPECT_EQ(count(now + 86400, std::nullopt), 1u);
}

TEST(CosignedCheckpointTest, KeptAcrossARestartOnlyIfItVerifies) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const uint64_t now = WallClockMs() / 1000;
  std::string cosigned_note;
  {
    auto node = server::LedgerNode::Open({ledger->data}, {});
    ASSERT_TRUE(node.ok()) << node.status();
    EXPECT_EQ((*node)->cosigned_checkpoint(), nullptr);
    auto cp = (*node)->checkpoint();
    cosigned_note = Cosign(cp->note, ledger->log_key(), ledger->council, now);
    (*node)->set_cosigned_checkpoint(std::make_shared<server::SignedCheckpoint>(
        server::SignedCheckpoint{cosigned_note, cp->size, cp->root}));
  }
  const std::string file = ledger->data + "/cosigned-checkpoint";
  ASSERT_TRUE(std::filesystem::exists(file));
  {
    auto node = server::LedgerNode::Open({ledger->data}, {});
    ASSERT_TRUE(node.ok()) << node.status();
    auto kept = (*node)->cosigned_checkpoint();
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->note, cosigned_note);
    EXPECT_EQ(kept->size, (*node)->checkpoint()->size);
  }
  // A file whose only cosignature is dated a day ahead is set aside.
  {
    auto node = server::LedgerNode::Open({ledger->data}, {});
    ASSERT_TRUE(node.ok()) << node.status();
    std::string plain = (*node)->checkpoint()->note;
    node->reset();
    std::ofstream(file, std::ios::trunc)
        << Cosign(plain, ledger->log_key(), ledger->council, now + 86400);
  }
  {
    auto node = server::LedgerNode::Open({ledger->data}, {});
    ASSERT_TRUE(node.ok()) << node.status();
    EXPECT_EQ((*node)->cosigned_checkpoint(), nullptr);
  }
  // A cosigned checkpoint of a tree the store does not hold stops the start:
  // serving would sign a fork.
  {
    auto signer = NoteSigner::Create(ledger->origin,
                                     *LoadSecretKey(ledger->data + "/log.key"));
    ASSERT_TRUE(signer.ok());
    Hash other{};
    other[0] = 1;
    auto note = SignCheckpoint({ledger->origin, 1, other, {}}, *signer);
    ASSERT_TRUE(note.ok());
    std::ofstream(file, std::ios::trunc)
        << Cosign(*note, ledger->log_key(), ledger->council, now);
  }
  auto node = server::LedgerNode::Open({ledger->data}, {});
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(node.status().message().find("uurod rebuild"), std::string::npos)
      << node.status();
}

// ---- Audit totals of one tree size -----------------------------------------

TEST(AuditTotalsTest, TreeSizeAndTotalsAgreeWhileTheLogGrows) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(ledger->data, {"--rate-limit", "0"});
  ASSERT_TRUE(uurod.Start().ok());
  client::LedgerClient writer(testing::OwnChannel(uurod.address()));
  client::LedgerClient reader(testing::OwnChannel(uurod.address()));
  SecretKey owner = SecretKey::Generate();
  auto fund = testing::SetUpOpenRound(writer, ledger->steward, {}, owner, {});
  ASSERT_TRUE(fund.ok()) << fund.status();
  auto round_totals = [&](v1::RoundTotals* totals) {
    grpc::ClientContext context;
    v1::GetRoundTotalsRequest request;
    request.set_round_id(fund->round_id);
    return reader.audit().GetRoundTotals(&context, request, totals);
  };
  v1::RoundTotals start;
  ASSERT_TRUE(round_totals(&start).ok());
  // Every entry from here on enrols one resident, so a consistent answer
  // (the round's totals and the fund's size read at one tree size) has as
  // many more residents as entries.
  std::atomic<bool> done{false};
  absl::Status wrote;
  std::thread enrol([&] {
    wrote = testing::EnrollMany(writer, ledger->steward, 3000);
    done = true;
  });
  int reads = 0;
  int mixed = 0;
  while (!done) {
    v1::RoundTotals totals;
    grpc::Status status = round_totals(&totals);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    if (totals.residents() - start.residents() !=
        totals.tree_size() - start.tree_size()) {
      ++mixed;
    }
    ++reads;
  }
  enrol.join();
  EXPECT_TRUE(wrote.ok()) << wrote;
  EXPECT_GT(reads, 0);
  EXPECT_EQ(mixed, 0) << "of " << reads << " answers";
  v1::RoundTotals end;
  ASSERT_TRUE(round_totals(&end).ok());
  EXPECT_EQ(end.residents() - start.residents(), 3000u);
}

}  // namespace
}  // namespace uuro
