// JSON: one document, the export in protobuf's JSON mapping (field names as
// in proto/uuro/v1/audit.proto, bytes in base64, 64-bit numbers as strings)
// inside a small envelope that names the format, checkpoint and period.
#include <google/protobuf/util/json_util.h>

#include "clients/open_data/render.h"
#include "nlohmann/json.hpp"

namespace uuro::open_data {

Files RenderJson(const v1::RoundExport& all, const Period& period) {
  const v1::RoundExport e = WithinPeriod(all, period);
  std::string body;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(e, &body, options);
  nlohmann::ordered_json doc = {
      {"format", kFormatTag},
      {"checkpoint",
       {{"origin", e.checkpoint().origin()},
        {"tree_size", e.checkpoint().tree_size()},
        {"root", RootHex(e)}}},
      {"round", e.round().id()},
      {"period",
       {{"from", PeriodEnd(period.from_ms)}, {"to", PeriodEnd(period.to_ms)}}},
      {"export", nlohmann::ordered_json::parse(body)}};
  return {{"", doc.dump(2) + "\n"}};
}

}  // namespace uuro::open_data
