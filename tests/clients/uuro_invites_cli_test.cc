// Invite letters through the uuro command line against a real uurod: issue,
// claim, the refusals, re-invites after revocation, the per-address limit
// on failed claims, and a log that holds no code before it is claimed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_split.h"
#include "clients/ledger_client.h"
#include "ledger/fund/invite_code.h"
#include "nlohmann/json.hpp"
#include "tests/testing/raw_http.h"
#include "tests/testing/uurod_process.h"
#include "uuro/v1/transparency.grpc.pb.h"

namespace uuro {
namespace {

using testing::CommandResult;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The codes (grouped) of an invites.csv, checking its shape on the way.
std::vector<std::string> CsvCodes(const std::string& csv,
                                  const std::string& district) {
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return {};
  EXPECT_EQ(lines[0], "code,district,url");
  std::vector<std::string> codes;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields = absl::StrSplit(lines[i], ',');
    EXPECT_EQ(fields.size(), 3u) << lines[i];
    if (fields.size() != 3) continue;
    EXPECT_EQ(fields[1], district);
    EXPECT_EQ(fields[2], "https://fund.example/#/join?code=" + fields[0]);
    codes.push_back(fields[0]);
  }
  return codes;
}

class InvitesCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    StartUurod({});
    steward_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_).ok());
  }

  void StartUurod(std::vector<std::string> args) {
    uurod_ = std::make_unique<testing::UurodProcess>(ledger_->data, args);
    absl::Status started = uurod_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  CommandResult Uuro(const std::vector<std::string>& args,
                     const std::string& key = "") {
    return testing::RunUuro(*ledger_, uurod_->address(), args, key);
  }

  std::string NewKey(const std::string& name) {
    std::string path = ledger_->dir.Sub(name + ".key");
    EXPECT_EQ(Uuro({"key", "new", "--out", path}).exit_code, 0);
    return path;
  }

  // Issues `count` invites for `district` and returns their codes.
  std::vector<std::string> Issue(const std::string& district, int count,
                                 const std::string& expires_in = "30d") {
    std::string dir = ledger_->dir.Sub("letters-" + std::to_string(++issued_));
    CommandResult r =
        Uuro({"invites", "issue", "--district", district, "--count",
              std::to_string(count), "--out", dir, "--expires-in", expires_in,
              "--join-url", "https://fund.example/"},
             steward_);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::vector<std::string> codes =
        CsvCodes(ReadFile(dir + "/invites.csv"), district);
    EXPECT_EQ(codes.size(), static_cast<size_t>(count));
    return codes;
  }

  void ExpectRefused(const std::vector<std::string>& args,
                     const std::string& key, const std::string& code,
                     const std::string& words) {
    CommandResult r = Uuro(args, key);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.output.rfind("uuro: " + code + ": ", 0), 0u) << r.output;
    EXPECT_NE(r.output.find(words), std::string::npos) << r.output;
  }

  // Every entry of the log, as bytes.
  std::vector<std::string> LogEntries() {
    auto stub = v1::Transparency::NewStub(uurod_->Channel());
    v1::GetCheckpointRequest cp_request;
    v1::CheckpointResponse cp;
    grpc::ClientContext cp_call;
    EXPECT_TRUE(stub->GetCheckpoint(&cp_call, cp_request, &cp).ok());
    uint64_t size = cp.tree_size();
    v1::GetEntriesRequest request;
    request.set_start(0);
    request.set_end(size);
    v1::GetEntriesResponse response;
    grpc::ClientContext call;
    EXPECT_TRUE(stub->GetEntries(&call, request, &response).ok());
    EXPECT_EQ(response.entries_size(), static_cast<int>(size));
    return {response.entries().begin(), response.entries().end()};
  }

  nlohmann::json Status() {
    CommandResult r = Uuro({"--json", "invites", "status"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output, nullptr, false);
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::string steward_;
  int issued_ = 0;
};

TEST_F(InvitesCliTest, IssueClaimAndTheRefusals) {
  std::vector<std::string> codes = Issue("harbour", 3);
  ASSERT_EQ(codes.size(), 3u);
  std::string letters = ReadFile(ledger_->dir.Sub("letters-1/letters.html"));
  EXPECT_NE(letters.find("@page { size: A4"), std::string::npos);
  EXPECT_NE(letters.find(codes[2]), std::string::npos);
  EXPECT_NE(letters.find("Zo doet u mee"), std::string::npos);
  EXPECT_NE(letters.find("How to join"), std::string::npos);

  // Before the claims, the log holds no code in any form: only hashes.
  for (const std::string& entry : LogEntries()) {
    for (const std::string& grouped : codes) {
      std::string canonical = *fund::ParseInviteCode(grouped);
      EXPECT_EQ(entry.find(grouped), std::string::npos);
      EXPECT_EQ(entry.find(canonical), std::string::npos);
      EXPECT_EQ(entry.find(canonical.substr(0, 12)), std::string::npos);
    }
  }

  // Lowercase, no dashes: the code is typed as read aloud.
  std::string typed = *fund::ParseInviteCode(codes[0]);
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  std::string alice = NewKey("alice");
  CommandResult claimed = Uuro({"invites", "claim", typed}, alice);
  EXPECT_EQ(claimed.exit_code, 0) << claimed.output;
  EXPECT_NE(claimed.output.find("enrolled in district harbour"),
            std::string::npos)
      << claimed.output;
  CommandResult resident = Uuro({"--json", "balance"}, alice);
  EXPECT_NE(resident.output.find("harbour"), std::string::npos)
      << resident.output;

  ExpectRefused({"invites", "claim", codes[0]}, NewKey("bob"), "ALREADY_EXISTS",
                "already used");
  ExpectRefused({"invites", "claim", fund::NewInviteCode()}, NewKey("carol"),
                "NOT_FOUND", "no invite has this code");
  ExpectRefused({"invites", "claim", codes[1]}, alice, "ALREADY_EXISTS",
                "already enrolled");

  nlohmann::json status = Status();
  ASSERT_EQ(status.size(), 1u) << status;
  EXPECT_EQ(status[0]["district"], "harbour");
  EXPECT_EQ(status[0]["issued"], 3);
  EXPECT_EQ(status[0]["claimed"], 1);
  EXPECT_EQ(status[0]["expired"], 0);
}

TEST_F(InvitesCliTest, TypoIsRefusedBeforeAnyNetworkCall) {
  std::string code = fund::GroupInviteCode(fund::NewInviteCode());
  code[3] = code[3] == 'A' ? 'B' : 'A';
  // No server listens here: only a local check can answer.
  CommandResult r = testing::RunUuro(
      *ledger_, "127.0.0.1:1", {"invites", "claim", code}, NewKey("typo"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("INVALID_ARGUMENT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("typo"), std::string::npos) << r.output;
}

TEST_F(InvitesCliTest, ExpiredCodeIsRefusedAndCounted) {
  std::vector<std::string> codes = Issue("north", 2, "2s");
  ASSERT_EQ(codes.size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ExpectRefused({"invites", "claim", codes[0]}, NewKey("late"),
                "FAILED_PRECONDITION", "expired");
  nlohmann::json status = Status();
  ASSERT_EQ(status.size(), 1u) << status;
  EXPECT_EQ(status[0]["issued"], 2);
  EXPECT_EQ(status[0]["expired"], 2);
  EXPECT_EQ(status[0]["open"], 0);
}

TEST_F(InvitesCliTest, RevokedResidentIsReinvited) {
  std::string lost = NewKey("lost");
  ASSERT_EQ(Uuro({"invites", "claim", Issue("hills", 1)[0]}, lost).exit_code,
            0);
  CommandResult revoked = Uuro({"revoke", lost, "--reason", "lost"}, steward_);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  std::string second = Issue("hills", 1)[0];
  ExpectRefused({"invites", "claim", second}, lost, "ALREADY_EXISTS",
                "was revoked");
  CommandResult fresh = Uuro({"invites", "claim", second}, NewKey("fresh"));
  EXPECT_EQ(fresh.exit_code, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("hills"), std::string::npos);
}

// uurod listens on every address, so one client comes from 127.0.0.1 and
// another from ::1: two client addresses on one machine.
class ClaimFloodTest : public InvitesCliTest {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    StartUurod({"--grpc-listen", "[::]:0", "--claim-burst", "5", "--claim-rate",
                "0.01"});
    steward_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_).ok());
  }

  std::unique_ptr<client::LedgerClient> ClientAt(const std::string& host) {
    const std::string& address = uurod_->address();
    std::string port = address.substr(address.rfind(':') + 1);
    return std::make_unique<client::LedgerClient>(grpc::CreateChannel(
        host + ":" + port, grpc::InsecureChannelCredentials()));
  }

  static v1::TxBody Claim(const std::string& code) {
    v1::TxBody body;
    body.mutable_claim_invite()->set_code(*fund::ParseInviteCode(code));
    return body;
  }
};

TEST_F(ClaimFloodTest, WrongCodesFromOneAddressAreLimitedNotOthers) {
  std::vector<std::string> codes = Issue("south", 2);
  ASSERT_EQ(codes.size(), 2u);
  auto flood = ClientAt("127.0.0.1");
  auto honest = ClientAt("[::1]");
  std::vector<absl::StatusCode> seen;
  for (int i = 0; i < 12; ++i) {
    auto r = flood->Submit(SecretKey::Generate(), Claim(fund::NewInviteCode()));
    seen.push_back(r.status().code());
  }
  // The burst of 5 gets answers; the rest is turned away unseen.
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(seen[i], i < 5 ? absl::StatusCode::kNotFound
                             : absl::StatusCode::kResourceExhausted)
        << i;
  }
  // Even a right code waits now, from that address...
  auto blocked = flood->Submit(SecretKey::Generate(), Claim(codes[0]));
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(blocked.status().message().find("too many failed invite claims"),
            std::string::npos);
  // ...while a resident elsewhere claims theirs, and an honest claim does
  // not use up that address's allowance.
  for (const std::string& code : codes) {
    auto r = honest->Submit(SecretKey::Generate(), Claim(code));
    EXPECT_TRUE(r.ok()) << r.status();
  }
  nlohmann::json status = Status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0]["claimed"], 2);
}

