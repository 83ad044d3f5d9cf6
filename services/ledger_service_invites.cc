// Invites in the Ledger service: totals per district, and the per-address
// limit on failed claims.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/grpcpp.h>

#include "ledger/fund/state_keys.h"
#include "ledger/fund/state_view.h"
#include "services/client_address.h"
#include "services/grpc_status.h"
#include "services/ledger_service.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::server {
namespace {

// Whether `message` (protobuf wire format) holds field `number` at its top
// level. False for bytes that do not decode.
bool HasField(std::string_view message, int number) {
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(message.data()),
      static_cast<int>(message.size()));
  while (uint32_t tag = in.ReadTag()) {
    if (google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag) ==
        number) {
      return true;
    }
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return false;
}

// Whether the envelope's body claims an invite. Malformed envelopes are not
// claims here; the node refuses them on its own. Most submissions are
// awards: a walk over the body's fields, without parsing it, tells them
// apart.
bool IsClaim(std::string_view envelope_bytes) {
  constexpr int kBody = v1::Envelope::kBodyFieldNumber;
  constexpr int kClaim = v1::TxBody::kClaimInviteFieldNumber;
  bool may_claim = false;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(envelope_bytes.data()),
      static_cast<int>(envelope_bytes.size()));
  while (uint32_t tag = in.ReadTag()) {
    using google::protobuf::internal::WireFormatLite;
    if (tag == WireFormatLite::MakeTag(
                   kBody, WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) {
      uint32_t length = 0;
      const void* data = nullptr;
      int available = 0;
      if (!in.ReadVarint32(&length) ||
          !in.GetDirectBufferPointer(&data, &available) ||
          static_cast<uint32_t>(available) < length) {
        return false;
      }
      may_claim |= HasField(
          std::string_view(static_cast<const char*>(data), length), kClaim);
      in.Skip(static_cast<int>(length));
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  if (!may_claim) return false;
  v1::Envelope envelope;
  v1::TxBody body;
  return envelope.ParseFromArray(envelope_bytes.data(),
                                 static_cast<int>(envelope_bytes.size())) &&
         body.ParseFromString(envelope.body()) && body.has_claim_invite();
}

}  // namespace

bool LedgerService::AdmitClaim(const grpc::ServerContextBase& context,
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
