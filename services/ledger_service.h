// uuro.v1.Ledger over a LedgerView (the primary, or a read follower).
#ifndef SERVICES_LEDGER_SERVICE_H_
#define SERVICES_LEDGER_SERVICE_H_

#include "services/ledger_view.h"
#include "uuro/v1/ledger.grpc.pb.h"

namespace uuro::server {

class LedgerService final : public v1::Ledger::Service {
 public:
  // Reads from `view`; Submit and SubmitBatch go to `writer`. Both must
  // outlive the service.
  LedgerService(const LedgerView& view, LedgerWriter& writer)
      : node_(view), writer_(writer) {}

  grpc::Status Submit(grpc::ServerContext*, const v1::SubmitRequest* request,
                      v1::Receipt* response) override;
  grpc::Status SubmitBatch(grpc::ServerContext*,
                           const v1::SubmitBatchRequest* request,
                           v1::SubmitBatchResponse* response) override;
  grpc::Status GetFund(grpc::ServerContext*, const v1::GetFundRequest*,
                       v1::FundRecord* response) override;
  grpc::Status GetResident(grpc::ServerContext*,
                           const v1::GetResidentRequest* request,
                           v1::ResidentView* response) override;
  grpc::Status GetInitiative(grpc::ServerContext*,
                             const v1::GetInitiativeRequest* request,
                             v1::InitiativeView* response) override;
  grpc::Status ListInitiatives(grpc::ServerContext*,
                               const v1::ListInitiativesRequest* request,
                               v1::ListInitiativesResponse* response) override;
  grpc::Status GetRound(grpc::ServerContext*,
                        const v1::GetRoundRequest* request,
                        v1::RoundRecord* response) override;
  grpc::Status GetRedemption(grpc::ServerContext*,
                             const v1::GetRedemptionRequest* request,
                             v1::RedemptionRecord* response) override;
  grpc::Status GetHistory(grpc::ServerContext*,
                          const v1::GetHistoryRequest* request,
                          v1::GetHistoryResponse* response) override;
  grpc::Status GetNextNonce(grpc::ServerContext*,
                            const v1::GetNextNonceRequest* request,
                            v1::GetNextNonceResponse* response) override;
  grpc::Status ListRedemptions(grpc::ServerContext*,
                               const v1::ListRedemptionsRequest* request,
                               v1::ListRedemptionsResponse* response) override;
  grpc::Status ListProposals(grpc::ServerContext*,
                             const v1::ListProposalsRequest* request,
                             v1::ListProposalsResponse* response) override;
  grpc::Status ListTransfers(grpc::ServerContext*,
                             const v1::ListTransfersRequest* request,
                             v1::ListTransfersResponse* response) override;

 private:
  const LedgerView& node_;
  LedgerWriter& writer_;
};

}  // namespace uuro::server

#endif  // SERVICES_LEDGER_SERVICE_H_
