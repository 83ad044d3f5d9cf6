// uuro.v1.Audit over a LedgerView (the primary, or a read follower).
#ifndef SERVICES_AUDIT_SERVICE_H_
#define SERVICES_AUDIT_SERVICE_H_

#include "services/ledger_view.h"
#include "uuro/v1/audit.grpc.pb.h"

namespace uuro::server {

class AuditService final : public v1::Audit::Service {
 public:
  explicit AuditService(const LedgerView& view) : node_(view) {}

  grpc::Status GetRoundTotals(grpc::ServerContext*,
                              const v1::GetRoundTotalsRequest* request,
                              v1::RoundTotals* response) override;
  grpc::Status GetFundTotals(grpc::ServerContext*,
                             const v1::GetFundTotalsRequest*,
                             v1::FundTotals* response) override;
  grpc::Status ExportRound(grpc::ServerContext*,
                           const v1::ExportRoundRequest* request,
                           v1::RoundExport* response) override;

 private:
  const LedgerView& node_;
};

}  // namespace uuro::server

#endif  // SERVICES_AUDIT_SERVICE_H_
