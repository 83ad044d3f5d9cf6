#include "ledger/net/tile_log_reader.h"

#include <httplib.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {
namespace {

// Hash tiles kept at most; a consistency proof needs a few per level.
constexpr size_t kMaxCachedTiles = 64;

}  // namespace

absl::StatusOr<std::unique_ptr<TileLogReader>> TileLogReader::Create(
    const std::string& url, NoteVerifier log_key, Options options) {
  size_t scheme_end = url.find("://");
  std::string scheme =
      scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", url, "\" is not an http:// or https:// URL of a tiles mirror"));
  }
  size_t path_start = url.find('/', scheme_end + 3);
  std::string host = url.substr(0, path_start);
  std::string prefix =
      path_start == std::string::npos ? "" : url.substr(path_start);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (host.size() <= scheme_end + 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" names no host"));
  }
  auto http = std::make_unique<httplib::Client>(host);
  if (!http->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot make an HTTP client for \"", url, "\""));
  }
  http->set_keep_alive(true);
  http->set_tcp_nodelay(true);
  http->set_connection_timeout(std::chrono::seconds(5));
  http->set_read_timeout(std::chrono::seconds(30));
  http->set_follow_location(true);
  return std::unique_ptr<TileLogReader>(new TileLogReader(
      url, std::move(prefix), std::move(http), std::move(log_key), options));
}

TileLogReader::TileLogReader(std::string url, std::string prefix,
                             std::unique_ptr<httplib::Client> http,
                             NoteVerifier log_key, Options options)
    : url_(std::move(url)),
      prefix_(std::move(prefix)),
      http_(std::move(http)),
      log_key_(std::move(log_key)),
      options_(options) {}

TileLogReader::~TileLogReader() = default;

absl::StatusOr<std::string> TileLogReader::Get(const std::string& path) {
  const std::string full = absl::StrCat(prefix_, "/", path);
  absl::Status last;
  int backoff_ms = options_.first_backoff_ms;
  for (int attempt = 0; attempt < std::max(options_.attempts, 1); ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms *= 2;
    }
    httplib::Result res = http_->Get(full);
    if (!res) {
      last = absl::UnavailableError(
          absl::StrCat(url_, ": no answer for /", path, " (",
                       httplib::to_string(res.error()), ")"));
      continue;
    }
    if (res->status == 200) return std::move(res->body);
    if (res->status == 404) {
      return absl::NotFoundError(
          absl::StrCat(url_, " has no /", path, " (HTTP 404)"));
    }
    last = absl::UnavailableError(
        absl::StrCat(url_, ": HTTP ", res->status, " for /", path));
    if (res->status < 500) break;  // Asking again will not help.
  }
  return last;
}

absl::StatusOr<VerifiedCheckpoint> TileLogReader::FetchCheckpoint() {
  UURO_ASSIGN_OR_RETURN(std::string note, Get("checkpoint"));
  auto cp = OpenCheckpoint(note, log_key_, log_key_.name());
  if (!cp.ok()) {
    return absl::Status(cp.status().code(),
                        absl::StrCat("the checkpoint of ", url_,
                                     " does not verify with the log key: ",
                                     cp.status().message()));
  }
  return VerifiedCheckpoint{std::move(note), std::move(*cp)};
}

absl::StatusOr<Bytes> TileLogReader::FetchTile(const TileAddress& tile) {
  UURO_ASSIGN_OR_RETURN(std::string body, Get(TilePath(tile)));
  return ToBytes(body);
}

absl::StatusOr<std::vector<Bytes>> TileLogReader::FetchEntries(
    uint64_t begin, uint64_t end, const Checkpoint& cp,
    absl::Status* later_error) {
  *later_error = absl::OkStatus();
  if (begin > end || end > cp.size) {
    return absl::OutOfRangeError(absl::StrCat(
        "entries [", begin, ", ", end, ") are not in a tree of ", cp.size));
  }
  std::vector<Bytes> out;
  out.reserve(end - begin);
  while (begin + out.size() < end) {
    const uint64_t next = begin + out.size();
    TileAddress bundle{
        TileAddress::kEntriesLevel, next / kTileWidth,
        TileWidthAt(cp.size, TileAddress::kEntriesLevel, next / kTileWidth)};
    absl::StatusOr<std::vector<Bytes>> entries;
    auto bytes = FetchTile(bundle);
    if (bytes.ok()) entries = DecodeEntryBundle(*bytes);
    if (bytes.ok() && entries.ok() && entries->size() != bundle.width) {
      entries = absl::DataLossError(absl::StrCat(url_, " serves ",
                                                 TilePath(bundle), " with ",
                                                 entries->size(), " entries"));
    }
    absl::Status failed = bytes.ok() ? entries.status() : bytes.status();
    if (!failed.ok()) {
      if (out.empty()) return failed;
      *later_error = failed;
      break;
    }
    const uint64_t first = bundle.index * kTileWidth;
    for (uint64_t i = next; i < std::min(end, first + bundle.width); ++i) {
      out.push_back(std::move((*entries)[i - first]));
    }
  }
  return out;
}

absl::StatusOr<std::vector<Hash>> TileLogReader::ConsistencyProof(
    uint64_t old_size, const Checkpoint& cp) {
  if (cache_tree_size_ != cp.size) {
    tile_cache_.clear();
    cache_tree_size_ = cp.size;
  }
  TileNodeReader nodes(
      [this](const TileAddress& tile) -> absl::StatusOr<Bytes> {
        std::string path = TilePath(tile);
        if (auto it = tile_cache_.find(path); it != tile_cache_.end()) {
          return it->second;
        }
        UURO_ASSIGN_OR_RETURN(Bytes bytes, FetchTile(tile));
        if (tile_cache_.size() >= kMaxCachedTiles) tile_cache_.clear();
        tile_cache_[path] = bytes;
        return bytes;
      },
      cp.size);
  return uuro::ConsistencyProof(nodes, old_size, cp.size);
}

absl::Status CheckExtends(TileLogReader& reader, uint64_t local_size,
                          const Hash& local_root, const Checkpoint& cp) {
  if (local_size > cp.size) {
    return absl::DataLossError(absl::StrCat(
        "the log's checkpoint from ", reader.url(), " has ", cp.size,
        " entries, fewer than the ", local_size,
        " held here: the log was rolled back, or this is another log"));
  }
  if (local_size == 0) return absl::OkStatus();
  absl::Status checked;
  if (local_size == cp.size) {
    checked = local_root == cp.root
                  ? absl::OkStatus()
                  : absl::InvalidArgumentError("the roots differ");
  } else {
    auto proof = reader.ConsistencyProof(local_size, cp);
    if (!proof.ok() && absl::IsUnavailable(proof.status())) {
      return proof.status();  // The mirror is down; nothing was shown wrong.
    }
    checked = proof.ok() ? VerifyConsistency(local_size, cp.size, *proof,
                                             local_root, cp.root)
                         : proof.status();
  }
  if (!checked.ok()) {
    return absl::DataLossError(
        absl::StrCat("the log at ", reader.url(), " (checkpoint of ", cp.size,
                     " entries) is not consistent with the ", local_size,
                     " entries held here: ", checked.message()));
  }
  return absl::OkStatus();
}

}  // namespace uuro::client
