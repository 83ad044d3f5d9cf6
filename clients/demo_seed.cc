// uuro-demo-seed: fills a new ledger with a demo fund through a running
// uurod, as a fund office would: residents in five districts, initiatives, an
// open round and a few hundred awards. Keys go into the demo folder so that a
// new user can act as any of them.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/ledger_client.h"
#include "ledger/fund/invite_code.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::client {
namespace {

constexpr const char* kDistricts[] = {"harbour", "old-town", "riverside",
                                      "hillside", "university"};
constexpr const char* kTitles[] = {
    "Repair café in the library",    "Harbour sauna for everyone",
    "Bike racks at the school",      "Community tool library",
    "Night buses on weekends",       "Pollinator meadow by the river",
    "Free chess tables in the park", "Youth music studio",
    "Snow-clearing volunteer app",   "Benches along the river walk",
    "Seed swap at the market hall",  "Open-air cinema in August"};

// uurod limits how fast one key may submit (--rate-limit, --rate-burst); the
// steward's bulk work waits and tries again, as a well-behaved client does.
constexpr int kMaxWaits = 60;
constexpr auto kWait = std::chrono::milliseconds(500);

// Submits signed envelopes in SubmitBatch calls of 500; all must be
// accepted. Envelopes refused because their key went over the rate limit
// are sent again, in order, after a pause (with the ones after them, whose
// nonces then come too early).
absl::Status SubmitAll(LedgerClient& client,
                       const std::vector<Bytes>& envelopes,
                       std::vector<uint64_t>* indexes = nullptr) {
  for (size_t start = 0; start < envelopes.size(); start += 500) {
    std::vector<const Bytes*> pending;
    for (size_t i = start; i < std::min(envelopes.size(), start + 500); ++i) {
      pending.push_back(&envelopes[i]);
    }
    std::vector<std::pair<const Bytes*, uint64_t>> accepted;
    for (int attempt = 0; !pending.empty(); ++attempt) {
      grpc::ClientContext context;
      v1::SubmitBatchRequest request;
      for (const Bytes* e : pending)
        request.add_envelopes(std::string(AsString(*e)));
      v1::SubmitBatchResponse response;
      UURO_RETURN_IF_ERROR(
          FromGrpc(client.ledger().SubmitBatch(&context, request, &response)));
      std::vector<const Bytes*> refused;
      absl::Status first_refusal = absl::OkStatus();
      bool limited = false;
      for (int i = 0; i < response.results_size(); ++i) {
        const auto& result = response.results(i);
        if (result.code() == 0) {
          accepted.emplace_back(pending[static_cast<size_t>(i)],
                                result.receipt().index());
          continue;
        }
        refused.push_back(pending[static_cast<size_t>(i)]);
        auto code = static_cast<absl::StatusCode>(result.code());
        limited |= code == absl::StatusCode::kResourceExhausted;
        if (first_refusal.ok())
          first_refusal = absl::Status(code, result.message());
      }
      if (!refused.empty() && (!limited || attempt == kMaxWaits)) {
        return first_refusal;
      }
      if (!refused.empty()) std::this_thread::sleep_for(kWait);
      pending = std::move(refused);
    }
    if (indexes) {
      std::sort(
          accepted.begin(), accepted.end(),
          [](const auto& a, const auto& b) { return a.second < b.second; });
      for (const auto& [envelope, index] : accepted) indexes->push_back(index);
    }
  }
  return absl::OkStatus();
}

// One transaction by `signer`, waiting out the rate limit like SubmitAll.
absl::StatusOr<v1::Receipt> SubmitOne(LedgerClient& client,
                                      const SecretKey& signer,
                                      const v1::TxBody& body) {
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<v1::Receipt> receipt = client.Submit(signer, body);
    if (receipt.ok() || !absl::IsResourceExhausted(receipt.status()) ||
        attempt == kMaxWaits) {
      return receipt;
    }
    std::this_thread::sleep_for(kWait);
  }
}

// Invites for a new user to try joining with: their codes go to
// invites.txt (mode 0600, as letters would), grouped as printed.
absl::Status IssueDemoInvites(LedgerClient& client, const SecretKey& steward,
                              const std::string& demo) {
  constexpr int kInvites = 5;
  v1::TxBody body;
  v1::IssueInvites* issue = body.mutable_issue_invites();
  issue->set_district(kDistricts[0]);
  issue->set_expires_at_ms(WallClockMs() + 90ull * 24 * 3600 * 1000);
  std::string text;
  for (int i = 0; i < kInvites; ++i) {
    std::string code = fund::NewInviteCode();
    Hash hash = fund::InviteCodeHash(code);
    issue->add_code_hashes(std::string(AsString(hash)));
    absl::StrAppend(&text, fund::GroupInviteCode(code), "\n");
  }
  UURO_RETURN_IF_ERROR(SubmitOne(client, steward, body).status());
  UURO_RETURN_IF_ERROR(WriteFileAtomically(demo + "/invites.txt", text));
  std::printf("issued %d invites for %s\n", kInvites, kDistricts[0]);
  return absl::OkStatus();
}

