#include "services/tile_http.h"

#include <string_view>

#include "absl/strings/match.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tiles.h"

namespace uuro::server {
namespace {

// A full tile never changes, so any cache or CDN may keep it for good.
constexpr char kImmutable[] = "public, max-age=31536000, immutable";
// The checkpoint and partial tiles are replaced as the log grows.
constexpr char kShortLived[] = "public, max-age=1";
constexpr char kOctets[] = "application/octet-stream";
constexpr char kText[] = "text/plain; charset=utf-8";

HttpResponse NotFound() { return HttpResponse::Text(404, "not found\n"); }

// GET /tile/...: only what exists at the latest signed checkpoint, so a
// client never sees tree nodes that no checkpoint it can fetch commits to.
HttpResponse ServeTile(const LedgerView& node, std::string_view path) {
  path.remove_prefix(1);  // The leading '/'.
  absl::StatusOr<TileAddress> tile = ParseTilePath(path);
  if (!tile.ok()) return NotFound();
  uint64_t size = node.checkpoint()->size;
  uint64_t available = TileWidthAt(size, tile->level, tile->index);
  // Narrower widths are older trees' tiles; wider ones do not exist yet.
  if (tile->width == 0 || tile->width > available) return NotFound();
  absl::StatusOr<Bytes> bytes = ReadTile(node.store(), *tile);
  if (!bytes.ok()) return HttpResponse::Text(500, "cannot read the tile\n");
  HttpResponse res;
  res.content_type = kOctets;
  res.body.assign(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  res.Set("Cache-Control",
          tile->width == kTileWidth ? kImmutable : kShortLived);
  return res;
}

}  // namespace

std::optional<HttpResponse> ServeTiles(const LedgerView& node,
                                       const HttpRequest& req) {
  const bool tile = absl::StartsWith(req.path, "/tile/");
  if (req.path != "/checkpoint" && req.path != "/log.vkey" && !tile) {
    return std::nullopt;
  }
  // The log is read-only here: anything but GET and HEAD is refused.
  if (req.method != "GET" && req.method != "HEAD") {
    return HttpResponse::Text(405, "read-only\n").Set("Allow", "GET, HEAD");
  }
  if (tile) return ServeTile(node, req.path);
  HttpResponse res;
  res.content_type = kText;
  if (req.path == "/checkpoint") {
    res.body = node.published_checkpoint()->note;
    res.Set("Cache-Control", kShortLived);
  } else {
    res.body = FormatVerifierKey(node.verifier()) + "\n";
    res.Set("Cache-Control", "public, max-age=3600");
  }
  return res;
}

}  // namespace uuro::server
