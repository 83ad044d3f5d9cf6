// GET /metrics from a real uurod after some awards: every counter holds
// exactly what was sent, and the gauges and histograms are there.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "clients/ledger_client.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/child_process.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"
#include "tests/testing/wait.h"

namespace uuro {
namespace {

// "name{labels} value" lines, keyed by everything before the value.
std::map<std::string, double> ParseMetrics(const std::string& page) {
  std::map<std::string, double> out;
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

using Metrics = std::map<std::string, double>;

// The value of a series that must be on the page. A missing series fails the
// test (rather than reading as 0, which a check for 0 would pass) and reads
// as NaN, so every comparison with it fails too.
double Get(const Metrics& m, const std::string& series) {
  auto it = m.find(series);
  if (it == m.end()) {
    ADD_FAILURE() << "no series " << series << " on the metrics page";
    return std::numeric_limits<double>::quiet_NaN();
  }
  return it->second;
}

TEST(MetricsTest, ScrapeAfterAwardsCountsExactlyWhatWasSent) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(
      ledger->data,
      {"--http-listen", "127.0.0.1:0", "--rate-limit", "0", "--web-root", ""});
  ASSERT_TRUE(uurod.Start().ok());
  client::LedgerClient client(uurod.Channel());
  SecretKey resident = SecretKey::Generate();
  SecretKey owner = SecretKey::Generate();
  auto fund = testing::SetUpOpenRound(
      client, ledger->steward, {&resident}, owner,
      {.allowance = 10, .max_share_percent = 100, .initiatives = 1});
  ASSERT_TRUE(fund.ok()) << fund.status();

  const uint64_t initiative = fund->initiative_ids[0];
  Bytes first;
  // The last checkpoint is signed between the last award's submission and
  // its answer: the times that bound the checkpoint's age.
  uint64_t last_sent_ms = 0;
  uint64_t last_answered_ms = 0;
  for (int i = 0; i < 5; ++i) {
    auto envelope = client.Sign(
        resident, testing::AwardBody(fund->round_id, initiative, 2));
    ASSERT_TRUE(envelope.ok());
    if (i == 0) first = *envelope;
    last_sent_ms = WallClockMs();
    ASSERT_TRUE(client.SubmitEnvelope(*envelope).ok());
    last_answered_ms = WallClockMs();
  }
  // Beyond the balance: refused by the rules.
  EXPECT_EQ(
      client.Submit(resident, testing::AwardBody(fund->round_id, initiative, 1))
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
  // The same envelope again: its first receipt, counted as a duplicate.
  auto again = client.SubmitEnvelope(first);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate());
  // Bytes that are no envelope at all.
  EXPECT_EQ(client.SubmitEnvelope(ToBytes("not an envelope")).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto cp = client.Checkpoint();
  ASSERT_TRUE(cp.ok());

  // The public port does not show the operator's figures; the admin port
  // (loopback) does.
  httplib::Client public_port("http://" + uurod.http_address());
  httplib::Result hidden = public_port.Get("/metrics");
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->status, 404);
  ASSERT_FALSE(uurod.admin_address().empty());
  httplib::Client http("http://" + uurod.admin_address());
  const uint64_t scrape_sent_ms = WallClockMs();
  httplib::Result res = http.Get("/metrics");
  const uint64_t scrape_answered_ms = WallClockMs();
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  const Metrics m = ParseMetrics(res->body);

  EXPECT_EQ(Get(m, R"(uuro_submissions_total{kind="award",status="ok"})"), 5);
  EXPECT_EQ(
      Get(m,
          R"(uuro_submissions_total{kind="award",status="failed_precondition"})"),
      1);
  EXPECT_EQ(
      Get(m, R"(uuro_submissions_total{kind="award",status="duplicate"})"), 1);
  EXPECT_EQ(
      Get(m,
          R"(uuro_submissions_total{kind="unknown",status="invalid_argument"})"),
      1);
  // Setup: 2 enrollments (resident and owner), the round, the initiative.
  EXPECT_EQ(
      Get(m, R"(uuro_submissions_total{kind="enroll_resident",status="ok"})"),
      2);
  EXPECT_EQ(Get(m, R"(uuro_submissions_total{kind="open_round",status="ok"})"),
            1);

  EXPECT_EQ(Get(m, "uuro_tree_size"), static_cast<double>(cp->tree_size()));
  EXPECT_EQ(Get(m, "uuro_queue_depth"), 0);
  // The age is the time since the last checkpoint was signed, as the
  // times around it bound it (milliseconds, plus one for rounding).
  const double age = Get(m, "uuro_checkpoint_age_seconds");
  EXPECT_GE(age, (static_cast<double>(scrape_sent_ms) -
                  static_cast<double>(last_answered_ms) - 1) /
                     1000);
  EXPECT_LE(age,
            static_cast<double>(scrape_answered_ms - last_sent_ms + 1) / 1000);
  // Every submission but the undecodable one went through a batch; the
  // appending batches made exactly the entries after genesis.
  EXPECT_GE(Get(m, "uuro_batch_transactions_count"), 1);
  EXPECT_EQ(Get(m, "uuro_batch_transactions_sum"), 5 + 1 + 1 + 4);
  EXPECT_EQ(Get(m, "uuro_batch_entries_sum"),
            static_cast<double>(cp->tree_size() - 1));
  EXPECT_EQ(Get(m, "uuro_commit_seconds_count"),
            Get(m, "uuro_batch_transactions_count"));
  EXPECT_GE(Get(m, "uuro_fsync_seconds_count"), 1);
  EXPECT_GT(Get(m, "uuro_fsync_seconds_sum"), 0);
  EXPECT_GE(Get(m, "uuro_rocksdb_live_sst_bytes"), 0);
  const double compaction_pending = Get(m, "uuro_rocksdb_compaction_pending");
  EXPECT_TRUE(compaction_pending == 0 || compaction_pending == 1)
      << compaction_pending;
  EXPECT_GE(Get(m, "uuro_rocksdb_pending_compaction_bytes"), 0);
}

std::map<std::string, double> Scrape(const std::string& admin_address) {
  httplib::Client http("http://" + admin_address);
  httplib::Result res = http.Get("/metrics");
  return res && res->status == 200 ? ParseMetrics(res->body)
                                   : std::map<std::string, double>{};
}

TEST(MetricsTest, WitnessCosignaturesAndTheirLag) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const std::string key_file = ledger->dir.Sub("alice.key");
  ASSERT_TRUE(SaveSecretKey(ledger->council, key_file).ok());
  testing::ChildProcess witness(
      {testing::UuroBinary(), "--key", key_file, "witness", "serve",
       "--log-vkey", ledger->data + "/log.vkey", "--listen", "127.0.0.1:0",
       "--state", ledger->dir.Sub("alice-state"), "--name",
       "council.test/alice"});
  ASSERT_TRUE(witness.Start({"/add-checkpoint"}).ok()) << witness.Output();
  std::string url = witness.ValueAfter("listening on ");
  url = url.substr(0, url.rfind("/add-checkpoint"));
  testing::UurodProcess uurod(ledger->data,
                              {"--witness", url, "--http-listen", "127.0.0.1:0",
                               "--rate-limit", "0", "--witness-timeout", "1"});
  ASSERT_TRUE(uurod.Start().ok()) << uurod.Log();
  client::LedgerClient client(uurod.Channel());
  const std::string size_series =
      R"(uuro_witness_cosigned_tree_size{witness="council.test/alice"})";
  const std::string lag_series =
      R"(uuro_witness_lag_entries{witness="council.test/alice"})";

