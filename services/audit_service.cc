#include "services/audit_service.h"

#include "ledger/fund/totals.h"
#include "services/grpc_status.h"

namespace uuro::server {

grpc::Status AuditService::GetRoundTotals(
    grpc::ServerContext*, const v1::GetRoundTotalsRequest* request,
    v1::RoundTotals* response) {
  auto totals = fund::ReadRoundTotals(node_.state(), request->round_id());
  if (!totals.ok()) return ToGrpcStatus(totals.status());
  *response = std::move(*totals);
  return grpc::Status::OK;
}

grpc::Status AuditService::GetFundTotals(grpc::ServerContext*,
                                         const v1::GetFundTotalsRequest*,
                                         v1::FundTotals* response) {
  auto totals = fund::ReadFundTotals(node_.state());
  if (!totals.ok()) return ToGrpcStatus(totals.status());
  *response = std::move(*totals);
  return grpc::Status::OK;
}

}  // namespace uuro::server
