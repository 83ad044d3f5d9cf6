#include "clients/open_data/render.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/iso_time.h"

namespace uuro::open_data {

bool InPeriod(const Period& period, uint64_t ms) {
  return ms >= period.from_ms && (period.to_ms == 0 || ms < period.to_ms);
}

v1::RoundExport WithinPeriod(const v1::RoundExport& e, const Period& period) {
  v1::RoundExport out = e;
  out.clear_redemptions();
  out.clear_transfers();
  for (const v1::RedemptionRecord& r : e.redemptions()) {
    // A pending request has no decision yet: it belongs to when it was made.
    uint64_t when = r.decided_at_ms() ? r.decided_at_ms() : r.requested_at_ms();
    if (InPeriod(period, when)) *out.add_redemptions() = r;
  }
  for (const v1::TransferRecord& t : e.transfers()) {
    if (InPeriod(period, t.transferred_at_ms())) *out.add_transfers() = t;
  }
  return out;
}

std::string PeriodEnd(uint64_t ms) { return ms == 0 ? "" : FormatIsoTime(ms); }

void DrawnFrom(
    const google::protobuf::RepeatedPtrField<v1::RedemptionDraw>& draws,
    uint64_t round, uint64_t* credits, uint64_t* cents) {
  *credits = *cents = 0;
  for (const v1::RedemptionDraw& d : draws) {
    if (d.round_id() != round) continue;
    *credits += d.credits();
    *cents += d.cents();
  }
}

std::string RootHex(const v1::RoundExport& e) {
  return ToHex(AsBytes(e.checkpoint().root()));
}

const char* RedemptionStatusName(const v1::RedemptionRecord& r) {
  switch (r.status()) {
    case v1::REDEMPTION_PENDING:
      return "pending";
    case v1::REDEMPTION_SETTLED:
      return r.settled_by_rule() ? "settled_by_rule" : "settled_by_office";
    case v1::REDEMPTION_REJECTED:
      return "rejected";
    default:
      return "unknown";
  }
}

}  // namespace uuro::open_data
