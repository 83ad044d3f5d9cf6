// What may enter the permanent log, through a real uurod: a body that is not
// its canonical encoding, an expiry beyond the 24-hour ceiling, a forward
// jump of the server's clock and a total that would wrap are each refused
// with their status, and neither the tree nor the fund state changes.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/transaction.h"
#include "ledger/fund/validation.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using client::LedgerClient;
using grpc::StatusCode;

constexpr uint64_t kTenMinutesMs = 10 * 60 * 1000;
constexpr uint64_t kHourMs = 60 * 60 * 1000;

// An envelope around `body`, which is signed exactly as given.
Bytes SignRawBody(const SecretKey& key, const std::string& body) {
  v1::Envelope envelope;
  envelope.set_body(body);
  envelope.set_signer(PublicKeyBytes(key.public_key()));
  Signature signature = key.Sign(fund::kTxContext, AsBytes(body));
  envelope.set_signature(std::string(signature.begin(), signature.end()));
  return ToBytes(envelope.SerializeAsString());
}

// The series of a /metrics page, by name with labels.
std::map<std::string, double> Scrape(const std::string& http_address) {
  httplib::Client http("http://" + http_address);
  httplib::Result res = http.Get("/metrics");
  std::map<std::string, double> series;
  if (!res || res->status != 200) return series;
  std::istringstream lines(res->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    series[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return series;
}

// Changes one record of a stopped ledger's state behind the rules' back, as
// only a test may: it stands for years of traffic no test can send.
template <typename Record>
absl::Status PatchRecord(const std::string& db, const std::string& key,
                         const std::function<void(Record&)>& change) {
  auto store = OpenRocksLogStore(db);
  if (!store.ok()) return store.status();
  auto value = (*store)->ReadState(key);
  if (!value.ok()) return value.status();
  Record record;
  if (!value->has_value() ||
      !record.ParseFromArray((*value)->data(),
                             static_cast<int>((*value)->size()))) {
    return absl::NotFoundError("no such record");
  }
  change(record);
  AppendBatch batch;
  batch.state.push_back({key, ToBytes(record.SerializeAsString())});
  const std::string note = (*store)->checkpoint();
  return (*store)->Append(
      batch, [&](uint64_t, const Hash&) -> absl::StatusOr<std::string> {
        return note;
      });
}

class UurodAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
  }

  // Starts uurod; with the test's clock file if `clock` is set.
  void Start(bool clock = false) {
    std::vector<std::string> args = {"--http-listen", "127.0.0.1:0"};
    if (clock) {
      args.push_back("--clock-file");
      args.push_back(clock_file());
    }
    uurod_ = std::make_unique<testing::UurodProcess>(ledger_->data, args);
    absl::Status started = uurod_->Start();
    ASSERT_TRUE(started.ok()) << started;
    client_ = std::make_unique<LedgerClient>(uurod_->Channel());
  }

  void Stop() {
    client_.reset();  // An idle connection would hold the shutdown.
    auto code = uurod_->Stop(SIGTERM);
    ASSERT_TRUE(code.ok()) << code.status();
    ASSERT_EQ(*code, 0) << uurod_->Log();
  }

  std::string clock_file() const { return ledger_->dir.Sub("clock"); }
  std::string db() const { return ledger_->data + "/db"; }

  void SetClock(uint64_t ms) {
    std::ofstream(clock_file() + ".new") << ms << "\n";
    std::filesystem::rename(clock_file() + ".new", clock_file());
  }

  void OpenFund() {
    auto fund = testing::SetUpOpenRound(*client_, ledger_->steward, {&alice_},
                                        owner_, {});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
  }

  v1::TxBody Award(uint64_t amount) const {
    return testing::AwardBody(fund_.round_id, fund_.initiative_ids[0], amount);
  }

  uint64_t Nonce(const SecretKey& key) {
    auto nonce = testing::ServerNextNonce(*client_, key.public_key());
    EXPECT_TRUE(nonce.ok()) << nonce.status();
    return nonce.value_or(0);
  }

  Bytes Sign(const SecretKey& key, v1::TxBody body, uint64_t expires_at_ms) {
    return testing::SignTx(key, ledger_->origin, Nonce(key), expires_at_ms,
                           std::move(body));
  }

  // What a client sees of the log and the state: tree size, fund record
  // (entries, last time, totals) and the open round, if any.
  std::string Observe() {
    auto cp = client_->Checkpoint();
    auto fund = client_->Fund();
    EXPECT_TRUE(cp.ok() && fund.ok());
    std::string seen = absl::StrCat(cp.ok() ? cp->tree_size() : 0, "|",
                                    fund.ok() ? fund->DebugString() : "");
    if (fund_.round_id != 0) {
      grpc::ClientContext context;
      v1::GetRoundRequest request;
      request.set_id(fund_.round_id);
      v1::RoundRecord round;
      EXPECT_TRUE(client_->ledger().GetRound(&context, request, &round).ok());
      absl::StrAppend(&seen, "|", round.DebugString());
    }
    return seen;
  }

  grpc::Status Submit(const Bytes& envelope, v1::Receipt* receipt = nullptr) {
    grpc::ClientContext context;
    v1::SubmitRequest request;
    request.set_envelope(std::string(AsString(envelope)));
    v1::Receipt ignored;
    return client_->ledger().Submit(&context, request,
                                    receipt ? receipt : &ignored);
  }

  // Submits `envelope`, expects `code` with `message` in its text, and that
  // the tree and the state are as before.
  void ExpectRefused(const Bytes& envelope, StatusCode code,
                     const std::string& message) {
    const std::string before = Observe();
    grpc::Status status = Submit(envelope);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_NE(status.error_message().find(message), std::string::npos)
        << status.error_message();
    EXPECT_EQ(Observe(), before);
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::unique_ptr<LedgerClient> client_;
  SecretKey alice_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
  testing::OpenFund fund_;
};

TEST_F(UurodAdmissionTest, RefusesABodyThatIsNotItsCanonicalEncoding) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(OpenFund());
  v1::TxBody body = Award(5);
  body.set_origin(ledger_->origin);
  body.set_nonce(Nonce(alice_));
  body.set_expires_at_ms(WallClockMs() + kTenMinutesMs);
  const std::string canonical = body.SerializeAsString();

  // Field 101, varint 1: validly signed, unknown to the schema.
  ExpectRefused(SignRawBody(alice_, canonical + "\xa8\x06\x01"),
                StatusCode::INVALID_ARGUMENT,
                "a field this ledger does not know");
  // The same fields, origin (field 1) last: protobuf parses it all the same.
  v1::TxBody without_origin = body;
  without_origin.clear_origin();
  v1::TxBody origin_only;
  origin_only.set_origin(body.origin());
  ExpectRefused(SignRawBody(alice_, without_origin.SerializeAsString() +
                                        origin_only.SerializeAsString()),
                StatusCode::INVALID_ARGUMENT, "not canonically encoded");
  // The origin twice: the last value wins when parsed.
  ExpectRefused(
      SignRawBody(alice_, canonical + origin_only.SerializeAsString()),
      StatusCode::INVALID_ARGUMENT, "not canonically encoded");
  // A field at its default written out: the nonce, 0 (alice's first).
  ASSERT_EQ(body.nonce(), 0u);
  const size_t after_origin = 2 + body.origin().size();
  ExpectRefused(SignRawBody(alice_, canonical.substr(0, after_origin) +
                                        std::string("\x10\x00", 2) +
                                        canonical.substr(after_origin)),
                StatusCode::INVALID_ARGUMENT, "not canonically encoded");

  // The canonical bytes of the same body go in.
  v1::Receipt receipt;
  grpc::Status ok = Submit(SignRawBody(alice_, canonical), &receipt);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
}

