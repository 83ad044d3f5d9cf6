// `uurod follow` against a real primary through a tiles mirror: the follower
// catches up and keeps up, answers every read exactly as the primary does at
// the same checkpoint, refuses writes naming the primary, and stops
// following (keeping its verified state) when the mirror starts serving a
// fork: another history signed by the same log key.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/status_macros.h"
#include "tests/testing/tile_proxy.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"
#include "tests/testing/wait.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;
using client::LedgerClient;

absl::Status AddAwards(LedgerClient& client, const SecretKey& key,
                       const testing::OpenFund& fund, int count,
                       uint64_t amount) {
  v1::SubmitBatchRequest request;
  for (int i = 0; i < count; ++i) {
    auto envelope = client.Sign(
        key, testing::AwardBody(fund.round_id, fund.initiative_ids[0], amount));
    if (!envelope.ok()) return envelope.status();
    request.add_envelopes(std::string(AsString(*envelope)));
  }
  grpc::ClientContext context;
  v1::SubmitBatchResponse response;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      client.ledger().SubmitBatch(&context, request, &response)));
  for (const v1::SubmitResult& result : response.results()) {
    if (result.code() != 0) return absl::InternalError(result.message());
  }
  return absl::OkStatus();
}

using testing::WaitFor;  // Polls an observable condition, with a deadline.

uint64_t TreeSize(LedgerClient& client) {
  auto cp = client.Checkpoint();
  return cp.ok() ? cp->tree_size() : 0;
}

