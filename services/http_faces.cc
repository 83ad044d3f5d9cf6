#include "services/http_faces.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "services/limits.h"

namespace uuro::server {

#ifndef UURO_DEFAULT_WEB_ROOT
#define UURO_DEFAULT_WEB_ROOT ""
#endif
const char kDefaultWebRoot[] = UURO_DEFAULT_WEB_ROOT;

void AddHttpFlags(CLI::App& command, HttpFlags& flags) {
  command.add_option("--http-listen", flags.listen,
                     "public HTTP address: the log as C2SP tlog-tiles, the "
                     "Connect protocol and the web app (port 0: any free "
                     "port; empty: none)");
  command
      .add_option("--admin-listen", flags.admin_listen,
                  "operator HTTP address for /metrics and /healthz; keep it "
                  "on loopback (empty: none)")
      ->capture_default_str();
  command
      .add_option("--http-idle-timeout", flags.limits.idle_timeout_s,
                  "seconds a public HTTP connection may stay silent (a "
                  "request slow to arrive, or an idle keep-alive)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--http-request-deadline", flags.limits.request_deadline_s,
                  "seconds a client has to send a whole request (headers and "
                  "body) from connecting or from its request line")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--http-max-connections", flags.limits.max_connections,
                  "public HTTP connections open at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--http-max-connections-per-ip",
                  flags.limits.max_connections_per_ip,
                  "public HTTP connections open at once from one address")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command
      .add_option("--http-max-header-bytes", flags.limits.header_bytes,
                  "memory for one connection's request line and headers")
      ->check(CLI::Range(size_t{4096}, size_t{1} << 20))
      ->capture_default_str();
  command
      .add_option("--http-max-body-bytes", flags.limits.max_body_bytes,
                  "largest request body (a Connect request); beyond: 413")
      ->check(CLI::Range(size_t{1024}, size_t{kMaxMessageBytes} * 2))
      ->capture_default_str();
  command
      .add_option("--http-threads", flags.limits.threads,
                  "threads serving the public port, each waiting on epoll "
                  "for many connections")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  command.add_option("--cors-origin", flags.cors_origins,
                     "let web apps from this origin (e.g. "
                     "https://fund.example-town.fi) call the public port; "
                     "repeatable; none by default");
  command
      .add_option("--web-root", flags.web_root,
                  "folder of the built web app served at / (the default is "
                  "used only if it exists; empty: none)")
      ->capture_default_str();
}

namespace {

bool IsFolder(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

absl::StatusOr<HttpFaces> StartHttpFaces(const LedgerView& view,
                                         const HttpFlags& flags,
                                         std::shared_ptr<grpc::Channel> channel,
                                         MetricsPage metrics) {
  HttpFaces faces;
  if (!flags.listen.empty()) {
    PublicHttpOptions options;
    options.limits = flags.limits;
    options.cors_origins = flags.cors_origins;
    options.connect_channel = std::move(channel);
    options.web_root = flags.web_root;
    // The default folder exists only where the app was built.
    if (options.web_root == kDefaultWebRoot && !IsFolder(options.web_root)) {
      options.web_root.clear();
    }
    auto started = PublicHttpServer::Start(view, flags.listen, options);
    if (!started.ok()) return started.status();
    faces.public_port = *std::move(started);
    spdlog::info("event=listening http={} web_root={} cors_origins={}",
                 faces.public_port->address(),
                 faces.public_port->web_root().empty()
                     ? "none"
                     : faces.public_port->web_root(),
                 flags.cors_origins.size());
  }
  if (!flags.admin_listen.empty()) {
    auto admin = StartAdminHttp(flags.admin_listen, std::move(metrics));
    if (admin.ok()) {
      faces.admin_port = *std::move(admin);
      spdlog::info("event=listening admin={}", faces.admin_port->address());
    } else if (flags.admin_listen == kDefaultAdminListen) {
      spdlog::warn("event=no_admin_http address={} reason=\"{}\"",
                   flags.admin_listen, std::string(admin.status().message()));
    } else {
      faces.Stop();
      return admin.status();
    }
  }
  return faces;
}

}  // namespace uuro::server
