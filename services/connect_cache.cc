#include "services/connect_cache.h"

#include "uuro/v1/transparency.pb.h"

namespace uuro::server {
namespace {

constexpr char kForever[] = "public, max-age=31536000, immutable";
// The newest state: a cache must ask again, but may keep the answer to
// serve while it does.
constexpr char kRevalidate[] = "no-cache";
constexpr char kShortLived[] = "public, max-age=1";

}  // namespace

std::string ConnectCacheControl(const std::string& method,
                                const google::protobuf::Message& request,
                                const google::protobuf::Message& response) {
  // The log is append-only: a proof between fixed sizes, and entries that
  // exist, never change. A size of 0 means "the latest", which moves.
  if (method == "uuro.v1.Transparency.GetInclusionProof") {
    const auto& ask = static_cast<const v1::GetInclusionProofRequest&>(request);
    return ask.tree_size() != 0 ? kForever : kShortLived;
  }
  if (method == "uuro.v1.Transparency.GetConsistencyProof") {
    const auto& ask =
        static_cast<const v1::GetConsistencyProofRequest&>(request);
    return ask.new_size() != 0 ? kForever : kShortLived;
  }
  if (method == "uuro.v1.Transparency.GetEntries") {
    const auto& ask = static_cast<const v1::GetEntriesRequest&>(request);
    const auto& got = static_cast<const v1::GetEntriesResponse&>(response);
    const bool whole =
        ask.end() > ask.start() &&
        static_cast<uint64_t>(got.entries_size()) == ask.end() - ask.start();
    return whole ? kForever : kShortLived;
  }
  if (method == "uuro.v1.Transparency.GetCheckpoint") return kShortLived;
  return kRevalidate;
}

}  // namespace uuro::server
