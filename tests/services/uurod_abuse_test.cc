// Abuse of the connection itself against a real uurod, beyond the bad
// envelopes of uurod_hostile_test: oversized messages, thousands of calls in
// flight at once, many idle connections and raw sockets held open, and a
// genuine transaction of another ledger replayed here. Each gets a clear
// status, an honest client is served all along, and at the end the log holds
// exactly the honest transactions and replays to the served state.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "clients/ledger_client.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/receipt.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;
using grpc::StatusCode;

// A running uurod with alice enrolled and a round open; `Honest()` submits
// one of alice's awards and checks its receipt, counting what was logged.
class UurodAbuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    uurod_ = std::make_unique<testing::UurodProcess>(ledger_->data);
    ASSERT_TRUE(uurod_->Start().ok()) << uurod_->Log();
    client_ =
        std::make_unique<LedgerClient>(testing::OwnChannel(uurod_->address()));
    auto fund = testing::SetUpOpenRound(*client_, ledger_->steward, {&alice_},
                                        owner_, {.allowance = 1000});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
    auto cp = client_->Checkpoint();
    ASSERT_TRUE(cp.ok());
    logged_ = cp->tree_size();
  }

  void Honest() {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::SubmitRequest request;
    auto envelope = client_->Sign(
        alice_, testing::AwardBody(fund_.round_id, fund_.initiative_ids[0], 1));
    ASSERT_TRUE(envelope.ok()) << envelope.status();
    request.set_envelope(std::string(AsString(*envelope)));
    v1::Receipt receipt;
    grpc::Status status = client_->ledger().Submit(&context, request, &receipt);
    ASSERT_TRUE(status.ok())
        << status.error_code() << " " << status.error_message();
    auto cp = VerifyReceipt(receipt, ledger_->log_key(), ledger_->origin);
    ASSERT_TRUE(cp.ok()) << cp.status();
    EXPECT_EQ(receipt.index(), logged_);
    ++logged_;
    ++honest_awards_;
  }

  // Stops uurod and checks the ledger on disk: exactly the honest entries,
  // and a replay from scratch gives the served state.
  void ExpectNothingElseLogged() {
    {
      grpc::ClientContext context;
      v1::GetResidentRequest request;
      request.set_key(PublicKeyBytes(alice_.public_key()));
      v1::ResidentView view;
      ASSERT_TRUE(client_->ledger().GetResident(&context, request, &view).ok());
      EXPECT_EQ(view.spent(), honest_awards_);
    }
    client_.reset();
    auto code = uurod_->Stop(SIGTERM);
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(*code, 0) << uurod_->Log();
    auto store = OpenRocksLogStore(ledger_->data + "/db");
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->size(), logged_);
    auto replica = CreateRocksLogStore(ledger_->dir.Sub("replica"));
    ASSERT_TRUE(replica.ok()) << replica.status();
    ASSERT_TRUE(fund::ReplayLog(**store, **replica).ok());
    EXPECT_EQ(fund::StateDigest(**store).value(),
              fund::StateDigest(**replica).value());
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::unique_ptr<LedgerClient> client_;
  SecretKey alice_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
  testing::OpenFund fund_;
  uint64_t logged_ = 0;
  uint64_t honest_awards_ = 0;
};

TEST_F(UurodAbuseTest, OversizedMessagesAreRefusedWithAClearStatus) {
  struct Case {
    std::string name;
    std::function<grpc::Status()> call;
    StatusCode code;
  };
  auto submit = [this](std::string envelope) {
    grpc::ClientContext context;
    v1::SubmitRequest request;
    request.set_envelope(std::move(envelope));
    v1::Receipt receipt;
    return client_->ledger().Submit(&context, request, &receipt);
  };
  auto batch = [this](size_t count, size_t each) {
    grpc::ClientContext context;
    v1::SubmitBatchRequest request;
    for (size_t i = 0; i < count; ++i)
      request.add_envelopes(std::string(each, 'x'));
    v1::SubmitBatchResponse response;
    return client_->ledger().SubmitBatch(&context, request, &response);
  };
  const std::vector<Case> cases = {
      {"a 5 MB envelope", [&] { return submit(std::string(5 << 20, 'x')); },
       StatusCode::RESOURCE_EXHAUSTED},
      {"a 64 KB envelope", [&] { return submit(std::string(64 << 10, 'x')); },
       StatusCode::INVALID_ARGUMENT},
      {"a batch of 1,001 envelopes", [&] { return batch(1001, 10); },
       StatusCode::INVALID_ARGUMENT},
      {"a batch of 80 x 60 KB", [&] { return batch(80, 60000); },
       StatusCode::RESOURCE_EXHAUSTED},
      {"entries beyond the log",
       [&] {
         grpc::ClientContext context;
         v1::GetEntriesRequest request;
         request.set_start(~uint64_t{0} - 1);
         request.set_end(~uint64_t{0});
         v1::GetEntriesResponse response;
         return client_->transparency().GetEntries(&context, request,
                                                   &response);
       },
       StatusCode::OUT_OF_RANGE},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_FALSE(status.error_message().empty());
    ASSERT_NO_FATAL_FAILURE(Honest());
  }
  ASSERT_NO_FATAL_FAILURE(ExpectNothingElseLogged());
}

