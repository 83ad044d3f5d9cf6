// uurod's public HTTP port (--http-listen): the log as C2SP tlog-tiles, the
// Connect protocol for the Ledger, Audit and Transparency services, and the
// web app's files, behind one event-driven listener with the limits of
// HttpLimits and an optional CORS policy.
#ifndef SERVICES_HTTP_SERVER_H_
#define SERVICES_HTTP_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/net/http_listener.h"
#include "services/connect_gateway.h"
#include "services/cors.h"
#include "services/ledger_view.h"
#include "services/static_files.h"

namespace uuro::server {

struct PublicHttpOptions {
  HttpLimits limits;
  std::vector<std::string> cors_origins;  // Empty: no cross-origin access.
  std::string web_root;                   // Empty: no web app.
  // The gRPC server's in-process channel; null: no Connect methods.
  std::shared_ptr<grpc::Channel> connect_channel;
  std::chrono::milliseconds connect_deadline{30000};
};

class PublicHttpServer {
 public:
  // Starts serving `node` (which must outlive the server) on `address`
  // ("host:port"; port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<PublicHttpServer>> Start(
      const LedgerView& node, const std::string& address,
      const PublicHttpOptions& options);
  ~PublicHttpServer() { Stop(); }
  PublicHttpServer(const PublicHttpServer&) = delete;
  PublicHttpServer& operator=(const PublicHttpServer&) = delete;

  // The address actually bound ("host:port", with the chosen port).
  const std::string& address() const { return listener_->address(); }
  // The web app's folder, if one is served.
  std::string web_root() const { return files_ ? files_->root() : ""; }

  // Connect calls get `unavailable` from now on (ConnectGateway::Close);
  // before the gRPC server shuts down. Tiles and files are still served.
  void CloseConnect() {
    if (connect_) connect_->Close();
  }

  // Stops listening and waits for the answers still owed.
  void Stop() {
    if (listener_) listener_->Stop();
  }

 private:
  PublicHttpServer(const LedgerView& node, const PublicHttpOptions& options);
  void Handle(HttpRequest& req, HttpReply reply) const;

  const LedgerView& node_;
  const CorsPolicy cors_;
  std::unique_ptr<ConnectGateway> connect_;
  std::optional<StaticFiles> files_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace uuro::server

#endif  // SERVICES_HTTP_SERVER_H_
