#include "tests/testing/uurod_helpers.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::testing {

std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

v1::TxBody EnrollBody(const PublicKey& key, const std::string& district) {
  v1::TxBody body;
  body.mutable_enroll_resident()->set_key(PublicKeyBytes(key));
  body.mutable_enroll_resident()->set_district(district);
  return body;
}

v1::TxBody OpenRoundBody(uint64_t allowance, uint32_t max_share_percent,
                         uint64_t opens_at_ms, uint64_t closes_at_ms) {
  v1::TxBody body;
  v1::OpenRound* open = body.mutable_open_round();
  open->set_allowance(allowance);
  open->set_credit_value_cents(50);
  open->set_opens_at_ms(opens_at_ms);
  open->set_closes_at_ms(closes_at_ms);
  open->set_max_share_percent(max_share_percent);
  open->set_trust_threshold(10);
  return body;
}

v1::TxBody ProposeBody(const std::string& title, const std::string& district) {
  v1::TxBody body;
  body.mutable_propose_initiative()->set_title(title);
  body.mutable_propose_initiative()->set_district(district);
  // Far above what any test awards: rounds refuse more than was asked.
  body.mutable_propose_initiative()->set_amount_asked(1'000'000'000'000);
  return body;
}

v1::TxBody AwardBody(uint64_t round_id, uint64_t initiative_id,
                     uint64_t amount) {
  v1::TxBody body;
  body.mutable_award()->set_round_id(round_id);
  body.mutable_award()->set_initiative_id(initiative_id);
  body.mutable_award()->set_amount(amount);
  return body;
}

Bytes SignTx(const SecretKey& key, const std::string& origin, uint64_t nonce,
             uint64_t expires_at_ms, v1::TxBody body) {
  body.set_origin(origin);
  body.set_nonce(nonce);
  body.set_expires_at_ms(expires_at_ms);
  return fund::SignEnvelope(key, body);
}

absl::Status EnrollMany(client::LedgerClient& client, const SecretKey& steward,
                        uint64_t n) {
  while (n > 0) {
    uint64_t count = std::min<uint64_t>(1000, n);
    v1::SubmitBatchRequest request;
    for (uint64_t i = 0; i < count; ++i) {
      SecretKey key = SecretKey::Generate();
      auto envelope =
          client.Sign(steward, EnrollBody(key.public_key(), "harbour"));
      if (!envelope.ok()) return envelope.status();
      request.add_envelopes(std::string(AsString(*envelope)));
    }
    grpc::ClientContext context;
    v1::SubmitBatchResponse response;
    absl::Status sent = client::FromGrpc(
        client.ledger().SubmitBatch(&context, request, &response));
    if (!sent.ok()) return sent;
    if (response.results_size() != static_cast<int>(count)) {
      return absl::InternalError("SubmitBatch answered for another count");
    }
    for (const v1::SubmitResult& r : response.results()) {
      if (r.code() != 0) return absl::InternalError(r.message());
    }
    n -= count;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ServerNextNonce(client::LedgerClient& client,
                                         const PublicKey& key) {
  grpc::ClientContext context;
  v1::GetNextNonceRequest request;
  request.set_key(PublicKeyBytes(key));
  v1::GetNextNonceResponse response;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      client.ledger().GetNextNonce(&context, request, &response)));
  return response.next_nonce();
}

absl::StatusOr<OpenFund> SetUpOpenRound(
    client::LedgerClient& client, const SecretKey& steward,
    const std::vector<const SecretKey*>& residents, const SecretKey& owner,
    const RoundSetup& setup) {
  std::vector<const SecretKey*> everyone = residents;
  everyone.push_back(&owner);
  for (const SecretKey* key : everyone) {
    UURO_RETURN_IF_ERROR(
        client.Submit(steward, EnrollBody(key->public_key(), "harbour"))
            .status());
  }
  const uint64_t now = WallClockMs();
  // A day: no test runs into the closing time.
  UURO_ASSIGN_OR_RETURN(
      v1::Receipt round,
      client.Submit(steward,
                    OpenRoundBody(setup.allowance, setup.max_share_percent,
                                  now - 1000, now + 24 * 3600 * 1000)));
  OpenFund fund;
  fund.round_id = round.index();
  for (int i = 0; i < setup.initiatives; ++i) {
    UURO_ASSIGN_OR_RETURN(
        v1::Receipt proposed,
        client.Submit(owner,
                      ProposeBody(absl::StrCat("Initiative ", i), "harbour")));
    fund.initiative_ids.push_back(proposed.index());
  }
  return fund;
}

std::vector<Hash> ToHashes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::vector<Hash> out;
  for (const std::string& h : hashes) {
    Hash hash{};
    std::copy_n(h.begin(), std::min(h.size(), hash.size()), hash.begin());
    out.push_back(hash);
  }
  return out;
}

absl::Status CheckConsistency(client::LedgerClient& client,
                              const Checkpoint& older,
                              const Checkpoint& newer) {
  grpc::ClientContext context;
  v1::GetConsistencyProofRequest request;
  request.set_old_size(older.size);
  request.set_new_size(newer.size);
  v1::ProofResponse proof;
  UURO_RETURN_IF_ERROR(client::FromGrpc(
      client.transparency().GetConsistencyProof(&context, request, &proof)));
  for (const std::string& h : proof.hashes()) {
    if (h.size() != kHashSize) {
      return absl::InvalidArgumentError("a proof hash is not 32 bytes");
    }
  }
  return VerifyConsistency(older.size, newer.size, ToHashes(proof.hashes()),
                           older.root, newer.root);
}

absl::StatusOr<LedgerSnapshot> SnapshotLedger(const std::string& db_dir) {
  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> store,
                        OpenRocksLogStore(db_dir));
  LedgerSnapshot snapshot;
  snapshot.size = store->size();
  snapshot.root = store->root();
  snapshot.checkpoint = store->checkpoint();
  UURO_ASSIGN_OR_RETURN(snapshot.state_digest, fund::StateDigest(*store));
  return snapshot;
}

absl::StatusOr<Hash> DigestOfReplay(const std::string& prefix_db,
                                    const std::string& db) {
  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> source,
                        OpenRocksLogStore(db));
  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> target,
                        OpenRocksLogStore(prefix_db));
  UURO_RETURN_IF_ERROR(fund::ReplayLog(*source, *target));
  if (target->root() != source->root()) {
    return absl::DataLossError(
        "the replayed log does not have the served log's root");
  }
  return fund::StateDigest(*target);
}

}  // namespace uuro::testing
