// The council witness as a real `uuro witness serve` process, spoken to over
// HTTP exactly as a log would: C2SP tlog-witness add-checkpoint. The logs are
// trees in memory signed with a real log key, so that two histories under
// one key (a fork) are easy to make.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/wall_clock.h"
#include "ledger/tlog/witness_protocol.h"
#include "tests/testing/child_process.h"
#include "tests/testing/memory_tree.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

constexpr char kOrigin[] = "witness-test.example/log";

struct Answer {
  int status = -1;
  std::string content_type;
  std::string body;
};

// A log in memory: leaves named by `branch`, so that two logs that share a
// prefix and then differ are two branches of one history.
class TestLog {
 public:
  TestLog(const NoteSigner& signer, std::string branch)
      : signer_(signer), branch_(std::move(branch)) {}

  // Grows to `size`, sharing the first `shared` leaves with every other log.
  void GrowTo(uint64_t size, uint64_t shared = 0) {
    while (tree_.size() < size) {
      uint64_t i = tree_.size();
      std::string name = i < shared ? absl::StrCat("entry ", i)
                                    : absl::StrCat(branch_, " entry ", i);
      tree_.Append(HashLeaf(AsBytes(name)));
    }
  }
  std::string Note(uint64_t size) const {
    Checkpoint cp{kOrigin, size, *RootAt(tree_, size), {}};
    return *SignCheckpoint(cp, signer_);
  }
  std::vector<Hash> Proof(uint64_t old_size, uint64_t size) const {
    if (old_size == 0 || old_size == size) return {};
    return *ConsistencyProof(tree_, old_size, size);
  }
  std::string Request(uint64_t old_size, uint64_t size) const {
    return FormatAddCheckpoint({old_size, Proof(old_size, size), Note(size)});
  }
  std::string Text(uint64_t size) const {
    return FormatCheckpoint({kOrigin, size, *RootAt(tree_, size), {}});
  }

 private:
  const NoteSigner& signer_;
  const std::string branch_;
  testing::MemoryTree tree_;
};

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vkey_ = dir_.Sub("log.vkey");
    std::ofstream(vkey_) << FormatVerifierKey(log_signer_.verifier()) << "\n";
    key_file_ = dir_.Sub("council.key");
    ASSERT_TRUE(SaveSecretKey(witness_key_, key_file_).ok());
    StartWitness();
  }

  void StartWitness() {
    witness_ = std::make_unique<testing::ChildProcess>(std::vector<std::string>{
        testing::UuroBinary(), "--key", key_file_, "witness", "serve",
        "--log-vkey", vkey_, "--listen", "127.0.0.1:0", "--state",
        dir_.Sub("state"), "--name", "witness-test.example/council-w1"});
    ASSERT_TRUE(witness_->Start({"/add-checkpoint"}).ok())
        << witness_->Output();
    std::string url = witness_->ValueAfter("listening on ");
    address_ = url.substr(0, url.rfind("/add-checkpoint"));
    http_ = std::make_unique<httplib::Client>(address_);
  }

  void RestartWitness() {
    ASSERT_EQ(*witness_->Stop(SIGTERM), 0) << witness_->Output();
    StartWitness();
  }

  Answer Post(const std::string& body) {
    Answer out;
    httplib::Result res = http_->Post("/add-checkpoint", body, "text/plain");
    if (!res) return out;
    out.status = res->status;
    out.content_type = res->get_header_value("Content-Type");
    out.body = res->body;
    return out;
  }

  // The cosignatures in `answer` that verify for the checkpoint text.
  std::vector<Cosignature> Cosignatures(const Answer& answer,
                                        const std::string& text) {
    auto note = AddSignatureLines(NoteFor(text), answer.body);
    EXPECT_TRUE(note.ok()) << answer.body;
    if (!note.ok()) return {};
    auto opened = OpenNote(*note, {log_signer_.verifier()});
    EXPECT_TRUE(opened.ok());
    if (!opened.ok()) return {};
    return VerifyCosignatures(opened->text, opened->unverified,
                              {witness_key_.public_key()});
  }

  std::string NoteFor(const std::string& text) {
    return *SignNote(text, {&log_signer_});
  }

  testing::TempDir dir_;
  NoteSigner log_signer_ = *NoteSigner::Create(kOrigin, SecretKey::Generate());
  SecretKey witness_key_ = SecretKey::Generate();
  TestLog log_a_{log_signer_, "a"};
  TestLog log_b_{log_signer_, "b"};  // The same key, another history.
  std::string vkey_;
  std::string key_file_;
  std::unique_ptr<testing::ChildProcess> witness_;
  std::string address_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(WitnessTest, CosignsConsistentCheckpointsAndEachAnswerVerifies) {
  log_a_.GrowTo(1000);
  uint64_t before = WallClockMs() / 1000;
  Answer first = Post(log_a_.Request(0, 10));
  ASSERT_EQ(first.status, 200) << first.body;
  std::vector<Cosignature> cosigs = Cosignatures(first, log_a_.Text(10));
  ASSERT_EQ(cosigs.size(), 1u) << first.body;
  EXPECT_EQ(cosigs[0].name, "witness-test.example/council-w1");
  EXPECT_GE(cosigs[0].timestamp, before);
  EXPECT_LE(cosigs[0].timestamp, WallClockMs() / 1000 + 1);

  for (auto [old_size, size] : std::vector<std::pair<uint64_t, uint64_t>>{
           {10, 11}, {11, 256}, {256, 257}, {257, 257}, {257, 1000}}) {
    Answer next = Post(log_a_.Request(old_size, size));
    ASSERT_EQ(next.status, 200)
        << old_size << "->" << size << ": " << next.body;
    EXPECT_EQ(Cosignatures(next, log_a_.Text(size)).size(), 1u);
    // A cosignature is over one checkpoint only.
    EXPECT_TRUE(Cosignatures(next, log_a_.Text(10)).empty());
  }
}

