#include "services/admin_http.h"

namespace uuro::server {

absl::StatusOr<std::unique_ptr<HttpListener>> StartAdminHttp(
    const std::string& address, MetricsPage metrics) {
  HttpLimits limits;
  limits.max_connections = 64;
  limits.max_connections_per_ip = 16;
  limits.max_body_bytes = 0;
  limits.threads = 1;
  auto handler = [metrics = std::move(metrics)](HttpRequest& req,
                                                HttpReply reply) {
    if (req.method != "GET" && req.method != "HEAD") {
      return reply(
          HttpResponse::Text(405, "read-only\n").Set("Allow", "GET, HEAD"));
    }
    if (req.path == "/healthz") return reply(HttpResponse::Text(200, "ok\n"));
    if (req.path != "/metrics") {
      return reply(HttpResponse::Text(404, "not found\n"));
    }
    HttpResponse res;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = metrics();
    res.Set("Cache-Control", "no-store");
    reply(std::move(res));
  };
  return HttpListener::Start(address, std::move(handler), limits);
}

}  // namespace uuro::server
