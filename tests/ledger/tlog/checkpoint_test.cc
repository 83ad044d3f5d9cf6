#include "ledger/tlog/checkpoint.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/tlog/note.h"

namespace uuro {
namespace {

using ::testing::HasSubstr;

// The root hash line of the example in https://c2sp.org/tlog-checkpoint.
constexpr char kRoot[] = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

Checkpoint Example() {
  Checkpoint cp;
  cp.origin = "example.com/behind-the-sofa";
  cp.size = 20852163;
  absl::StatusOr<Bytes> root = Base64Decode(kRoot);
  EXPECT_TRUE(root.ok());
  std::copy(root->begin(), root->end(), cp.root.begin());
  return cp;
}

NoteSigner MakeSigner(const std::string& name) {
  absl::StatusOr<NoteSigner> s =
      NoteSigner::Create(name, SecretKey::Generate());
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

TEST(CheckpointTest, FormatsSpecExample) {
  EXPECT_EQ(
      FormatCheckpoint(Example()),
      std::string("example.com/behind-the-sofa\n20852163\n") + kRoot + "\n");
}

TEST(CheckpointTest, RoundTrip) {
  std::vector<Checkpoint> cps;
  cps.push_back(Example());
  Checkpoint empty = Example();
  empty.size = 0;
  cps.push_back(empty);
  Checkpoint max = Example();
  max.size = UINT64_MAX;
  max.extensions = {"ext one", "— unicode ext"};
  cps.push_back(max);
  for (const Checkpoint& cp : cps) {
    std::string text = FormatCheckpoint(cp);
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(text);
    ASSERT_TRUE(parsed.ok()) << text << parsed.status();
    EXPECT_EQ(*parsed, cp);
  }
  EXPECT_THAT(FormatCheckpoint(max), HasSubstr("\n18446744073709551615\n"));
}

TEST(CheckpointTest, MalformedRefused) {
  const std::string o = "example.com/log\n";
  const std::string r = std::string(kRoot) + "\n";
  struct Case {
    const char* why;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"empty", ""},
      {"empty origin", "\n5\n" + r},
      {"only origin", o},
      {"no root", o + "5\n"},
      {"leading zero", o + "05\n" + r},
      {"double zero", o + "00\n" + r},
      {"negative", o + "-1\n" + r},
      {"plus sign", o + "+1\n" + r},
      {"space in size", o + " 1\n" + r},
      {"empty size", o + "\n" + r},
      {"hex size", o + "0x10\n" + r},
      {"overflow", o + "18446744073709551616\n" + r},
      {"big overflow", o + "99999999999999999999999\n" + r},
      {"missing final newline", o + "5\n" + kRoot},
      {"bad base64",
       o + "5\n" + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n"},
      {"non-canonical base64",
       o + "5\n" + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n"},
      {"31-byte root",
       o + "5\n" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"},
      {"33-byte root",
       o + "5\n" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"},
      {"empty extension line", o + "5\n" + r + "\n"},
      {"empty extension after one", o + "5\n" + r + "ext\n\n"},
      {"carriage return", "example.com/log\r\n5\n" + r},
      {"invalid UTF-8", "example.com/\xff\n5\n" + r},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Checkpoint> cp = ParseCheckpoint(c.text);
    EXPECT_EQ(cp.status().code(), absl::StatusCode::kInvalidArgument) << c.why;
  }
  EXPECT_TRUE(ParseCheckpoint(o + "18446744073709551615\n" + r).ok());
  EXPECT_TRUE(ParseCheckpoint(o + "0\n" + r).ok());
}

TEST(CheckpointTest, SignAndOpen) {
  NoteSigner log = MakeSigner("example.com/log");
  Checkpoint cp = Example();
  cp.origin = "example.com/log";
  absl::StatusOr<std::string> note = SignCheckpoint(cp, log);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_THAT(*note, HasSubstr("\n\n\xE2\x80\x94 example.com/log "));

  absl::StatusOr<Checkpoint> opened =
      OpenCheckpoint(*note, log.verifier(), "example.com/log");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, cp);

  EXPECT_EQ(OpenCheckpoint(*note, log.verifier(), "example.com/other")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  NoteSigner other = MakeSigner("example.com/log");
  EXPECT_EQ(OpenCheckpoint(*note, other.verifier(), "example.com/log")
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(CheckpointTest, OpenKeepsWorkingWithCosignatures) {
  NoteSigner log = MakeSigner("example.com/log");
  NoteSigner witness = MakeSigner("witness.example/w");
  Checkpoint cp = Example();
  cp.origin = "example.com/log";
  absl::StatusOr<std::string> note = SignCheckpoint(cp, log);
  ASSERT_TRUE(note.ok());
  absl::StatusOr<std::string> cosigned =
      AddSignatureLines(*note, witness.SignatureLine(FormatCheckpoint(cp)));
  ASSERT_TRUE(cosigned.ok()) << cosigned.status();
  absl::StatusOr<Checkpoint> opened =
      OpenCheckpoint(*cosigned, log.verifier(), "example.com/log");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, cp);
}

TEST(CheckpointTest, SignRefusesUnformattableCheckpoints) {
  NoteSigner log = MakeSigner("example.com/log");
  Checkpoint cp = Example();
  cp.origin = "";
  EXPECT_EQ(SignCheckpoint(cp, log).status().code(),
            absl::StatusCode::kInvalidArgument);
  cp = Example();
  cp.origin = "two\nlines";
  EXPECT_EQ(SignCheckpoint(cp, log).status().code(),
            absl::StatusCode::kInvalidArgument);
  cp = Example();
  cp.extensions = {""};
  EXPECT_EQ(SignCheckpoint(cp, log).status().code(),
            absl::StatusCode::kInvalidArgument);
  cp = Example();
  cp.extensions = {"tab\there"};
  EXPECT_EQ(SignCheckpoint(cp, log).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace uuro
