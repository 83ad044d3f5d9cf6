#include "services/cors.h"

namespace uuro::server {
namespace {

// What Connect clients send (https://connectrpc.com/docs/cors).
constexpr char kAllowHeaders[] =
    "Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms, "
    "Accept-Encoding, X-User-Agent";
constexpr char kAllowMethods[] = "GET, POST";
constexpr char kExposeHeaders[] = "Content-Encoding, Cache-Control";

}  // namespace

std::optional<HttpResponse> CorsPolicy::Preflight(
    const HttpRequest& req) const {
  if (req.method != "OPTIONS" ||
      req.Header("access-control-request-method").empty()) {
    return std::nullopt;
  }
  const std::string origin = req.Header("origin");
  HttpResponse res;
  res.Set("Vary",
          "Origin, Access-Control-Request-Method, "
          "Access-Control-Request-Headers");
  if (origin.empty() || !Allowed(origin)) {
    res.status = 403;
    res.content_type = "text/plain; charset=utf-8";
    res.body = "cross-origin requests from this origin are not allowed\n";
    return res;
  }
  res.status = 204;
  res.Set("Access-Control-Allow-Origin", origin);
  res.Set("Access-Control-Allow-Methods", kAllowMethods);
  res.Set("Access-Control-Allow-Headers", kAllowHeaders);
  res.Set("Access-Control-Max-Age", "7200");
  return res;
}

void CorsPolicy::Decorate(const HttpRequest& req, HttpResponse& res) const {
  if (origins_.empty()) return;
  // Caches must keep answers for different origins apart.
  res.Set("Vary", "Origin");
  const std::string origin = req.Header("origin");
  if (origin.empty() || !Allowed(origin)) return;
  res.Set("Access-Control-Allow-Origin", origin);
  res.Set("Access-Control-Expose-Headers", kExposeHeaders);
}

}  // namespace uuro::server
