// The three renderers behind RenderExport, and what they share.
#ifndef CLIENTS_OPEN_DATA_RENDER_H_
#define CLIENTS_OPEN_DATA_RENDER_H_

#include <map>
#include <string>

#include "clients/open_data/export_files.h"

namespace uuro::open_data {

// Names the files of every format: "uuro-open-data/1".
inline constexpr char kFormatTag[] = "uuro-open-data/1";

using Files = std::map<std::string, std::string>;

Files RenderCsv(const v1::RoundExport& e, const Period& period);
Files RenderPabulib(const v1::RoundExport& e, const Period& period);
Files RenderJson(const v1::RoundExport& e, const Period& period);

// Whether a redemption or transfer at `ms` falls in `period`.
bool InPeriod(const Period& period, uint64_t ms);
// The redemptions and transfers of `e` in `period`; the rest as is.
v1::RoundExport WithinPeriod(const v1::RoundExport& e, const Period& period);
// "2027-03-01T00:00:00Z", or "" for 0 (an open end).
std::string PeriodEnd(uint64_t ms);
// Credits and cents that redemption or transfer draws take from `round`.
void DrawnFrom(
    const google::protobuf::RepeatedPtrField<v1::RedemptionDraw>& draws,
    uint64_t round, uint64_t* credits, uint64_t* cents);
std::string RootHex(const v1::RoundExport& e);
const char* RedemptionStatusName(const v1::RedemptionRecord& r);

}  // namespace uuro::open_data

#endif  // CLIENTS_OPEN_DATA_RENDER_H_