absl::Status Seed(const std::string& server, const std::string& demo,
                  int residents, int awards) {
  LedgerClient client(
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials()));
  UURO_ASSIGN_OR_RETURN(SecretKey steward,
                        LoadSecretKey(demo + "/steward.key"));
  std::filesystem::create_directories(demo + "/residents");
  std::mt19937_64 rng(2027);

  // Districts are defined on the log before anyone is enrolled in them;
  // genesis may have defined some already.
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, client.Fund());
  v1::TxBody districts;
  for (const char* d : kDistricts) {
    const auto& defined = fund.defined_districts();
    if (std::find(defined.begin(), defined.end(), d) == defined.end()) {
      districts.mutable_define_districts()->add_names(d);
    }
  }
  if (districts.has_define_districts()) {
    UURO_RETURN_IF_ERROR(SubmitOne(client, steward, districts).status());
  }

  std::vector<SecretKey> keys;
  std::vector<Bytes> enrollments;
  for (int i = 0; i < residents; ++i) {
    std::string path =
        absl::StrFormat("%s/residents/resident-%03d.key", demo, i + 1);
    keys.push_back(SecretKey::Generate());
    UURO_RETURN_IF_ERROR(SaveSecretKey(keys.back(), path));
    v1::TxBody body;
    body.mutable_enroll_resident()->set_key(
        PublicKeyBytes(keys.back().public_key()));
    body.mutable_enroll_resident()->set_district(kDistricts[i % 5]);
    UURO_ASSIGN_OR_RETURN(Bytes envelope, client.Sign(steward, body));
    enrollments.push_back(std::move(envelope));
  }
  UURO_RETURN_IF_ERROR(SubmitAll(client, enrollments));
  std::printf("enrolled %d residents in 5 districts\n", residents);

  std::vector<Bytes> proposals;
  for (int i = 0; i < 12; ++i) {
    v1::TxBody body;
    auto* p = body.mutable_propose_initiative();
    p->set_title(kTitles[i]);
    p->set_summary("A demo initiative of the Uuro demo fund.");
    p->set_district(kDistricts[i % 5]);
    p->set_amount_asked(200 + 50 * static_cast<uint64_t>(i));
    UURO_ASSIGN_OR_RETURN(
        Bytes envelope,
        client.Sign(keys[static_cast<size_t>(i) * 7 % keys.size()], body));
    proposals.push_back(std::move(envelope));
  }
  std::vector<uint64_t> initiatives;
  UURO_RETURN_IF_ERROR(SubmitAll(client, proposals, &initiatives));
  std::printf("proposed 12 initiatives\n");
  {
    // For the hints scripts/run prints: initiative ids, one a line.
    std::FILE* out = std::fopen((demo + "/initiatives.txt").c_str(), "w");
    if (out == nullptr)
      return absl::PermissionDeniedError("cannot write initiatives.txt");
    for (uint64_t id : initiatives) {
      std::fprintf(out, "%llu\n", static_cast<unsigned long long>(id));
    }
    std::fclose(out);
  }

  v1::TxBody open;
  auto* rules = open.mutable_open_round();
  rules->set_allowance(100);
  rules->set_credit_value_cents(50);
  rules->set_opens_at_ms(WallClockMs());
  rules->set_closes_at_ms(WallClockMs() + 30ull * 24 * 3600 * 1000);
  rules->set_max_share_percent(40);
  rules->set_trust_threshold(20);
  UURO_ASSIGN_OR_RETURN(v1::Receipt round, SubmitOne(client, steward, open));
  std::printf("opened round %llu: 100 credits per resident for 30 days\n",
              static_cast<unsigned long long>(round.index()));

  // At most two awards of at most 10 per resident, never to the resident's
  // own initiative nor beyond what an initiative asked: within every rule.
  std::vector<Bytes> gifts;
  std::vector<uint64_t> received(initiatives.size(), 0);
  for (int i = 0; i < awards; ++i) {
    const size_t awarder = static_cast<size_t>(i) % keys.size();
    const uint64_t amount = 1 + rng() % 10;
    auto fits = [&](size_t pick) {
      const bool own = pick * 7 % keys.size() == awarder;
      return !own && received[pick] + amount <= 200;
    };
    size_t pick = rng() % initiatives.size();
    for (size_t tries = 1; tries < initiatives.size() && !fits(pick); ++tries) {
      pick = (pick + 1) % initiatives.size();
    }
    if (!fits(pick)) continue;
    received[pick] += amount;
    v1::TxBody body;
    body.mutable_award()->set_round_id(round.index());
    body.mutable_award()->set_initiative_id(initiatives[pick]);
    body.mutable_award()->set_amount(amount);
    UURO_ASSIGN_OR_RETURN(Bytes envelope, client.Sign(keys[awarder], body));
    gifts.push_back(std::move(envelope));
  }
  UURO_RETURN_IF_ERROR(SubmitAll(client, gifts));
  std::printf("recorded %zu awards\n", gifts.size());
  return IssueDemoInvites(client, steward, demo);
}

}  // namespace
}  // namespace uuro::client

int main(int argc, char** argv) {
  CLI::App app{
      "Fills a new Uuro ledger with a demo fund through a running uurod."};
  std::string server = "127.0.0.1:50051";
  std::string demo;
  int residents = 200, awards = 300;
  app.add_option("--server", server, "uurod address")->capture_default_str();
  app.add_option("--demo", demo,
                 "folder holding steward.key; resident keys go here")
      ->required();
  app.add_option("--residents", residents, "residents to enroll")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--awards", awards,
                 "awards to make (at most two per resident)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  awards = std::min(awards, 2 * residents);
  absl::Status status = uuro::client::Seed(server, demo, residents, awards);
  if (!status.ok()) {
    std::fprintf(stderr, "uuro-demo-seed: %s\n",
                 std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