// Claims through the Connect gateway are limited per HTTP client address,
// not as one client: the gateway's in-process calls name the real one.
class ClaimFloodOverConnectTest : public ClaimFloodTest {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    StartUurod({"--http-listen", "0.0.0.0:0", "--claim-burst", "5",
                "--claim-rate", "0.01"});
    steward_ = ledger_->dir.Sub("steward.key");
    ASSERT_TRUE(SaveSecretKey(ledger_->steward, steward_).ok());
  }

  // The HTTP status of a Connect Submit of a claim of `code`, sent from
  // the loopback address `source`.
  int SubmitFrom(const std::string& source, const std::string& code) {
    client::LedgerClient signer(uurod_->Channel());
    auto envelope = signer.Sign(SecretKey::Generate(), Claim(code));
    EXPECT_TRUE(envelope.ok()) << envelope.status();
    v1::SubmitRequest request;
    request.set_envelope(std::string(AsString(*envelope)));
    const std::string body = request.SerializeAsString();
    const std::string port =
        uurod_->http_address().substr(uurod_->http_address().rfind(':') + 1);
    int fd = testing::ConnectFrom("127.0.0.1:" + port, source);
    EXPECT_GE(fd, 0);
    if (fd < 0) return -1;
    testing::SendAll(fd,
                     "POST /uuro.v1.Ledger/Submit HTTP/1.1\r\n"
                     "Host: uuro\r\nContent-Type: application/proto\r\n"
                     "Connection: close\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
    testing::RawHttpAnswer answer =
        testing::ReadAnswer(fd, std::chrono::seconds(10));
    close(fd);
    return answer.status;
  }
};

TEST_F(ClaimFloodOverConnectTest, WrongCodesFromOneAddressAreLimitedNotOthers) {
  std::vector<std::string> codes = Issue("south", 1);
  ASSERT_EQ(codes.size(), 1u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(SubmitFrom("127.0.0.2", fund::NewInviteCode()), i < 5 ? 404 : 429)
        << i;
  }
  EXPECT_EQ(SubmitFrom("127.0.0.1", codes[0]), 200);
  EXPECT_EQ(Status()[0]["claimed"], 1);
}

}  // namespace
}  // namespace uuro