TEST_F(UurodAdmissionTest, RefusesAnExpiryBeyondTheCeilingAndTakesOneAtIt) {
  SetClock(WallClockMs());
  ASSERT_NO_FATAL_FAILURE(Start(/*clock=*/true));
  // From here every entry is sequenced at `now`: the clock file stays. It is
  // a little ahead, so the round (open from a second ago) takes awards.
  const uint64_t now = WallClockMs() + 2000;
  SetClock(now);
  ASSERT_NO_FATAL_FAILURE(OpenFund());
  const uint64_t ceiling = now + fund::kMaxExpiryAheadMs;
  ASSERT_EQ(fund::kMaxExpiryAheadMs, 24 * kHourMs);

  ExpectRefused(Sign(alice_, Award(5), ceiling + 1),
                StatusCode::INVALID_ARGUMENT,
                absl::StrCat("more than 24 hours after it is sequenced at ",
                             FormatIsoTime(now)));
  ExpectRefused(Sign(alice_, Award(5), std::numeric_limits<uint64_t>::max()),
                StatusCode::INVALID_ARGUMENT,
                absl::StrCat("the latest expiry accepted now is ",
                             FormatIsoTime(ceiling)));

  v1::Receipt receipt;
  grpc::Status ok = Submit(Sign(alice_, Award(5), ceiling), &receipt);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  auto fund = client_->Fund();
  ASSERT_TRUE(fund.ok());
  EXPECT_EQ(fund->last_time_ms(), now);
}

