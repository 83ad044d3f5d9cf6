// The Ledger's lists of rounds, redemption requests, governance proposals and
// transfers: when credits were given out, where money left the fund, who
// changed the office keys, and where credits circulated, for the fund office
// and for anyone checking.
#include "ledger/fund/state_keys.h"
#include "services/grpc_status.h"
#include "services/ledger_service.h"
#include "services/record_pages.h"

namespace uuro::server {
namespace {

namespace keys = fund::keys;

bool Matches(const v1::ListRedemptionsRequest& request,
             const v1::RedemptionRecord& r) {
  if (request.status() != v1::REDEMPTION_STATUS_UNSPECIFIED &&
      r.status() != request.status()) {
    return false;
  }
  if (request.initiative_id() != 0 &&
      r.initiative_id() != request.initiative_id()) {
    return false;
  }
  if (request.round_id() == 0) return true;
  for (const v1::RedemptionDraw& d : r.draws()) {
    if (d.round_id() == request.round_id()) return true;
  }
  return false;
}

}  // namespace

grpc::Status LedgerService::ListRedemptions(
    grpc::ServerContext*, const v1::ListRedemptionsRequest* request,
    v1::ListRedemptionsResponse* response) {
  return ToGrpcStatus(ReadRecordPage<v1::RedemptionRecord>(
      node_.store(), keys::RedemptionPrefix(), keys::Redemption,
      request->page_token(), request->page_size(),
      [&](const v1::RedemptionRecord& r) { return Matches(*request, r); },
      response->mutable_redemptions(), response->mutable_next_page_token(),
      "a redemption"));
}

grpc::Status LedgerService::ListProposals(
    grpc::ServerContext*, const v1::ListProposalsRequest* request,
    v1::ListProposalsResponse* response) {
  return ToGrpcStatus(ReadRecordPage<v1::ProposalRecord>(
      node_.store(), keys::ProposalPrefix(), keys::Proposal,
      request->page_token(), request->page_size(),
      [&](const v1::ProposalRecord& p) {
        return !request->pending_only() || p.status() == v1::PROPOSAL_PENDING;
      },
      response->mutable_proposals(), response->mutable_next_page_token(),
      "a proposal"));
}

grpc::Status LedgerService::ListTransfers(
    grpc::ServerContext*, const v1::ListTransfersRequest* request,
    v1::ListTransfersResponse* response) {
  const uint64_t id = request->initiative_id();
  return ToGrpcStatus(ReadRecordPage<v1::TransferRecord>(
      node_.store(), keys::TransferPrefix(), keys::Transfer,
      request->page_token(), request->page_size(),
      [&](const v1::TransferRecord& t) {
        return id == 0 || t.from_initiative_id() == id ||
               t.to_initiative_id() == id;
      },
      response->mutable_transfers(), response->mutable_next_page_token(),
      "a transfer"));
}

grpc::Status LedgerService::ListRounds(grpc::ServerContext*,
                                       const v1::ListRoundsRequest* request,
                                       v1::ListRoundsResponse* response) {
  return ToGrpcStatus(ReadRecordPage<v1::RoundRecord>(
      node_.store(), keys::RoundPrefix(), keys::Round, request->page_token(),
      request->page_size(), [](const v1::RoundRecord&) { return true; },
      response->mutable_rounds(), response->mutable_next_page_token(),
      "a round"));
}

}  // namespace uuro::server
