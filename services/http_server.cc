#include "services/http_server.h"

#include "services/tile_http.h"

namespace uuro::server {

PublicHttpServer::PublicHttpServer(const LedgerView& node,
                                   const PublicHttpOptions& options)
    : node_(node), cors_(options.cors_origins) {
  if (options.connect_channel) {
    connect_ = std::make_unique<ConnectGateway>(options.connect_channel,
                                                options.connect_deadline);
  }
}

absl::StatusOr<std::unique_ptr<PublicHttpServer>> PublicHttpServer::Start(
    const LedgerView& node, const std::string& address,
    const PublicHttpOptions& options) {
  std::unique_ptr<PublicHttpServer> server(new PublicHttpServer(node, options));
  if (!options.web_root.empty()) {
    auto files = StaticFiles::Open(options.web_root);
    if (!files.ok()) return files.status();
    server->files_ = *std::move(files);
  }
  const PublicHttpServer* self = server.get();
  auto listener = HttpListener::Start(
      address,
      [self](HttpRequest& req, HttpReply reply) {
        self->Handle(req, std::move(reply));
      },
      options.limits);
  if (!listener.ok()) return listener.status();
  server->listener_ = *std::move(listener);
  return server;
}

void PublicHttpServer::Handle(HttpRequest& req, HttpReply reply) const {
  if (auto preflight = cors_.Preflight(req)) return reply(*preflight);
  // Every answer, now or from a gRPC thread later, gets the CORS headers.
  HttpReply decorated = [this, req_origin = req.Header("origin"),
                         reply = std::move(reply)](HttpResponse res) {
    HttpRequest origin_only;
    if (!req_origin.empty()) origin_only.headers["origin"] = req_origin;
    cors_.Decorate(origin_only, res);
    reply(std::move(res));
  };
  if (connect_ != nullptr && ConnectGateway::Claims(req.path)) {
    return connect_->Handle(req, std::move(decorated));
  }
  if (auto tiles = ServeTiles(node_, req)) return decorated(*std::move(tiles));
  if (files_) {
    if (auto file = files_->Serve(req)) return decorated(*std::move(file));
  }
  if (req.method != "GET" && req.method != "HEAD") {
    return decorated(HttpResponse::Text(405, "method not allowed\n")
                         .Set("Allow", "GET, HEAD"));
  }
  decorated(HttpResponse::Text(404, "not found\n"));
}

}  // namespace uuro::server
