// The public HTTP port of a real uurod, as a browser uses it: the Connect
// protocol in JSON and binary for reads and Submit (the answers equal the
// gRPC ones, receipts verify), errors with the Connect code and its HTTP
// status, Connect GET with cache headers, CORS preflights, and the web app's
// files with their index fallback, never a file outside the web root.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "clients/ledger_client.h"
#include "ledger/fund/receipt.h"
#include "ledger/tlog/wall_clock.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro {
namespace {

using google::protobuf::util::JsonStringToMessage;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::MessageToJsonString;

constexpr char kAppOrigin[] = "https://app.example";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

class ConnectHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = testing::InitTestLedger();
    ASSERT_NE(ledger_, nullptr);
    // The web app, and beside it a secret it must never serve.
    web_ = ledger_->dir.Sub("web");
    std::filesystem::create_directories(web_ + "/assets");
    WriteFile(web_ + "/index.html", "<!doctype html><title>app</title>");
    WriteFile(web_ + "/assets/app.js", "console.log('plain');");
    WriteFile(web_ + "/assets/app.js.gz", "pretend-gzip-bytes");
    WriteFile(web_ + "/assets/style.css", Css());
    WriteFile(ledger_->dir.Sub("secret.txt"), "the steward's secret");
    std::filesystem::create_symlink(ledger_->dir.Sub("secret.txt"),
                                    web_ + "/escape.txt");
    uurod_ = std::make_unique<testing::UurodProcess>(
        ledger_->data, std::vector<std::string>{
                           "--http-listen", "127.0.0.1:0", "--rate-limit", "0",
                           "--cors-origin", kAppOrigin, "--web-root", web_});
    ASSERT_TRUE(uurod_->Start().ok()) << uurod_->Log();
    client_ = std::make_unique<client::LedgerClient>(uurod_->Channel());
    auto fund = testing::SetUpOpenRound(
        *client_, ledger_->steward, {&resident_}, owner_, {.allowance = 10});
    ASSERT_TRUE(fund.ok()) << fund.status();
    fund_ = *fund;
    http_ =
        std::make_unique<httplib::Client>("http://" + uurod_->http_address());
  }

  // A style sheet big enough to be compressed on the fly.
  static std::string Css() {
    std::string css;
    for (int i = 0; i < 100; ++i) {
      css += ".c" + std::to_string(i) + " { margin: " + std::to_string(i) +
             "px; }\n";
    }
    return css;
  }

  // POSTs `request` to /uuro.v1.<method> in JSON; the answer parsed into
  // `answer` when it is a 200.
  httplib::Result PostJson(const std::string& method,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* answer = nullptr) {
    std::string json;
    EXPECT_TRUE(MessageToJsonString(request, &json).ok());
    httplib::Result res =
        http_->Post("/uuro.v1." + method, {{"Connect-Protocol-Version", "1"}},
                    json, "application/json");
    if (res && res->status == 200 && answer != nullptr) {
      EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
      EXPECT_TRUE(JsonStringToMessage(res->body, answer).ok()) << res->body;
    }
    return res;
  }
  httplib::Result PostProto(const std::string& method,
                            const google::protobuf::Message& request,
                            google::protobuf::Message* answer = nullptr) {
    httplib::Result res =
        http_->Post("/uuro.v1." + method, {{"Connect-Protocol-Version", "1"}},
                    request.SerializeAsString(), "application/proto");
    if (res && res->status == 200 && answer != nullptr) {
      EXPECT_EQ(res->get_header_value("Content-Type"), "application/proto");
      EXPECT_TRUE(answer->ParseFromString(res->body));
    }
    return res;
  }

  // An award signed with the nonce the server expects next, so refused
  // ones do not put later ones out of step.
  v1::SubmitRequest Award(uint64_t amount) {
    auto nonce = testing::ServerNextNonce(*client_, resident_.public_key());
    EXPECT_TRUE(nonce.ok());
    v1::SubmitRequest request;
    request.set_envelope(std::string(AsString(testing::SignTx(
        resident_, ledger_->origin, nonce.ok() ? *nonce : 0,
        WallClockMs() + 3600 * 1000,
        testing::AwardBody(fund_.round_id, fund_.initiative_ids[0], amount)))));
    return request;
  }

  // The Connect error of `res`: its HTTP status and code must agree.
  static void ExpectError(const httplib::Result& res, int http_status,
                          const std::string& code) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, http_status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    EXPECT_EQ(body.value("code", ""), code) << res->body;
    EXPECT_FALSE(body.value("message", "").empty()) << res->body;
  }

  std::unique_ptr<testing::TestLedger> ledger_;
  std::string web_;
  std::unique_ptr<testing::UurodProcess> uurod_;
  std::unique_ptr<client::LedgerClient> client_;
  std::unique_ptr<httplib::Client> http_;
  SecretKey resident_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
  testing::OpenFund fund_;
};

