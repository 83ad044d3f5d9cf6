#include "bench/bench_fund.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"
#include "uuro/v1/ledger.grpc.pb.h"

namespace uuro::bench {
namespace {

constexpr size_t kBatch = 1000;  // The server's SubmitBatch limit.
constexpr uint64_t kExpiryMs = 60 * 60 * 1000;
constexpr const char* kDistricts[] = {"harbour", "old-town", "riverside",
                                      "hillside", "university"};

absl::StatusOr<uint64_t> NextNonce(
    const std::shared_ptr<grpc::Channel>& channel, const PublicKey& key) {
  auto stub = v1::Ledger::NewStub(channel);
  grpc::ClientContext context;
  v1::GetNextNonceRequest request;
  request.set_key(PublicKeyBytes(key));
  v1::GetNextNonceResponse response;
  UURO_RETURN_IF_ERROR(
      client::FromGrpc(stub->GetNextNonce(&context, request, &response)));
  return response.next_nonce();
}

std::string Sign(const SecretKey& key, v1::TxBody& body,
                 const std::string& origin, uint64_t nonce) {
  body.set_origin(origin);
  body.set_nonce(nonce);
  body.set_expires_at_ms(WallClockMs() + kExpiryMs);
  return std::string(AsString(fund::SignEnvelope(key, body)));
}

}  // namespace

absl::StatusOr<std::vector<uint64_t>> SubmitAll(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::string>& envelopes) {
  auto stub = v1::Ledger::NewStub(channel);
  std::vector<uint64_t> indexes;
  for (size_t start = 0; start < envelopes.size(); start += kBatch) {
    grpc::ClientContext context;
    v1::SubmitBatchRequest request;
    for (size_t i = start; i < std::min(envelopes.size(), start + kBatch);
         ++i) {
      request.add_envelopes(envelopes[i]);
    }
    v1::SubmitBatchResponse response;
    UURO_RETURN_IF_ERROR(
        client::FromGrpc(stub->SubmitBatch(&context, request, &response)));
    for (const auto& result : response.results()) {
      if (result.code() != 0) {
        return absl::Status(static_cast<absl::StatusCode>(result.code()),
                            result.message());
      }
      indexes.push_back(result.receipt().index());
    }
  }
  return indexes;
}

absl::StatusOr<std::unique_ptr<BenchFund>> BenchFund::Create(
    std::shared_ptr<grpc::Channel> channel, std::vector<SecretKey> stewards,
    const FundSpec& spec) {
  if (stewards.empty() || spec.initiatives == 0 ||
      spec.residents < spec.initiatives) {
    return absl::InvalidArgumentError(
        "a bench fund needs a steward and at least as many residents as "
        "initiatives");
  }
  client::LedgerClient client(channel);
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, client.Fund());
  const std::string origin = fund.origin();

  std::vector<Resident> residents(spec.residents);

  // Districts are defined on the log before anyone is enrolled in them.
  {
    UURO_ASSIGN_OR_RETURN(uint64_t nonce,
                          NextNonce(channel, stewards[0].public_key()));
    v1::TxBody body;
    for (const char* d : kDistricts) {
      body.mutable_define_districts()->add_names(d);
    }
    UURO_RETURN_IF_ERROR(
        SubmitAll(channel, {Sign(stewards[0], body, origin, nonce)}).status());
  }

  // Each steward enrolls every n-th resident, in nonce order on its thread.
  std::vector<absl::Status> failures(stewards.size());
  std::vector<std::thread> threads;
  for (size_t s = 0; s < stewards.size(); ++s) {
    threads.emplace_back([&, s] {
      failures[s] = [&]() -> absl::Status {
        UURO_ASSIGN_OR_RETURN(uint64_t nonce,
                              NextNonce(channel, stewards[s].public_key()));
        std::vector<std::string> batch;
        for (size_t i = s; i < residents.size(); i += stewards.size()) {
          v1::TxBody body;
          body.mutable_enroll_resident()->set_key(
              PublicKeyBytes(residents[i].key.public_key()));
          body.mutable_enroll_resident()->set_district(kDistricts[i % 5]);
          batch.push_back(Sign(stewards[s], body, origin, nonce++));
          if (batch.size() == kBatch) {
            UURO_RETURN_IF_ERROR(SubmitAll(channel, batch).status());
            batch.clear();
          }
        }
        return SubmitAll(channel, batch).status();
      }();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) UURO_RETURN_IF_ERROR(f);

  std::vector<std::string> proposals;
  for (size_t i = 0; i < spec.initiatives; ++i) {
    v1::TxBody body;
    auto* p = body.mutable_propose_initiative();
    p->set_title(absl::StrCat("Bench initiative ", i + 1));
    p->set_summary("An initiative of the load benchmark.");
    p->set_district(kDistricts[i % 5]);
    // Far above what the load awards: rounds refuse more than was asked.
    p->set_amount_asked(1'000'000'000'000);
    proposals.push_back(Sign(residents[i].key, body, origin, 0));
    residents[i].next_nonce = 1;
  }
  UURO_ASSIGN_OR_RETURN(std::vector<uint64_t> initiatives,
                        SubmitAll(channel, proposals));

  v1::TxBody open;
  auto* rules = open.mutable_open_round();
  rules->set_allowance(1000000000);
  rules->set_credit_value_cents(1);
  rules->set_opens_at_ms(WallClockMs() - 1000);
  rules->set_closes_at_ms(WallClockMs() + 7ull * 24 * 3600 * 1000);
  rules->set_max_share_percent(100);
  // The load awards to initiatives at random, the owners' own among them.
  rules->set_owner_may_award_own(true);
  rules->set_trust_threshold(100);
  UURO_ASSIGN_OR_RETURN(uint64_t nonce,
                        NextNonce(channel, stewards[0].public_key()));
  UURO_ASSIGN_OR_RETURN(
      std::vector<uint64_t> round,
      SubmitAll(channel, {Sign(stewards[0], open, origin, nonce)}));
  return std::unique_ptr<BenchFund>(new BenchFund(
      origin, round.at(0), std::move(initiatives), std::move(residents)));
}

BenchFund::BenchFund(std::string origin, uint64_t round,
                     std::vector<uint64_t> initiatives,
                     std::vector<Resident> residents)
    : origin_(std::move(origin)),
      round_(round),
      initiatives_(std::move(initiatives)),
      residents_(std::move(residents)) {}

SignedAward BenchFund::SignAward(uint32_t r) {
  Resident& resident = residents_[r];
  v1::TxBody body;
  auto* award = body.mutable_award();
  award->set_round_id(round_);
  // Residents start at different initiatives so that all of them get awards.
  award->set_initiative_id(
      initiatives_[(r * 7 + resident.awards++) % initiatives_.size()]);
  award->set_amount(1);
  const uint64_t nonce = resident.next_nonce++;
  return {r, nonce, Sign(resident.key, body, origin_, nonce)};
}

void BenchFund::Rewind(uint32_t r, uint64_t nonce) {
  if (nonce < residents_[r].next_nonce) residents_[r].next_nonce = nonce;
}

}  // namespace uuro::bench
