#include "services/tile_http.h"

#include <httplib.h>

#include <string_view>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tiles.h"

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
void ServeTile(const LedgerView& node, const httplib::Request& req,
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

TileHttpServer::~TileHttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<TileHttpServer>> TileHttpServer::Start(
    const LedgerView& node, const std::string& address, MetricsPage metrics) {
  auto server = std::make_unique<httplib::Server>();
  httplib::Server& http = *server;
  const LedgerView* n = &node;
  // Get handlers also answer HEAD (httplib sends the headers only).
  http.Get("/checkpoint", [n](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", kShortLived);
    res.set_content(n->published_checkpoint()->note,
                    "text/plain; charset=utf-8");
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

  auto listener = HttpListener::Start(std::move(server), address);
  if (!listener.ok()) return listener.status();
  return std::unique_ptr<TileHttpServer>(
      new TileHttpServer(*std::move(listener)));
}

}  // namespace uuro::server