TEST_F(ConnectHttpTest, ReadsInJsonAndBinaryEqualTheGrpcAnswers) {
  auto fund = client_->Fund();
  ASSERT_TRUE(fund.ok());
  v1::FundRecord json_fund;
  httplib::Result res =
      PostJson("Ledger/GetFund", v1::GetFundRequest(), &json_fund);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(MessageDifferencer::Equals(json_fund, *fund));
  EXPECT_EQ(json_fund.origin(), ledger_->origin);

  v1::GetResidentRequest ask;
  ask.set_key(PublicKeyBytes(resident_.public_key()));
  v1::ResidentView over_grpc;
  grpc::ClientContext context;
  ASSERT_TRUE(client_->ledger().GetResident(&context, ask, &over_grpc).ok());
  v1::ResidentView binary;
  res = PostProto("Ledger/GetResident", ask, &binary);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(MessageDifferencer::Equals(binary, over_grpc));

  v1::FundTotals totals;
  res = PostJson("Audit/GetFundTotals", v1::GetFundTotalsRequest(), &totals);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
}

TEST_F(ConnectHttpTest, SubmitInJsonAndBinaryAnswersWithAVerifiedReceipt) {
  auto before = client_->Checkpoint();
  ASSERT_TRUE(before.ok());
  v1::Receipt json_receipt;
  httplib::Result res = PostJson("Ledger/Submit", Award(2), &json_receipt);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto cp = VerifyReceipt(json_receipt, ledger_->log_key(), ledger_->origin);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(json_receipt.index(), before->tree_size());

  v1::Receipt binary_receipt;
  res = PostProto("Ledger/Submit", Award(3), &binary_receipt);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  cp = VerifyReceipt(binary_receipt, ledger_->log_key(), ledger_->origin);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(binary_receipt.index(), before->tree_size() + 1);

  // Durable and applied: gRPC reads see both awards.
  v1::GetResidentRequest ask;
  ask.set_key(PublicKeyBytes(resident_.public_key()));
  v1::ResidentView view;
  grpc::ClientContext context;
  ASSERT_TRUE(client_->ledger().GetResident(&context, ask, &view).ok());
  EXPECT_EQ(view.balance(), 10u - 5u);
}