TEST_F(UurodAbuseTest, ThousandsOfCallsInFlightDoNotStarveAnHonestClient) {
  constexpr int kCalls = 3000;
  constexpr int kChannels = 8;
  std::vector<std::unique_ptr<v1::Transparency::Stub>> stubs;
  for (int i = 0; i < kChannels; ++i) {
    stubs.push_back(
        v1::Transparency::NewStub(testing::OwnChannel(uurod_->address())));
  }
  struct Call {
    grpc::ClientContext context;
    v1::ProofResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ProofResponse>> reader;
  };
  grpc::CompletionQueue queue;
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < kCalls; ++i) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(60));
    v1::GetConsistencyProofRequest request;
    request.set_old_size(1 + i % (logged_ - 1));
    call->reader = stubs[i % kChannels]->AsyncGetConsistencyProof(
        &call->context, request, &queue);
    call->reader->Finish(&call->response, &call->status, call.get());
    calls.push_back(std::move(call));
  }
  // While they are in flight.
  const auto began = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(Honest());
  const double honest_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began)
          .count();

  std::map<StatusCode, int> codes;
  for (int i = 0; i < kCalls; ++i) {
    void* tag = nullptr;
    bool ok = false;
    ASSERT_TRUE(queue.Next(&tag, &ok));
    codes[static_cast<Call*>(tag)->status.error_code()]++;
  }
  queue.Shutdown();
  for (const auto& [code, count] : codes) {
    std::cout << count << " calls: code " << code << std::endl;
    EXPECT_TRUE(code == StatusCode::OK ||
                code == StatusCode::RESOURCE_EXHAUSTED)
        << count << " calls ended with " << code;
  }
  EXPECT_GT(codes[StatusCode::OK], 0);
  std::cout << "honest award with " << kCalls
            << " calls in flight: " << honest_seconds << " s" << std::endl;
  ASSERT_NO_FATAL_FAILURE(Honest());
  ASSERT_NO_FATAL_FAILURE(ExpectNothingElseLogged());
}

TEST_F(UurodAbuseTest, IdleConnectionsAndSilentSocketsDoNotBlockService) {
  // gRPC connections that connect and then say nothing.
  constexpr int kIdleChannels = 100;
  std::vector<std::shared_ptr<grpc::Channel>> idle;
  for (int i = 0; i < kIdleChannels; ++i) {
    idle.push_back(testing::OwnChannel(uurod_->address()));
    EXPECT_TRUE(idle.back()->WaitForConnected(std::chrono::system_clock::now() +
                                              std::chrono::seconds(10)));
  }
  // Raw TCP sockets: some silent, some stopping halfway through the HTTP/2
  // preface, some sending garbage.
  constexpr int kSockets = 300;
  const std::string address = uurod_->address();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(
      static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1))));
  ASSERT_EQ(inet_pton(AF_INET, "127.0.0.1", &to.sin_addr), 1);
  std::vector<int> sockets;
  for (int i = 0; i < kSockets; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    if (i % 3 == 1) {
      (void)!::write(fd, preface.data(), preface.size() / 2);
    } else if (i % 3 == 2) {
      (void)!::write(fd, "GET / HTTP/1.1\r\n\r\n\xff\xff\xff", 21);
    }
    sockets.push_back(fd);
  }
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(Honest());
  // A new connection is served too, not only the one already open.
  client_ =
      std::make_unique<LedgerClient>(testing::OwnChannel(uurod_->address()));
  ASSERT_NO_FATAL_FAILURE(Honest());
  for (int fd : sockets) ::close(fd);
  idle.clear();
  ASSERT_NO_FATAL_FAILURE(Honest());
  ASSERT_NO_FATAL_FAILURE(ExpectNothingElseLogged());
}

TEST_F(UurodAbuseTest, AnotherLedgersTransactionReplayedHereIsRefused) {
  // A second ledger where alice is enrolled too, with her award logged.
  // (Two ledgers under one origin would accept each other's transactions:
  // the origin is what tells them apart, so every fund needs its own.)
  testing::TempDir other_dir;
  const std::string other_data = other_dir.Sub("data");
  SecretKey other_steward = SecretKey::Generate();
  testing::CommandResult init = testing::RunCommand(
      {testing::UurodBinary(), "init", "--data", other_data, "--origin",
       "other.uuro.example/ledger", "--steward-key",
       FormatPublicKey(other_steward.public_key()), "--district", "harbour",
       "--min-district-size", "1"});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  testing::UurodProcess other_uurod(other_data);
  ASSERT_TRUE(other_uurod.Start().ok());
  LedgerClient other_client(other_uurod.Channel());
  auto other_fund = testing::SetUpOpenRound(other_client, other_steward,
                                            {&alice_}, owner_, {});
  ASSERT_TRUE(other_fund.ok()) << other_fund.status();
  auto there = other_client.Submit(
      alice_, testing::AwardBody(other_fund->round_id,
                                 other_fund->initiative_ids[0], 1));
  ASSERT_TRUE(there.ok()) << there.status();
  v1::LogEntry entry;
  ASSERT_TRUE(entry.ParseFromString(there->entry()));

  // Its genuine, signed envelope, and its whole entry, sent here.
  for (const std::string& bytes : {entry.envelope(), there->entry()}) {
    grpc::ClientContext context;
    v1::SubmitRequest request;
    request.set_envelope(bytes);
    v1::Receipt receipt;
    grpc::Status status = client_->ledger().Submit(&context, request, &receipt);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT)
        << status.error_message();
  }
  ASSERT_NO_FATAL_FAILURE(Honest());
  ASSERT_NO_FATAL_FAILURE(ExpectNothingElseLogged());
}

}  // namespace
}  // namespace uuro
