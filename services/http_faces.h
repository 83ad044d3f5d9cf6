// The HTTP side of a serving uurod (serve and follow): the public port
// (tiles, Connect, the web app) and the operator's admin port (/metrics),
// with the flags that configure both.
#ifndef SERVICES_HTTP_FACES_H_
#define SERVICES_HTTP_FACES_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/admin_http.h"
#include "services/http_server.h"

namespace uuro::server {

// The web app built with the project, served when --web-root is left alone
// and the folder exists (the source tree's clients/web/dist).
extern const char kDefaultWebRoot[];
// Where the admin port listens unless told otherwise.
inline constexpr char kDefaultAdminListen[] = "127.0.0.1:9464";

struct HttpFlags {
  std::string listen;                              // Empty: no public port.
  std::string admin_listen = kDefaultAdminListen;  // Empty: no admin port.
  HttpLimits limits;
  std::vector<std::string> cors_origins;
  std::string web_root = kDefaultWebRoot;
};

// Adds --http-listen, --admin-listen, the --http-* limits, --cors-origin and
// --web-root to `command`.
void AddHttpFlags(CLI::App& command, HttpFlags& flags);

struct HttpFaces {
  std::unique_ptr<PublicHttpServer> public_port;
  std::unique_ptr<HttpListener> admin_port;
  // Before the gRPC server shuts down: no new Connect call reaches it.
  void BeginStop() {
    if (public_port) public_port->CloseConnect();
  }
  void Stop() {
    if (public_port) public_port->Stop();
    if (admin_port) admin_port->Stop();
  }
};

// Starts what `flags` asks for, serving `view` and forwarding Connect calls
// into `channel` (the gRPC server's in-process channel); logs
// "event=listening http=ADDR" and "event=listening admin=ADDR". A default
// admin address that cannot be bound only warns: serving matters more.
absl::StatusOr<HttpFaces> StartHttpFaces(const LedgerView& view,
                                         const HttpFlags& flags,
                                         std::shared_ptr<grpc::Channel> channel,
                                         MetricsPage metrics);

}  // namespace uuro::server

#endif  // SERVICES_HTTP_FACES_H_