// Every read of the API, serialized, so two servers can be compared.
std::vector<std::string> Reads(LedgerClient& client, const SecretKey& resident,
                               const testing::OpenFund& fund) {
  std::vector<std::string> out;
  auto keep = [&out](const grpc::Status& status,
                     const google::protobuf::Message& message) {
    out.push_back(status.ok() ? message.SerializeAsString()
                              : "error: " + status.error_message());
  };
  auto cp = client.Checkpoint();
  out.push_back(cp.ok() ? cp->SerializeAsString() : "no checkpoint");
  const uint64_t size = cp.ok() ? cp->tree_size() : 0;
  {
    grpc::ClientContext c;
    v1::FundRecord r;
    keep(client.ledger().GetFund(&c, {}, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetResidentRequest q;
    q.set_key(PublicKeyBytes(resident.public_key()));
    v1::ResidentView r;
    keep(client.ledger().GetResident(&c, q, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetInitiativeRequest q;
    q.set_id(fund.initiative_ids[0]);
    v1::InitiativeView r;
    keep(client.ledger().GetInitiative(&c, q, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetHistoryRequest q;
    q.set_key(PublicKeyBytes(resident.public_key()));
    v1::GetHistoryResponse r;
    keep(client.ledger().GetHistory(&c, q, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetRoundTotalsRequest q;
    q.set_round_id(fund.round_id);
    v1::RoundTotals r;
    keep(client.audit().GetRoundTotals(&c, q, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::FundTotals r;
    keep(client.audit().GetFundTotals(&c, {}, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetEntriesRequest q;
    q.set_start(size > 300 ? size - 300 : 0);
    q.set_end(size);
    v1::GetEntriesResponse r;
    keep(client.transparency().GetEntries(&c, q, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetInclusionProofRequest q;
    q.set_index(size / 2);
    q.set_tree_size(size);
    v1::ProofResponse r;
    keep(client.transparency().GetInclusionProof(&c, q, &r), r);
  }
  {
    grpc::ClientContext c;
    v1::GetConsistencyProofRequest q;
    q.set_old_size(size / 3);
    q.set_new_size(size);
    v1::ProofResponse r;
    keep(client.transparency().GetConsistencyProof(&c, q, &r), r);
  }
  return out;
}

TEST(FollowerTest, CatchesUpServesTheSameReadsRefusesWritesAndStopsOnAFork) {
  auto ledger = testing::InitTestLedger();
  ASSERT_NE(ledger, nullptr);
  const std::string root = ledger->dir.path();
  SecretKey resident = SecretKey::Generate();
  SecretKey owner = SecretKey::Generate();
  testing::OpenFund fund;
  {
    testing::UurodProcess setup(ledger->data, {"--rate-limit", "0"});
    ASSERT_TRUE(setup.Start().ok());
    LedgerClient client(setup.Channel());
    auto opened = testing::SetUpOpenRound(
        client, ledger->steward, {&resident}, owner,
        {.allowance = 100000, .max_share_percent = 100, .initiatives = 1});
    ASSERT_TRUE(opened.ok()) << opened.status();
    fund = *opened;
    ASSERT_TRUE(setup.Stop(SIGTERM).ok());
  }
  // The same log, to go on later with another history.
  fs::copy(ledger->data, root + "/fork", fs::copy_options::recursive);

  testing::UurodProcess primary(
      ledger->data, {"--http-listen", "127.0.0.1:0", "--rate-limit", "0"});
  ASSERT_TRUE(primary.Start().ok());
  LedgerClient to_primary(primary.Channel());
  ASSERT_TRUE(AddAwards(to_primary, resident, fund, 300, 1).ok());

  testing::TileProxy mirror(primary.http_address());
  testing::UurodProcess follower(
      root + "/follower",
      {"--from", mirror.url(), "--vkey", ledger->data + "/log.vkey",
       "--primary", primary.address(), "--http-listen", "127.0.0.1:0",
       "--poll-ms", "50"},
      "follow");
  absl::Status started = follower.Start();
  ASSERT_TRUE(started.ok()) << started << follower.Log();
  LedgerClient to_follower(follower.Channel());
  // It caught up before it started to listen.
  EXPECT_EQ(TreeSize(to_follower), TreeSize(to_primary));
  EXPECT_EQ(Reads(to_follower, resident, fund),
            Reads(to_primary, resident, fund));

  // It keeps up by polling.
  ASSERT_TRUE(AddAwards(to_primary, resident, fund, 40, 2).ok());
  const uint64_t primary_size = TreeSize(to_primary);
  ASSERT_TRUE(WaitFor([&] { return TreeSize(to_follower) == primary_size; }))
      << follower.Log();
  const std::vector<std::string> reads = Reads(to_primary, resident, fund);
  EXPECT_EQ(Reads(to_follower, resident, fund), reads);
  // Its tiles are the primary's too.
  httplib::Client primary_http("http://" + primary.http_address());
  httplib::Client follower_http("http://" + follower.http_address());
  ASSERT_GT(primary_size, 256u);
  ASSERT_LT(primary_size, 512u);
  const std::string partial = absl::StrCat(".p/", primary_size - 256);
  for (const std::string& path :
       {std::string("/checkpoint"), std::string("/log.vkey"),
        std::string("/tile/entries/000"), std::string("/tile/0/000"),
        "/tile/entries/001" + partial, "/tile/0/001" + partial}) {
    auto a = primary_http.Get(path);
    auto b = follower_http.Get(path);
    ASSERT_TRUE(a && b) << path;
    EXPECT_EQ(a->status, 200) << path;
    EXPECT_EQ(b->status, 200) << path;
    EXPECT_EQ(a->body, b->body) << path;
  }

  // Writes are refused, naming the primary.
  auto write = to_follower.Submit(
      resident, testing::AwardBody(fund.round_id, fund.initiative_ids[0], 1));
  EXPECT_EQ(write.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(write.status().message().find(primary.address()), std::string::npos)
      << write.status();

  // The mirror now serves a fork: the same key went on from the setup with
  // other entries, to a larger tree than the follower holds.
  testing::UurodProcess forked(
      root + "/fork", {"--http-listen", "127.0.0.1:0", "--rate-limit", "0"});
  ASSERT_TRUE(forked.Start().ok());
  LedgerClient to_fork(forked.Channel());
  ASSERT_TRUE(AddAwards(to_fork, resident, fund, 500, 3).ok());
  ASSERT_GT(TreeSize(to_fork), primary_size);
  mirror.set_upstream(forked.http_address());
  ASSERT_TRUE(WaitFor([&] {
    return follower.Log().find("event=follow_stopped") != std::string::npos;
  })) << follower.Log();
  EXPECT_NE(follower.Log().find("level=critical"), std::string::npos);
  EXPECT_NE(follower.Log().find("is not consistent"), std::string::npos)
      << follower.Log();
  // It adopted nothing of the fork and still serves what it verified. (It
  // logs follow_stopped as the last thing its polling thread does, so
  // there is nothing more to wait for.)
  EXPECT_EQ(TreeSize(to_follower), primary_size);
  EXPECT_EQ(Reads(to_follower, resident, fund), reads);
  ASSERT_TRUE(follower.Stop(SIGTERM).ok());
}

}  // namespace
}  // namespace uuro
