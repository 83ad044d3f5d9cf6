#include "services/audit_service.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "ledger/fund/open_data.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/totals.h"
#include "services/grpc_status.h"

namespace uuro::server {
namespace {

constexpr int kConsistentReadAttempts = 50;

// Reads totals as of one tree size. The reads of `read` see the state at
// the moment each is made, and the sequencer may commit between two of
// them; but the state only moves forward and the fund record counts the
// entries it reflects. `read` takes its tree_size from the fund record
// first; if the record still shows that size once every other read is done,
// all of them saw the state of that one size, as a snapshot would have.
template <typename Totals>
grpc::Status ReadConsistently(
    const fund::StateReader& state,
    const std::function<absl::StatusOr<Totals>()>& read, Totals* response) {
  for (int attempt = 0; attempt < kConsistentReadAttempts; ++attempt) {
    absl::StatusOr<Totals> totals = read();
    if (!totals.ok()) return ToGrpcStatus(totals.status());
    absl::StatusOr<v1::FundRecord> fund = fund::ReadFund(state);
    if (!fund.ok()) return ToGrpcStatus(fund.status());
    if (fund->entries() != totals->tree_size()) continue;
    *response = *std::move(totals);
    return grpc::Status::OK;
  }
  return ToGrpcStatus(absl::UnavailableError(
      absl::StrCat("the log grew during each of ", kConsistentReadAttempts,
                   " attempts to read consistent totals; try again")));
}

}  // namespace

grpc::Status AuditService::GetRoundTotals(
    grpc::ServerContext*, const v1::GetRoundTotalsRequest* request,
    v1::RoundTotals* response) {
  return ReadConsistently<v1::RoundTotals>(
      node_.state(),
      [&] { return fund::ReadRoundTotals(node_.state(), request->round_id()); },
      response);
}

grpc::Status AuditService::GetFundTotals(grpc::ServerContext*,
                                         const v1::GetFundTotalsRequest*,
                                         v1::FundTotals* response) {
  return ReadConsistently<v1::FundTotals>(
      node_.state(), [&] { return fund::ReadFundTotals(node_.state()); },
      response);
}

grpc::Status AuditService::ExportRound(grpc::ServerContext*,
                                       const v1::ExportRoundRequest* request,
                                       v1::RoundExport* response) {
  // The state has no snapshot: an export is consistent when no entry was
  // committed while it was read, which the tree size before and after tells.
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const uint64_t size = node_.store().size();
    const Hash root = node_.store().root();
    auto exported = fund::BuildRoundExport(node_.state(), request->round_id());
    if (!exported.ok()) return ToGrpcStatus(exported.status());
    auto fund = fund::ReadFund(node_.state());
    if (!fund.ok()) return ToGrpcStatus(fund.status());
    if (fund->entries() != size || node_.store().size() != size) continue;
    v1::ExportCheckpoint* cp = exported->mutable_checkpoint();
    cp->set_origin(node_.origin());
    cp->set_tree_size(size);
    cp->set_root(std::string(AsString(root)));
    *response = *std::move(exported);
    return grpc::Status::OK;
  }
  return ToGrpcStatus(absl::UnavailableError(
      absl::StrCat("the log grew during each of ", kAttempts,
                   " attempts to export a consistent round; try again")));
}

}  // namespace uuro::server
