// The kept checkpoint: files, atomic replacement, and the checks of
// AdvanceTrustedCheckpoint that need no server (those that need one are in
// log_verifier_test.cc).
#include "clients/checkpoint_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "clients/trusted_checkpoint.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "tests/testing/temp_dir.h"

namespace uuro::client {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  return names;
}

TEST(CheckpointStoreTest, LoadOfNothingSavedIsEmpty) {
  testing::TempDir dir;
  CheckpointStore store(dir.Sub("state/uuro"));
  auto loaded = store.Load("example.com/log");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->has_value());
}

TEST(CheckpointStoreTest, SaveThenLoadPerOrigin) {
  testing::TempDir dir;
  CheckpointStore store(dir.Sub("state/uuro"));
  ASSERT_TRUE(store.Save("a.example/log", "note a\n").ok());
  ASSERT_TRUE(store.Save("b.example/log", "note b\n").ok());
  EXPECT_EQ(*store.Load("a.example/log"), "note a\n");
  EXPECT_EQ(*store.Load("b.example/log"), "note b\n");
  EXPECT_EQ(Files(store.dir()).size(), 2u);
  // Only this user may change what the client trusts.
  struct stat st;
  ASSERT_EQ(::stat(store.dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(CheckpointStoreTest, AnyOriginGetsASafeFileName) {
  CheckpointStore store("/some/dir");
  for (const char* origin : {"../../etc/passwd", "a/b c", "", "ü\n"}) {
    std::filesystem::path path = store.PathFor(origin);
    EXPECT_EQ(path.parent_path(), "/some/dir") << origin;
    EXPECT_EQ(path.filename().string().size(), 11u + 64u) << origin;
  }
  EXPECT_NE(store.PathFor("a"), store.PathFor("b"));
}

TEST(CheckpointStoreTest, SaveReplacesTheFileAsAWhole) {
  testing::TempDir dir;
  CheckpointStore store(dir.path());
  ASSERT_TRUE(store.Save("o", "old note\n").ok());
  // A reader that opened the old file keeps reading all of it: the new note
  // arrives by rename, never by writing over the old one.
  std::ifstream reader(store.PathFor("o"));
  ASSERT_TRUE(store.Save("o", "the new, longer note\n").ok());
  std::stringstream old_text;
  old_text << reader.rdbuf();
  EXPECT_EQ(old_text.str(), "old note\n");
  EXPECT_EQ(*store.Load("o"), "the new, longer note\n");
  EXPECT_EQ(Files(dir.path()).size(), 1u);  // No temporary file left.
}

TEST(CheckpointStoreTest, DefaultStateDirFollowsXdg) {
  const char* old_state = std::getenv("XDG_STATE_HOME");
  const char* old_home = std::getenv("HOME");
  std::string saved_state = old_state ? old_state : "";
  std::string saved_home = old_home ? old_home : "";
  ::setenv("XDG_STATE_HOME", "/x/state", 1);
  EXPECT_EQ(DefaultStateDir(), "/x/state/uuro");
  ::setenv("XDG_STATE_HOME", "", 1);
  ::setenv("HOME", "/home/ann", 1);
  EXPECT_EQ(DefaultStateDir(), "/home/ann/.local/state/uuro");
  if (old_state)
    ::setenv("XDG_STATE_HOME", saved_state.c_str(), 1);
  else
    ::unsetenv("XDG_STATE_HOME");
  if (old_home)
    ::setenv("HOME", saved_home.c_str(), 1);
  else
    ::unsetenv("HOME");
}

// AdvanceTrustedCheckpoint with notes made here; the client points at no
// server, so any case that would need a proof fails without changing the
// kept checkpoint.
class AdvanceTest : public ::testing::Test {
 protected:
  std::string Note(uint64_t size, uint8_t fill, const NoteSigner& signer) {
    Hash root;
    root.fill(fill);
    auto note = SignCheckpoint({kOrigin, size, root, {}}, signer);
    EXPECT_TRUE(note.ok()) << note.status();
    return *note;
  }
  std::string Note(uint64_t size, uint8_t fill) {
    return Note(size, fill, signer_);
  }
  absl::Status Advance(const std::string& note) {
    return AdvanceTrustedCheckpoint(client_, store_, signer_.verifier(), note);
  }

  static constexpr char kOrigin[] = "example.com/log";
  NoteSigner signer_ = *NoteSigner::Create(kOrigin, SecretKey::Generate());
  testing::TempDir dir_;
  CheckpointStore store_{dir_.path()};
  LedgerClient client_{
      grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials())};
};

TEST_F(AdvanceTest, FirstCheckpointIsKept) {
  std::string note = Note(5, 1);
  ASSERT_TRUE(Advance(note).ok());
  EXPECT_EQ(*store_.Load(kOrigin), note);
  std::optional<Checkpoint> previous;
  ASSERT_TRUE(AdvanceTrustedCheckpoint(client_, store_, signer_.verifier(),
                                       note, &previous)
                  .ok());
  ASSERT_TRUE(previous.has_value());
  EXPECT_EQ(previous->size, 5u);
}

TEST_F(AdvanceTest, SmallerOrSameSizeOtherRootIsRefused) {
  std::string kept = Note(5, 1);
  ASSERT_TRUE(Advance(kept).ok());
  for (const std::string& note : {Note(4, 1), Note(5, 2)}) {
    absl::Status status = Advance(note);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(status.message(), HasSubstr("rolled back or forked"));
    EXPECT_EQ(*store_.Load(kOrigin), kept);
  }
  absl::Status status = Advance(Note(4, 1));
  EXPECT_THAT(status.message(), HasSubstr("checkpoint of 4 entries"));
  EXPECT_THAT(status.message(), HasSubstr("checkpoint of 5 entries"));
}

TEST_F(AdvanceTest, LargerWithoutAProofIsNotKept) {
  std::string kept = Note(5, 1);
  ASSERT_TRUE(Advance(kept).ok());
  EXPECT_FALSE(Advance(Note(9, 3)).ok());
  EXPECT_EQ(*store_.Load(kOrigin), kept);
}

TEST_F(AdvanceTest, NoteByAnotherKeyIsRefused) {
  std::string kept = Note(5, 1);
  ASSERT_TRUE(Advance(kept).ok());
  auto stranger = *NoteSigner::Create(kOrigin, SecretKey::Generate());
  absl::Status status = Advance(Note(5, 1, stranger));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(*store_.Load(kOrigin), kept);
  // A kept note that the pinned key did not sign: the pin changed.
  status = AdvanceTrustedCheckpoint(client_, store_, stranger.verifier(),
                                    Note(5, 1, stranger));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(*store_.Load(kOrigin), kept);
}

}  // namespace
}  // namespace uuro::client