TEST_F(ConnectHttpTest, ErrorsCarryTheConnectCodeAndItsHttpStatus) {
  v1::GetInitiativeRequest unknown;
  unknown.set_id(999999);
  ExpectError(PostJson("Ledger/GetInitiative", unknown), 404, "not_found");

  v1::SubmitRequest garbage;
  garbage.set_envelope("not an envelope");
  ExpectError(PostProto("Ledger/Submit", garbage), 400, "invalid_argument");

  // Beyond the balance: the rules refuse it.
  ExpectError(PostJson("Ledger/Submit", Award(11)), 400, "failed_precondition");

  // A used nonce with another body.
  auto nonce = testing::ServerNextNonce(*client_, resident_.public_key());
  ASSERT_TRUE(nonce.ok());
  ASSERT_EQ(PostJson("Ledger/Submit", Award(1))->status, 200);
  v1::SubmitRequest replay;
  replay.set_envelope(std::string(AsString(testing::SignTx(
      resident_, ledger_->origin, *nonce, WallClockMs() + 3600 * 1000,
      testing::AwardBody(fund_.round_id, fund_.initiative_ids[0], 2)))));
  ExpectError(PostProto("Ledger/Submit", replay), 409, "already_exists");

  // A bad signature.
  v1::SubmitRequest forged = Award(1);
  std::string bytes = forged.envelope();
  bytes[bytes.size() - 1] ^= 1;
  forged.set_envelope(bytes);
  ExpectError(PostProto("Ledger/Submit", forged), 401, "unauthenticated");

  ExpectError(
      http_->Post("/uuro.v1.Ledger/GetFund", "{not json", "application/json"),
      400, "invalid_argument");
  ExpectError(
      http_->Post("/uuro.v1.Ledger/NoSuchMethod", "{}", "application/json"),
      501, "unimplemented");
  ExpectError(
      http_->Post("/uuro.v1.Ledger/GetFund", {{"Content-Encoding", "br"}}, "{}",
                  "application/json"),
      501, "unimplemented");
  httplib::Result wrong_type =
      http_->Post("/uuro.v1.Ledger/GetFund", "{}", "text/plain");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
  // Submit changes the ledger: never over GET.
  httplib::Result get_submit = http_->Get(
      "/uuro.v1.Ledger/Submit?connect=v1&encoding=json&message=%7B%7D");
  ASSERT_TRUE(get_submit);
  EXPECT_EQ(get_submit->status, 405);
  EXPECT_EQ(get_submit->get_header_value("Allow"), "POST");
}

TEST_F(ConnectHttpTest, GetOfSideEffectFreeMethodsWithCacheHeaders) {
  auto cp = client_->Checkpoint();
  ASSERT_TRUE(cp.ok());
  // A proof for a fixed tree size never changes: cache it for good.
  v1::GetInclusionProofRequest ask;
  ask.set_index(1);
  ask.set_tree_size(cp->tree_size());
  std::string message;
  absl::WebSafeBase64Escape(ask.SerializeAsString(), &message);
  httplib::Result res = http_->Get(
      "/uuro.v1.Transparency/GetInclusionProof?connect=v1&encoding=proto&"
      "base64=1&message=" +
      message);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(
      absl::StrContains(res->get_header_value("Cache-Control"), "immutable"));
  v1::ProofResponse over_get;
  ASSERT_TRUE(over_get.ParseFromString(res->body));
  v1::ProofResponse over_grpc;
  grpc::ClientContext context;
  ASSERT_TRUE(client_->transparency()
                  .GetInclusionProof(&context, ask, &over_grpc)
                  .ok());
  EXPECT_TRUE(MessageDifferencer::Equals(over_get, over_grpc));

  // "The latest" moves: no long caching.
  res = http_->Get(
      "/uuro.v1.Transparency/GetCheckpoint?connect=v1&encoding=json&"
      "message=%7B%7D");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_FALSE(
      absl::StrContains(res->get_header_value("Cache-Control"), "immutable"));
  EXPECT_FALSE(res->get_header_value("Cache-Control").empty());
  v1::CheckpointResponse latest;
  ASSERT_TRUE(JsonStringToMessage(res->body, &latest).ok());
  EXPECT_EQ(latest.tree_size(), cp->tree_size());

  // A state read must be revalidated.
  res = http_->Get(
      "/uuro.v1.Ledger/GetFund?connect=v1&encoding=json&message=%7B%7D");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
}