TEST_F(WitnessTest, RefusesAForkUnderTheSameLogKey) {
  log_a_.GrowTo(40);
  log_b_.GrowTo(40, /*shared=*/20);
  ASSERT_EQ(Post(log_a_.Request(0, 30)).status, 200);

  // The other history at the same size: 409 with the witness's size.
  Answer same_size = Post(log_b_.Request(30, 30));
  EXPECT_EQ(same_size.status, 409);
  EXPECT_EQ(same_size.body, "30\n");
  // Growing the other history: its proof cannot lead from the root the
  // witness holds.
  Answer grown = Post(log_b_.Request(30, 40));
  EXPECT_EQ(grown.status, 422) << grown.body;
  // The refusals are kept as evidence of the log's misbehaviour.
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("state/evidence")));
  size_t evidence = 0;
  for (const auto& f :
       std::filesystem::directory_iterator(dir_.Sub("state/evidence"))) {
    (void)f;
    ++evidence;
  }
  EXPECT_GE(evidence, 1u);
  // The honest history still gets cosigned.
  EXPECT_EQ(Post(log_a_.Request(30, 40)).status, 200);
}

TEST_F(WitnessTest, StaleRequestGets409WithTheWitnessSize) {
  log_a_.GrowTo(50);
  ASSERT_EQ(Post(log_a_.Request(0, 20)).status, 200);
  ASSERT_EQ(Post(log_a_.Request(20, 35)).status, 200);
  Answer stale = Post(log_a_.Request(20, 50));
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.content_type, "text/x.tlog.size");
  EXPECT_EQ(stale.body, "35\n");
  // A log that never heard of the witness learns its size the same way.
  Answer fresh = Post(log_a_.Request(0, 50));
  EXPECT_EQ(fresh.status, 409);
  EXPECT_EQ(ParseTlogSize(fresh.body).value_or(0), 35u);
  // A smaller checkpoint than the one cosigned is never cosigned.
  EXPECT_EQ(Post(FormatAddCheckpoint({35, {}, log_a_.Note(30)})).status, 400);
  EXPECT_EQ(Post(log_a_.Request(35, 50)).status, 200);
}

TEST_F(WitnessTest, AfterARestartStillRefusesTheFork) {
  log_a_.GrowTo(64);
  log_b_.GrowTo(64, /*shared=*/10);
  ASSERT_EQ(Post(log_a_.Request(0, 32)).status, 200);
  RestartWitness();
  EXPECT_EQ(Post(log_b_.Request(32, 32)).status, 409);
  EXPECT_EQ(Post(log_b_.Request(32, 64)).status, 422);
  Answer size = Post(log_b_.Request(0, 64));
  EXPECT_EQ(size.status, 409);
  EXPECT_EQ(size.body, "32\n");
  EXPECT_EQ(Post(log_a_.Request(32, 64)).status, 200);
}

TEST_F(WitnessTest, AnswersTheSpecificationStatusCodes) {
  log_a_.GrowTo(20);
  // Unknown origin.
  NoteSigner other =
      *NoteSigner::Create("other.example/log", SecretKey::Generate());
  std::string other_note = *SignCheckpoint(
      {"other.example/log", 1, HashLeaf(AsBytes("x")), {}}, other);
  EXPECT_EQ(Post(FormatAddCheckpoint({0, {}, other_note})).status, 404);
  // The right origin signed by another key.
  NoteSigner impostor = *NoteSigner::Create(kOrigin, SecretKey::Generate());
  std::string forged =
      *SignCheckpoint({kOrigin, 5, HashLeaf(AsBytes("y")), {}}, impostor);
  EXPECT_EQ(Post(FormatAddCheckpoint({0, {}, forged})).status, 403);
  // Old size beyond the checkpoint, and bodies that are not requests.
  EXPECT_EQ(Post(log_a_.Request(0, 10).replace(0, 5, "old 11")).status, 400);
  EXPECT_EQ(Post("hello\n").status, 400);
  EXPECT_EQ(Post("old 01\n\n" + log_a_.Note(3)).status, 400);
  // A proof with an old size of 0.
  EXPECT_EQ(Post(FormatAddCheckpoint({0, log_a_.Proof(5, 10), log_a_.Note(10)}))
                .status,
            422);
  // None of this changed the state: the first real request starts from 0.
  EXPECT_EQ(Post(log_a_.Request(0, 10)).status, 200);
  // A wrong proof for a real extension.
  std::vector<Hash> bad = log_a_.Proof(10, 20);
  bad[0][0] ^= 1;
  EXPECT_EQ(Post(FormatAddCheckpoint({10, bad, log_a_.Note(20)})).status, 422);
  EXPECT_EQ(Post(log_a_.Request(10, 20)).status, 200);
}

TEST_F(WitnessTest, SecondWitnessOnTheSameStateIsRefused) {
  testing::CommandResult second =
      testing::RunCommand({testing::UuroBinary(), "--key", key_file_, "witness",
                           "serve", "--log-vkey", vkey_, "--listen",
                           "127.0.0.1:0", "--state", dir_.Sub("state")});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.output.find("another witness is using the state folder"),
            std::string::npos)
      << second.output;
}

}  // namespace
}  // namespace uuro
