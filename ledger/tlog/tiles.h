// C2SP tlog-tiles: the log's tree and entries as static, cacheable files.
//
// A tile at level L, index N holds the hashes of up to 256 consecutive tree
// nodes at tree level 8L, starting at node 256N. A full tile has 256; the
// last tile of a level may be partial (width 1..255) and is named with
// ".p/<W>". Entry bundles hold up to 256 entries, each prefixed by its length
// as a big-endian uint16.
#ifndef LEDGER_TLOG_TILES_H_
#define LEDGER_TLOG_TILES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/log_store.h"
#include "ledger/tlog/merkle.h"

namespace uuro {

inline constexpr uint64_t kTileHeight = 8;
inline constexpr uint64_t kTileWidth = 256;

// What a tile path names. `level` is kEntriesLevel for an entry bundle.
struct TileAddress {
  static constexpr uint64_t kEntriesLevel = ~uint64_t{0};
  uint64_t level = 0;
  uint64_t index = 0;
  uint64_t width = kTileWidth;  // 1..256; below 256 the tile is partial.
  bool is_entries() const { return level == kEntriesLevel; }
  friend bool operator==(const TileAddress&, const TileAddress&) = default;
};

// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]", with N written in
// groups of three digits ("x001/x234/067").
std::string TilePath(const TileAddress& tile);
// Strict inverse of TilePath (no leading slash); INVALID_ARGUMENT otherwise.
absl::StatusOr<TileAddress> ParseTilePath(std::string_view path);

// The width tile (level, index) has in a tree of `tree_size` leaves; 0 if it
// does not exist yet. For entry bundles pass TileAddress::kEntriesLevel.
uint64_t TileWidthAt(uint64_t tree_size, uint64_t level, uint64_t index);

// Every tile (hash tiles of every level, then entry bundles) that a tree of
// `tree_size` leaves has, each with its width at that size: what a static
// mirror of the log must hold.
std::vector<TileAddress> TilesAt(uint64_t tree_size);

// The bytes of a hash tile or entry bundle, read from `store`. NOT_FOUND if
// the tile does not exist at the store's size with that width.
absl::StatusOr<Bytes> ReadTile(const LogStore& store, const TileAddress& tile);

Bytes EncodeEntryBundle(const std::vector<Bytes>& entries);
absl::StatusOr<std::vector<Bytes>> DecodeEntryBundle(ByteView bundle);

// Fetches a tile's bytes by address (from a store, a folder, or over HTTP).
using TileFetcher =
    std::function<absl::StatusOr<Bytes>(const TileAddress& tile)>;

// A NodeReader over hash tiles alone, for monitors and mirrors that have no
// store: reconstructs any complete node of a tree of `tree_size` leaves from
// the tile that holds its descendants. Not thread-safe (it caches one tile).
class TileNodeReader final : public NodeReader {
 public:
  TileNodeReader(TileFetcher fetch, uint64_t tree_size)
      : fetch_(std::move(fetch)), tree_size_(tree_size) {}
  absl::StatusOr<Hash> ReadNode(NodeId id) const override;

 private:
  const TileFetcher fetch_;
  const uint64_t tree_size_;
  mutable TileAddress cached_{};
  mutable Bytes cached_bytes_;
};

}  // namespace uuro

#endif  // LEDGER_TLOG_TILES_H_