TEST_F(ConnectHttpTest, CorsOnlyForTheListedOrigin) {
  httplib::Headers preflight = {{"Origin", kAppOrigin},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers",
                                 "content-type,connect-protocol-version"}};
  httplib::Result res = http_->Options("/uuro.v1.Ledger/Submit", preflight);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kAppOrigin);
  const std::string headers = absl::AsciiStrToLower(
      res->get_header_value("Access-Control-Allow-Headers"));
  EXPECT_TRUE(absl::StrContains(headers, "connect-protocol-version"));
  EXPECT_TRUE(absl::StrContains(headers, "content-type"));
  EXPECT_TRUE(absl::StrContains(
      res->get_header_value("Access-Control-Allow-Methods"), "POST"));
  EXPECT_TRUE(absl::StrContains(res->get_header_value("Vary"), "Origin"));

  httplib::Headers stranger = preflight;
  stranger.erase("Origin");
  stranger.emplace("Origin", "https://evil.example");
  res = http_->Options("/uuro.v1.Ledger/Submit", stranger);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));

  // The call itself: the listed origin may read the answer, others not.
  res = http_->Post("/uuro.v1.Ledger/GetFund", {{"Origin", kAppOrigin}}, "{}",
                    "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kAppOrigin);
  res = http_->Get("/checkpoint", {{"Origin", "https://evil.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  EXPECT_TRUE(absl::StrContains(res->get_header_value("Vary"), "Origin"));
}

TEST_F(ConnectHttpTest, ServesTheWebAppWithIndexFallbackAndAStrictPolicy) {
  httplib::Result res = http_->Get("/");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "<!doctype html><title>app</title>");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  const std::string csp = res->get_header_value("Content-Security-Policy");
  EXPECT_TRUE(absl::StrContains(csp, "default-src 'self'"));
  EXPECT_TRUE(absl::StrContains(csp, "frame-ancestors 'none'"));

  // A client-side route gets the app; a missing asset does not.
  res = http_->Get("/initiatives/12");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "<!doctype html><title>app</title>");
  res = http_->Get("/assets/missing.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);

  // gzip only for clients that take it; ETags revalidate.
  http_->set_decompress(false);
  res = http_->Get("/assets/app.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(res->body, "pretend-gzip-bytes");
  res = http_->Get("/assets/app.js", {{"Accept-Encoding", "identity"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "console.log('plain');");
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  const std::string etag = res->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  res = http_->Get("/assets/app.js",
                   {{"Accept-Encoding", "identity"}, {"If-None-Match", etag}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 304);
}

TEST_F(ConnectHttpTest, NeverServesAFileOutsideTheWebRoot) {
  const std::string address = uurod_->http_address();
  for (const std::string path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
        "/escape.txt", "/.%2e/secret.txt"}) {
    testing::RawHttpAnswer answer = testing::RawHttpGet(address, path);
    EXPECT_FALSE(absl::StrContains(answer.text, "the steward's secret"))
        << path;
    EXPECT_NE(answer.status, 200) << path << "\n" << answer.text;
  }
}

// SIGTERM while Connect calls are in flight (their connections suspended
// until the gRPC answer): uurod answers or ends each and exits cleanly.
TEST_F(ConnectHttpTest, StopsCleanlyWithConnectCallsInFlight) {
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      httplib::Client http("http://" + uurod_->http_address());
      http.set_read_timeout(10, 0);
      while (!stop) {
        httplib::Result res =
            http.Post("/uuro.v1.Ledger/GetFund", "{}", "application/json");
        if (!res) break;  // The server has gone.
        if (res->status == 200) ++answered;
      }
    });
  }
  while (answered < 50) std::this_thread::yield();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<int> code = uurod_->Stop(SIGTERM);
  const auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  for (std::thread& t : callers) t.join();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << uurod_->Log();
  EXPECT_LT(took, std::chrono::seconds(10));
}

// Without --cors-origin: no cross-origin access at all. With an empty
// --web-root (the default folder may exist once the app is built): no app.
// The tiles and Connect as always.
TEST(ConnectHttpDefaultsTest, NoCorsByDefaultAndNoAppWithAnEmptyWebRoot) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  testing::UurodProcess uurod(
      ledger->data, {"--http-listen", "127.0.0.1:0", "--web-root", ""});
  ASSERT_TRUE(uurod.Start().ok()) << uurod.Log();
  httplib::Client http("http://" + uurod.http_address());
  httplib::Result res = http.Options(
      "/uuro.v1.Ledger/GetFund",
      {{"Origin", kAppOrigin}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  res = http.Post("/uuro.v1.Ledger/GetFund", {{"Origin", kAppOrigin}}, "{}",
                  "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  res = http.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = http.Get("/checkpoint");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

}  // namespace
}  // namespace uuro
