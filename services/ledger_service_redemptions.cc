// Ledger.ListRedemptions: the redemption requests, for the fund office's
// queue of pending payments and for anyone checking where money left.
#include <charconv>

#include "absl/strings/str_cat.h"
#include "ledger/fund/state_keys.h"
#include "services/grpc_status.h"
#include "services/ledger_service.h"
#include "services/limits.h"

namespace uuro::server {
namespace {

namespace keys = fund::keys;

// Page tokens are the decimal id to continue from.
absl::StatusOr<uint64_t> TokenId(const std::string& token) {
  if (token.empty()) return 0;
  uint64_t v = 0;
  auto [end, ec] =
      std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size()) {
    return absl::InvalidArgumentError("the page token is not one we issued");
  }
  return v;
}

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
  auto start = TokenId(request->page_token());
  if (!start.ok()) return ToGrpcStatus(start.status());
  const uint32_t page = PageSize(request->page_size());
  absl::Status failure = absl::OkStatus();
  uint64_t last = 0;
  bool more = false;
  absl::Status scan = node_.store().ScanState(
      keys::RedemptionPrefix(), keys::Redemption(*start),
      [&](std::string_view, ByteView value) {
        v1::RedemptionRecord r;
        if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError("a redemption record does not decode");
          return false;
        }
        if (!Matches(*request, r)) return true;
        if (static_cast<uint32_t>(response->redemptions_size()) == page) {
          more = true;
          return false;
        }
        last = r.id();
        *response->add_redemptions() = std::move(r);
        return true;
      });
  if (!scan.ok()) return ToGrpcStatus(scan);
  if (!failure.ok()) return ToGrpcStatus(failure);
  if (more) response->set_next_page_token(std::to_string(last + 1));
  return grpc::Status::OK;
}

}  // namespace uuro::server
