#include "services/tile_http.h"

#include <httplib.h>

#include <chrono>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/note.h"
#include "ledger/tiles.h"

namespace uuro::server {
namespace {

// A full tile never changes, so any cache or CDN may keep it for good.
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
// The checkpoint and partial tiles are replaced as the log grows.
constexpr char kShortLived[] = "public, max-age=1";
constexpr char kOctets[] = "application/octet-stream";

void NotFound(httplib::Response& res) {
  res.status = 404;
  res.set_content("not found\n", "text/plain; charset=utf-8");
}

// GET /tile/...: only what exists at the latest signed checkpoint, so a
// client never sees tree nodes that no checkpoint it can fetch commits to.
void ServeTile(const LedgerNode& node, const httplib::Request& req,
               httplib::Response& res) {
  std::string_view path = req.path;
  path.remove_prefix(1);  // The leading '/'.
  absl::StatusOr<TileAddress> tile = ParseTilePath(path);
  if (!tile.ok()) return NotFound(res);
  uint64_t size = node.checkpoint()->size;
  uint64_t available = TileWidthAt(size, tile->level, tile->index);
  // Narrower widths are older trees' tiles; wider ones do not exist yet.
  if (tile->width == 0 || tile->width > available) return NotFound(res);
  absl::StatusOr<Bytes> bytes = ReadTile(node.store(), *tile);
  if (!bytes.ok()) {
    res.status = 500;
    res.set_content("cannot read the tile\n", "text/plain; charset=utf-8");
    return;
  }
  res.set_header("Cache-Control",
                 tile->width == kTileWidth ? kImmutable : kShortLived);
  res.set_content(reinterpret_cast<const char*>(bytes->data()), bytes->size(),
                  kOctets);
}

}  // namespace

TileHttpServer::TileHttpServer(const LedgerNode& node)
    : node_(node), http_(std::make_unique<httplib::Server>()) {}

TileHttpServer::~TileHttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<TileHttpServer>> TileHttpServer::Start(
    const LedgerNode& node, const std::string& address, MetricsPage metrics) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad HTTP listen address \"", address,
                     "\"; want HOST:PORT"));
  }
  std::string host = address.substr(0, colon);
  // "[::1]:80" names an IPv6 host; the socket API wants it bare.
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }

  std::unique_ptr<TileHttpServer> server(new TileHttpServer(node));
  httplib::Server& http = *server->http_;
  const LedgerNode* n = &node;
  // Headers and body go out in separate writes; without this, Nagle's
  // algorithm and delayed ACKs add ~40 ms to every keep-alive request.
  http.set_tcp_nodelay(true);
  // Get handlers also answer HEAD (httplib sends the headers only).
  http.Get("/checkpoint", [n](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", kShortLived);
    res.set_content(n->checkpoint()->note, "text/plain; charset=utf-8");
  });
  http.Get("/log.vkey", [n](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "public, max-age=3600");
    res.set_content(FormatVerifierKey(n->verifier()) + "\n",
                    "text/plain; charset=utf-8");
  });
  http.Get(R"(/tile/.*)",
           [n](const httplib::Request& req, httplib::Response& res) {
             ServeTile(*n, req, res);
           });
  if (metrics) {
    http.Get("/metrics", [metrics](const httplib::Request&,
                                   httplib::Response& res) {
      res.set_header("Cache-Control", "no-store");
      res.set_content(metrics(), "text/plain; version=0.0.4; charset=utf-8");
    });
  }
  // The log is read-only here: anything but GET and HEAD is refused.
  auto refuse = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
  };
  http.Post(R"(/.*)", refuse);
  http.Put(R"(/.*)", refuse);
  http.Patch(R"(/.*)", refuse);
  http.Delete(R"(/.*)", refuse);
  http.Options(R"(/.*)", refuse);

  int bound = port;
  if (port == 0) {
    bound = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", address));
  }
  server->address_ = absl::StrCat(address.substr(0, colon), ":", bound);
  std::atomic<bool>& returned = server->listen_returned_;
  server->listener_ = std::thread([&http, &returned] {
    http.listen_after_bind();
    returned = true;
  });
  // stop() only acts on a running server: wait for the accept loop, so that
  // Stop() right after Start() cannot leave it running forever.
  while (!http.is_running() && !returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

void TileHttpServer::Stop() {
  if (!listener_.joinable()) return;
  http_->stop();
  listener_.join();
}

}  // namespace uuro::server