TEST_F(UurodAdmissionTest, NeverLogsAForwardJumpOfTheClock) {
  const uint64_t now = WallClockMs();
  SetClock(now);
  ASSERT_NO_FATAL_FAILURE(Start(/*clock=*/true));
  ASSERT_TRUE(client_
                  ->Submit(ledger_->steward,
                           testing::EnrollBody(alice_.public_key(), "harbour"))
                  .ok());
  const std::string http = uurod_->admin_address();
  EXPECT_EQ(Scrape(http)["uuro_clock_jump_refusals_total"], 0);

  // An hour ahead of where the monotonic clock says the wall clock is.
  SetClock(now + kHourMs);
  const Bytes enroll = Sign(ledger_->steward,
                            testing::EnrollBody(owner_.public_key(), "harbour"),
                            now + kTenMinutesMs);
  ExpectRefused(enroll, StatusCode::UNAVAILABLE,
                absl::StrCat("the server's clock jumped forward: it reads ",
                             FormatIsoTime(now + kHourMs)));
  std::map<std::string, double> metrics = Scrape(http);
  EXPECT_EQ(metrics["uuro_clock_jump_refusals_total"], 1);
  EXPECT_GT(metrics["uuro_clock_jump_seconds"], 3000);

  // The clock is set right again: the same transaction goes in, at that time.
  SetClock(now + 1000);
  v1::Receipt receipt;
  grpc::Status ok = Submit(enroll, &receipt);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  auto fund = client_->Fund();
  ASSERT_TRUE(fund.ok());
  EXPECT_EQ(fund->last_time_ms(), now + 1000);
  metrics = Scrape(http);
  EXPECT_EQ(metrics["uuro_clock_jump_refusals_total"], 1);
  EXPECT_EQ(metrics["uuro_clock_jump_seconds"], 0);
}

TEST_F(UurodAdmissionTest, RefusesTotalsThatWouldWrap) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(OpenFund());
  ASSERT_NO_FATAL_FAILURE(Stop());
  // Gross awards a few credits short of 2^64, and so many credits issued
  // that one more resident's allowance would overflow.
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  absl::Status patched = PatchRecord<v1::RoundRecord>(
      db(), fund::keys::Round(fund_.round_id), [&](v1::RoundRecord& round) {
        round.set_awarded(max - 4);
        round.set_issued(max - 1);
      });
  ASSERT_TRUE(patched.ok()) << patched;
  auto before = testing::SnapshotLedger(db());
  ASSERT_TRUE(before.ok()) << before.status();

  ASSERT_NO_FATAL_FAILURE(Start());
  const uint64_t later = WallClockMs() + kTenMinutesMs;
  ExpectRefused(Sign(alice_, Award(5), later), StatusCode::FAILED_PRECONDITION,
                "the round's gross awards would exceed 2^64-1");
  SecretKey carol = SecretKey::Generate();
  ExpectRefused(Sign(ledger_->steward,
                     testing::EnrollBody(carol.public_key(), "harbour"), later),
                StatusCode::FAILED_PRECONDITION,
                "the round's issue would exceed 2^64-1");
  ASSERT_NO_FATAL_FAILURE(Stop());

  auto after = testing::SnapshotLedger(db());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->size, before->size);
  EXPECT_EQ(after->root, before->root);
  EXPECT_EQ(after->state_digest, before->state_digest);
}

}  // namespace
}  // namespace uuro
