// uuro.v1.Ledger over a LedgerView (the primary, or a read follower).
#ifndef SERVICES_LEDGER_SERVICE_H_
#define SERVICES_LEDGER_SERVICE_H_

#include <string>
#include <string_view>

#include "ledger/tlog/wall_clock.h"
#include "services/ledger_view.h"
#include "services/rate_limiter.h"
#include "uuro/v1/ledger.grpc.pb.h"

namespace uuro::server {

// Failed invite claims a client address may make: a burst, then a slow
// refill. Codes carry 145 bits, so this is not what keeps them secret; it
// keeps a guessing flood from costing the sequencer anything.
struct ClaimLimits {
  double per_second = 0.1;  // 0 disables the limit.
  double burst = 20;
};

// Submit uses gRPC's callback API: a call waiting for its commit holds no
// thread, and the sequencer answers it directly once the commit is durable.
// Every other method is synchronous.
class LedgerService final
    : public v1::Ledger::WithCallbackMethod_Submit<v1::Ledger::Service> {
 public:
  // Reads from `view`; Submit and SubmitBatch go to `writer`. Both must
  // outlive the service.
  // `clock` (null: the system's) tells which invites have expired.
  LedgerService(const LedgerView& view, LedgerWriter& writer,
                ClaimLimits claims = {}, const WallClock* clock = nullptr)
      : node_(view),
        writer_(writer),
        claims_(claims.per_second, claims.burst),
        clock_(clock) {}

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
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
  grpc::Status GetInvites(grpc::ServerContext*,
                          const v1::GetInvitesRequest* request,
                          v1::GetInvitesResponse* response) override;
  grpc::Status ListProposals(grpc::ServerContext*,
                             const v1::ListProposalsRequest* request,
                             v1::ListProposalsResponse* response) override;
  grpc::Status ListTransfers(grpc::ServerContext*,
                             const v1::ListTransfersRequest* request,
                             v1::ListTransfersResponse* response) override;
  grpc::Status ListRounds(grpc::ServerContext*,
                          const v1::ListRoundsRequest* request,
                          v1::ListRoundsResponse* response) override;

 private:
  // Spends a claim token of the caller's address if `envelope` claims an
  // invite; false when the address has none left. Sets `client` to the
  // address whenever the envelope is a claim, and clears it otherwise.
  bool AdmitClaim(const grpc::ServerContextBase& context,
                  std::string_view envelope, std::string& client);

  const LedgerView& node_;
  LedgerWriter& writer_;
  RateLimiter claims_;  // By client address; only failed claims keep a token.
  const WallClock* const clock_;  // Not owned; may be null.
};

}  // namespace uuro::server

#endif  // SERVICES_LEDGER_SERVICE_H_
