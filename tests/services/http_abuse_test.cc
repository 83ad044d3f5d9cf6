// The public HTTP port of a real uurod under connection abuse: 64 clients
// trickling half-sent requests (a header line now and then) and 1,000 idle
// connections, while honest readers fetch /checkpoint and a tile: each
// honest request is answered within a second. And a flood of connections
// from one address is cut off at the per-address limit while another
// address is served.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/ledger_client.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kHonestBound = std::chrono::seconds(1);

// Room for a thousand and more sockets here and in uurod (which inherits it).
void RaiseOpenFileLimit(rlim_t wanted) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_GE(limit.rlim_cur, wanted) << "the hard limit of open files is low";
}

class HttpAbuseTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& extra) {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    std::vector<std::string> args = {"--http-listen", "127.0.0.1:0",
                                     "--rate-limit", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    uurod_ = std::make_unique<testing::UurodProcess>(ledger_->data, args);
    ASSERT_TRUE(uurod_->Start().ok()) << uurod_->Log();
    client::LedgerClient client(uurod_->Channel());
    SecretKey resident = SecretKey::Generate();
    SecretKey owner = SecretKey::Generate();
    ASSERT_TRUE(testing::SetUpOpenRound(client, ledger_->steward, {&resident},
                                        owner, {})
                    .ok());
  }

  // One honest GET on a fresh connection from 127.0.0.1: its status, and
  // the time from connecting to the whole answer.
  std::pair<int, Clock::duration> Honest(const std::string& path) {
    const auto start = Clock::now();
    int fd = testing::ConnectFrom(uurod_->http_address(), "127.0.0.1");
    if (fd < 0) return {-1, Clock::now() - start};
    testing::RawHttpAnswer answer;
    if (testing::SendAll(
            fd, absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: t\r\n\r\n"))) {
      answer = testing::ReadAnswer(fd, std::chrono::seconds(5));
    }
    ::close(fd);
    return {answer.status, Clock::now() - start};
  }

  // The partial tile of level 0 at the current tree size.
  std::string TilePath() {
    testing::RawHttpAnswer cp =
        testing::RawHttpGet(uurod_->http_address(), "/checkpoint");
    std::vector<std::string> lines =
        absl::StrSplit(cp.text.substr(cp.text.find("\r\n\r\n") + 4), '\n');
    uint64_t size = 0;
    EXPECT_TRUE(lines.size() > 1 && absl::SimpleAtoi(lines[1], &size))
        << cp.text;
    EXPECT_LT(size, 256u);
    return absl::StrCat("/tile/0/000.p/", size);
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
};

TEST_F(HttpAbuseTest, HonestReadersServedWithinASecondDuringSlowAndIdleFloods) {
  RaiseOpenFileLimit(4096);
  // The attackers come from many loopback addresses, so that the
  // per-address limit does not simply cut them off: this is the total load.
  ASSERT_NO_FATAL_FAILURE(
      Start({"--http-max-connections", "3000", "--http-max-connections-per-ip",
             "50", "--http-idle-timeout", "60"}));
  const std::string address = uurod_->http_address();
  const std::string tile = TilePath();

  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i) {
    int fd =
        testing::ConnectFrom(address, absl::StrCat("127.0.1.", 1 + i / 40));
    ASSERT_GE(fd, 0) << "idle connection " << i;
    idle.push_back(fd);
  }
  std::vector<int> slow;
  for (int i = 0; i < 64; ++i) {
    int fd =
        testing::ConnectFrom(address, absl::StrCat("127.0.2.", 1 + i / 32));
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(
        testing::SendAll(fd, "GET /checkpoint HTTP/1.1\r\nHost: t\r\n"));
    slow.push_back(fd);
  }
  // A header line every 300 ms on each half-sent request, never the end.
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    int line = 0;
    while (!stop) {
      for (int fd : slow) {
        (void)testing::SendAll(fd, absl::StrCat("X-Slow-", line, ": a\r\n"));
      }
      ++line;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });

