#include "clients/ledger_client.h"

#include <chrono>

#include "ledger/fund/transaction.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"

namespace uuro::client {
namespace {

constexpr uint64_t kExpiryMs = 10 * 60 * 1000;

}  // namespace

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

LedgerClient::LedgerClient(std::shared_ptr<grpc::Channel> channel)
    : ledger_(v1::Ledger::NewStub(channel)),
      transparency_(v1::Transparency::NewStub(channel)),
      audit_(v1::Audit::NewStub(channel)) {}

absl::StatusOr<v1::FundRecord> LedgerClient::Fund() {
  grpc::ClientContext context;
  v1::FundRecord fund;
  UURO_RETURN_IF_ERROR(
      FromGrpc(ledger_->GetFund(&context, v1::GetFundRequest(), &fund)));
  absl::MutexLock lock(&mu_);
  origin_ = fund.origin();
  return fund;
}

absl::StatusOr<uint64_t> LedgerClient::NextNonce(const PublicKey& key) {
  {
    absl::MutexLock lock(&mu_);
    if (auto it = next_nonce_.find(key); it != next_nonce_.end()) {
      return it->second++;
    }
  }
  grpc::ClientContext context;
  v1::GetNextNonceRequest request;
  request.set_key(PublicKeyBytes(key));
  v1::GetNextNonceResponse response;
  UURO_RETURN_IF_ERROR(
      FromGrpc(ledger_->GetNextNonce(&context, request, &response)));
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = next_nonce_.try_emplace(key, response.next_nonce());
  return it->second++;
}

absl::StatusOr<Bytes> LedgerClient::Sign(const SecretKey& signer,
                                         v1::TxBody body) {
  if (body.origin().empty()) {
    std::optional<std::string> origin;
    {
      absl::MutexLock lock(&mu_);
      origin = origin_;
    }
    if (!origin) {
      UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, Fund());
      origin = fund.origin();
    }
    body.set_origin(*origin);
  }
  if (body.nonce() == 0) {
    UURO_ASSIGN_OR_RETURN(uint64_t nonce, NextNonce(signer.public_key()));
    body.set_nonce(nonce);
  }
  if (body.expires_at_ms() == 0)
    body.set_expires_at_ms(WallClockMs() + kExpiryMs);
  return fund::SignEnvelope(signer, body);
}

absl::StatusOr<v1::Receipt> LedgerClient::Submit(const SecretKey& signer,
                                                 v1::TxBody body) {
  UURO_ASSIGN_OR_RETURN(Bytes envelope, Sign(signer, std::move(body)));
  auto receipt = SubmitEnvelope(envelope);
  if (!receipt.ok()) {
    // A refused transaction did not use its nonce, and after a transport
    // error nobody knows: ask the server again next time.
    absl::MutexLock lock(&mu_);
    next_nonce_.erase(signer.public_key());
  }
  return receipt;
}

absl::StatusOr<v1::Receipt> LedgerClient::SubmitEnvelope(
    const Bytes& envelope) {
  grpc::ClientContext context;
  v1::SubmitRequest request;
  request.set_envelope(std::string(AsString(envelope)));
  v1::Receipt receipt;
  UURO_RETURN_IF_ERROR(FromGrpc(ledger_->Submit(&context, request, &receipt)));
  return receipt;
}

absl::StatusOr<v1::CheckpointResponse> LedgerClient::Checkpoint(bool cosigned) {
  grpc::ClientContext context;
  v1::GetCheckpointRequest request;
  request.set_cosigned(cosigned);
  v1::CheckpointResponse response;
  UURO_RETURN_IF_ERROR(
      FromGrpc(transparency_->GetCheckpoint(&context, request, &response)));
  return response;
}

}  // namespace uuro::client
