#include "ledger/tlog/tiles.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/status_macros.h"

namespace uuro {
namespace {

constexpr uint64_t kMaxTileLevel = 63 / kTileHeight;  // 8L must stay below 64.

std::string IndexPath(uint64_t n) {
  std::vector<std::string> groups;
  do {
    groups.push_back(std::to_string(n % 1000));
    n /= 1000;
  } while (n > 0);
  std::string out;
  for (size_t i = groups.size(); i-- > 0;) {
    std::string group = std::string(3 - groups[i].size(), '0') + groups[i];
    out += i > 0 ? absl::StrCat("x", group, "/") : group;
  }
  return out;
}

bool ParseDecimal(std::string_view text, uint64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// The number of nodes at tile level `level` (entries for kEntriesLevel).
uint64_t NodesAtLevel(uint64_t tree_size, uint64_t level) {
  if (level == TileAddress::kEntriesLevel) return tree_size;
  if (level > kMaxTileLevel) return 0;
  return tree_size >> (level * kTileHeight);
}

}  // namespace

std::string TilePath(const TileAddress& tile) {
  std::string out = absl::StrCat(
      "tile/",
      tile.is_entries() ? std::string("entries") : std::to_string(tile.level),
      "/", IndexPath(tile.index));
  if (tile.width < kTileWidth) absl::StrAppend(&out, ".p/", tile.width);
  return out;
}

absl::StatusOr<TileAddress> ParseTilePath(std::string_view path) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a tile path: \"", std::string(path.substr(0, 120)), "\""));
  };
  constexpr std::string_view kPrefix = "tile/";
  if (!path.starts_with(kPrefix) || path.size() > 200) return invalid();
  std::string_view rest = path.substr(kPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return invalid();
  TileAddress tile;
  std::string_view level = rest.substr(0, slash);
  if (level == "entries") {
    tile.level = TileAddress::kEntriesLevel;
  } else if (!ParseDecimal(level, tile.level) || tile.level > kMaxTileLevel) {
    return invalid();
  }
  rest = rest.substr(slash + 1);
  if (size_t p = rest.find(".p/"); p != std::string_view::npos) {
    if (!ParseDecimal(rest.substr(p + 3), tile.width) || tile.width == 0 ||
        tile.width >= kTileWidth) {
      return invalid();
    }
    rest = rest.substr(0, p);
  }
  // Groups "xDDD/" then a final "DDD".
  uint64_t index = 0;
  while (true) {
    bool last = rest.size() == 3;
    std::string_view group = last ? rest : rest.substr(0, 5);
    if (!last && (group.size() != 5 || group[0] != 'x' || group[4] != '/')) {
      return invalid();
    }
    uint64_t value = 0;
    if (!ParseDecimal(last ? group : group.substr(1, 3), value)) {
      return invalid();
    }
    if (index > (~uint64_t{0} - value) / 1000) return invalid();
    index = index * 1000 + value;
    if (last) break;
    rest = rest.substr(5);
  }
  tile.index = index;
  // Canonical form only: one path per tile, so caches never hold duplicates.
  if (TilePath(tile) != path) return invalid();
  return tile;
}

uint64_t TileWidthAt(uint64_t tree_size, uint64_t level, uint64_t index) {
  uint64_t count = NodesAtLevel(tree_size, level);
  if (index >= count / kTileWidth + 1) return 0;
  return std::min(kTileWidth, count - index * kTileWidth);
}

std::vector<TileAddress> TilesAt(uint64_t tree_size) {
  std::vector<TileAddress> out;
  auto add_level = [&](uint64_t level) {
    for (uint64_t index = 0;; ++index) {
      uint64_t width = TileWidthAt(tree_size, level, index);
      if (width == 0) break;
      out.push_back({level, index, width});
    }
  };
  for (uint64_t level = 0; NodesAtLevel(tree_size, level) > 0; ++level) {
    add_level(level);
  }
  add_level(TileAddress::kEntriesLevel);
  return out;
}

