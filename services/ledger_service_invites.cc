// Invites in the Ledger service: totals per district, and the per-address
// limit on failed claims.
#include <grpcpp/grpcpp.h>

#include "ledger/fund/state_keys.h"
#include "ledger/fund/state_view.h"
#include "services/client_address.h"
#include "services/grpc_status.h"
#include "services/ledger_service.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::server {
namespace {

// Whether the envelope's body claims an invite. Malformed envelopes are not
// claims here; the node refuses them on its own.
bool IsClaim(std::string_view envelope_bytes) {
  v1::Envelope envelope;
  v1::TxBody body;
  return envelope.ParseFromArray(envelope_bytes.data(),
                                 static_cast<int>(envelope_bytes.size())) &&
         body.ParseFromString(envelope.body()) && body.has_claim_invite();
}

}  // namespace

bool LedgerService::AdmitClaim(const grpc::ServerContext& context,
                               std::string_view envelope, std::string& client) {
  client.clear();
  if (!IsClaim(envelope)) return true;
  client = ClientAddressOf(context);
  return claims_.Allow(client);
}

grpc::Status LedgerService::GetInvites(grpc::ServerContext*,
                                       const v1::GetInvitesRequest* request,
                                       v1::GetInvitesResponse* response) {
  const uint64_t now_ms = clock_ ? clock_->NowMs() : WallClockMs();
  auto records = node_.state().Scan(fund::keys::DistrictInvitesPrefix());
  if (!records.ok()) return ToGrpcStatus(records.status());
  for (const auto& [key, value] : *records) {
    v1::DistrictInvitesRecord record;
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return ToGrpcStatus(absl::DataLossError("an invites record is corrupt"));
    }
    if (!request->district().empty() &&
        record.district() != request->district()) {
      continue;
    }
    v1::DistrictInvites* d = response->add_districts();
    d->set_district(record.district());
    for (const v1::InviteBatch& batch : record.batches()) {
      d->set_issued(d->issued() + batch.issued());
      d->set_claimed(d->claimed() + batch.claimed());
      if (batch.expires_at_ms() <= now_ms) {
        d->set_expired(d->expired() + batch.issued() - batch.claimed());
      }
    }
  }
  response->set_as_of_ms(now_ms);
  return grpc::Status::OK;
}

}  // namespace uuro::server