  // Honest readers, three at a time, for a few seconds of the attack.
  std::atomic<int> served{0};
  std::atomic<int> failed{0};
  std::atomic<int64_t> slowest_ms{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      for (int i = 0; i < 20; ++i) {
        auto [status, took] = Honest(i % 2 == r % 2 ? "/checkpoint" : tile);
        int64_t ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
        int64_t seen = slowest_ms.load();
        while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
        }
        if (status == 200 && took < kHonestBound) {
          ++served;
        } else {
          ++failed;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  for (std::thread& t : readers) t.join();
  stop = true;
  trickle.join();

  EXPECT_EQ(failed.load(), 0)
      << "slowest honest request: " << slowest_ms.load() << " ms";
  EXPECT_EQ(served.load(), 60);
  // The attack was real: the idle connections are still open (uurod closes
  // them only after the idle timeout), so a byte on one of them is read and
  // answered.
  ASSERT_TRUE(testing::SendAll(idle[500],
                               "GET /checkpoint HTTP/1.1\r\n"
                               "Host: t\r\n\r\n"));
  EXPECT_EQ(testing::ReadAnswer(idle[500], std::chrono::seconds(5)).status,
            200);
  for (int fd : idle) ::close(fd);
  for (int fd : slow) ::close(fd);
}

TEST_F(HttpAbuseTest, AFloodFromOneAddressIsCutOffWhileOthersAreServed) {
  RaiseOpenFileLimit(1024);
  ASSERT_NO_FATAL_FAILURE(Start({"--http-max-connections-per-ip", "8"}));
  const std::string address = uurod_->http_address();

  std::vector<int> flood;
  for (int i = 0; i < 50; ++i) {
    int fd = testing::ConnectFrom(address, "127.0.0.2");
    if (fd >= 0) flood.push_back(fd);
  }
  // Honest reads from another address go through during the flood.
  for (int i = 0; i < 5; ++i) {
    auto [status, took] = Honest("/checkpoint");
    EXPECT_EQ(status, 200);
    EXPECT_LT(took, kHonestBound);
  }
  int answered = 0;
  for (int fd : flood) {
    if (testing::SendAll(fd, "GET /checkpoint HTTP/1.1\r\nHost: t\r\n\r\n") &&
        testing::ReadAnswer(fd, std::chrono::seconds(2)).status == 200) {
      ++answered;
    }
    ::close(fd);
  }
  // At most the limit of the flood's address got an answer; the rest were
  // closed without costing the server anything but the accept.
  EXPECT_GE(answered, 1);
  EXPECT_LE(answered, 8);
}

TEST_F(HttpAbuseTest, OversizedHeadersAndBodiesAreRefused) {
  ASSERT_NO_FATAL_FAILURE(Start(
      {"--http-max-header-bytes", "4096", "--http-max-body-bytes", "1024"}));
  const std::string address = uurod_->http_address();
  // Headers beyond the connection's memory: a 4xx or a closed connection.
  int fd = testing::ConnectFrom(address);
  ASSERT_GE(fd, 0);
  (void)testing::SendAll(
      fd, absl::StrCat("GET /checkpoint HTTP/1.1\r\nHost: t\r\nX-Big: ",
                       std::string(8192, 'a'), "\r\n\r\n"));
  testing::RawHttpAnswer big_headers =
      testing::ReadAnswer(fd, std::chrono::seconds(5));
  ::close(fd);
  EXPECT_TRUE(big_headers.status == -1 ||
              (big_headers.status >= 400 && big_headers.status < 500))
      << big_headers.text;
  // A declared body over the limit: 413 before it is sent.
  fd = testing::ConnectFrom(address);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::SendAll(
      fd, absl::StrCat("POST /uuro.v1.Ledger/GetFund HTTP/1.1\r\nHost: t\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 2048\r\n\r\n")));
  EXPECT_EQ(testing::ReadAnswer(fd, std::chrono::seconds(5)).status, 413);
  ::close(fd);
  // Within the limits, the same call is answered.
  fd = testing::ConnectFrom(address);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::SendAll(
      fd,
      "POST /uuro.v1.Ledger/GetFund HTTP/1.1\r\nHost: t\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
  EXPECT_EQ(testing::ReadAnswer(fd, std::chrono::seconds(5)).status, 200);
  ::close(fd);
}

TEST_F(HttpAbuseTest, ARequestThatNeverCompletesIsClosedAtItsDeadline) {
  ASSERT_NO_FATAL_FAILURE(
      Start({"--http-request-deadline", "2", "--http-idle-timeout", "60"}));
  int fd = testing::ConnectFrom(uurod_->http_address(), "127.0.0.3");
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::SendAll(fd, "GET /checkpoint HTTP/1.1\r\nHost: t\r\n"));
  // A header line every 200 ms keeps the idle timeout away for good; only
  // the deadline ends it.
  const auto start = Clock::now();
  bool closed = false;
  for (int line = 0; Clock::now() - start < std::chrono::seconds(10); ++line) {
    if (!testing::SendAll(fd, absl::StrCat("X-Slow-", line, ": a\r\n"))) {
      closed = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) > 0) {
      char byte;
      if (::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0) {
        closed = true;
        break;
      }
    }
  }
  ::close(fd);
  EXPECT_TRUE(closed) << "a trickling request was still open after 10 s";
  // The server itself is fine.
  auto [status, took] = Honest("/checkpoint");
  EXPECT_EQ(status, 200);
  EXPECT_LT(took, kHonestBound);
}

}  // namespace
}  // namespace uuro