absl::StatusOr<Bytes> ReadTile(const LogStore& store, const TileAddress& tile) {
  uint64_t available = TileWidthAt(store.size(), tile.level, tile.index);
  if (tile.width == 0 || tile.width > available) {
    return absl::NotFoundError(
        absl::StrCat(TilePath(tile), " does not exist (yet)"));
  }
  uint64_t first = tile.index * kTileWidth;
  if (tile.is_entries()) {
    UURO_ASSIGN_OR_RETURN(auto entries,
                          store.ReadEntries(first, first + tile.width));
    return EncodeEntryBundle(entries);
  }
  Bytes out;
  out.reserve(tile.width * kHashSize);
  uint8_t level = static_cast<uint8_t>(tile.level * kTileHeight);
  for (uint64_t i = 0; i < tile.width; ++i) {
    UURO_ASSIGN_OR_RETURN(Hash hash, store.ReadNode({level, first + i}));
    out.insert(out.end(), hash.begin(), hash.end());
  }
  return out;
}

Bytes EncodeEntryBundle(const std::vector<Bytes>& entries) {
  Bytes out;
  for (const Bytes& entry : entries) {
    out.push_back(static_cast<uint8_t>(entry.size() >> 8));
    out.push_back(static_cast<uint8_t>(entry.size()));
    out.insert(out.end(), entry.begin(), entry.end());
  }
  return out;
}

absl::StatusOr<std::vector<Bytes>> DecodeEntryBundle(ByteView bundle) {
  std::vector<Bytes> entries;
  while (!bundle.empty()) {
    if (bundle.size() < 2) {
      return absl::InvalidArgumentError("entry bundle ends inside a length");
    }
    size_t len = size_t{bundle[0]} << 8 | bundle[1];
    if (bundle.size() - 2 < len) {
      return absl::InvalidArgumentError("entry bundle ends inside an entry");
    }
    entries.emplace_back(bundle.begin() + 2, bundle.begin() + 2 + len);
    bundle = bundle.subspan(2 + len);
  }
  if (entries.size() > kTileWidth) {
    return absl::InvalidArgumentError("entry bundle holds over 256 entries");
  }
  return entries;
}

absl::StatusOr<Hash> TileNodeReader::ReadNode(NodeId id) const {
  uint64_t tile_level = id.level / kTileHeight;
  uint64_t depth = id.level % kTileHeight;  // Levels above the tile's base.
  uint64_t first = id.index << depth;       // First base node below `id`.
  uint64_t count = uint64_t{1} << depth;
  if (id.level >= 64 || id.index >= (tree_size_ >> id.level)) {
    return absl::NotFoundError(absl::StrCat("no complete node at level ",
                                            id.level, " index ", id.index,
                                            " in a tree of ", tree_size_));
  }
  TileAddress tile{tile_level, first / kTileWidth,
                   TileWidthAt(tree_size_, tile_level, first / kTileWidth)};
  if (!(tile == cached_) || cached_bytes_.empty()) {
    UURO_ASSIGN_OR_RETURN(Bytes bytes, fetch_(tile));
    if (bytes.size() != tile.width * kHashSize) {
      return absl::DataLossError(absl::StrCat(TilePath(tile), " has ",
                                              bytes.size(), " bytes, expected ",
                                              tile.width * kHashSize));
    }
    cached_ = tile;
    cached_bytes_ = std::move(bytes);
  }
  std::vector<Hash> hashes(count);
  size_t offset = (first % kTileWidth) * kHashSize;
  for (uint64_t i = 0; i < count; ++i) {
    std::copy_n(cached_bytes_.begin() + offset + i * kHashSize, kHashSize,
                hashes[i].begin());
  }
  for (; count > 1; count /= 2) {
    for (uint64_t i = 0; i < count / 2; ++i) {
      hashes[i] = HashChildren(hashes[2 * i], hashes[2 * i + 1]);
    }
  }
  return hashes[0];
}

}  // namespace uuro