  SecretKey resident = SecretKey::Generate();
  const uint64_t enroll_sent_ms = WallClockMs();
  ASSERT_TRUE(client
                  .Submit(ledger->steward,
                          testing::EnrollBody(resident.public_key(), "harbour"))
                  .ok());
  // The cosignature comes after the answer: wait for it to show.
  std::map<std::string, double> m;
  uint64_t seen_ms = 0;  // When the cosignature was seen: it came before.
  ASSERT_TRUE(testing::WaitFor([&] {
    m = Scrape(uurod.admin_address());
    seen_ms = WallClockMs();
    auto it = m.find(size_series);
    return it != m.end() && it->second == 2;
  })) << uurod.Log();
  EXPECT_EQ(Get(m, lag_series), 0);

  // The witness goes away; the log goes on without it, and the lag shows.
  ASSERT_TRUE(witness.Stop(SIGKILL).ok());
  SecretKey other = SecretKey::Generate();
  ASSERT_TRUE(client
                  .Submit(ledger->steward,
                          testing::EnrollBody(other.public_key(), "harbour"))
                  .ok());
  const uint64_t scrape_sent_ms = WallClockMs();
  m = Scrape(uurod.admin_address());
  const uint64_t scraped_ms = WallClockMs();
  EXPECT_EQ(Get(m, "uuro_tree_size"), 3);
  EXPECT_EQ(Get(m, size_series), 2);
  EXPECT_EQ(Get(m, lag_series), 1);
  // The cosignature for size 2 came after the enrollment was sent and
  // before it was seen.
  const double age = Get(
      m,
      R"(uuro_witness_cosignature_age_seconds{witness="council.test/alice"})");
  EXPECT_GE(age, (static_cast<double>(scrape_sent_ms) -
                  static_cast<double>(seen_ms) - 1) /
                     1000);
  EXPECT_LE(age, static_cast<double>(scraped_ms - enroll_sent_ms + 1) / 1000);
}

}  // namespace
}  // namespace uuro
