// A log read from any C2SP tlog-tiles mirror over HTTP(S): uurod's own HTTP
// listener, or static files behind nginx or a CDN. It trusts the mirror with
// nothing: checkpoints are opened with the pinned log key, and every entry
// and tree hash is checked against a signed checkpoint before use.
//
// Shared by `uurod rebuild` and `uurod follow`.
#ifndef LEDGER_NET_TILE_LOG_READER_H_
#define LEDGER_NET_TILE_LOG_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tiles.h"

namespace httplib {
class Client;
}  // namespace httplib

namespace uuro::client {

// A checkpoint whose signature by the log key verified, with its note.
struct VerifiedCheckpoint {
  std::string note;
  Checkpoint checkpoint;
};

class TileLogReader {
 public:
  struct Options {
    int attempts = 4;  // Per request, for network errors and 5xx answers.
    int first_backoff_ms = 200;  // Doubles after each failed attempt.
  };

  // `url` is "http[s]://host[:port][/prefix]"; `log_key` pins the log, and
  // its name is the origin (as uurod names its key). INVALID_ARGUMENT for a
  // URL it cannot use.
  static absl::StatusOr<std::unique_ptr<TileLogReader>> Create(
      const std::string& url, NoteVerifier log_key, Options options);
  static absl::StatusOr<std::unique_ptr<TileLogReader>> Create(
      const std::string& url, NoteVerifier log_key) {
    return Create(url, std::move(log_key), Options());
  }
  ~TileLogReader();
  TileLogReader(const TileLogReader&) = delete;
  TileLogReader& operator=(const TileLogReader&) = delete;

  const std::string& url() const { return url_; }
  const NoteVerifier& log_key() const { return log_key_; }

  // GET /checkpoint, opened with the log key. UNAUTHENTICATED or
  // INVALID_ARGUMENT if it does not verify; UNAVAILABLE if the mirror does
  // not answer.
  absl::StatusOr<VerifiedCheckpoint> FetchCheckpoint();

  // The bytes of a tile as served (unchecked). NOT_FOUND on 404.
  absl::StatusOr<Bytes> FetchTile(const TileAddress& tile);

  // Entries [begin, end) of the tree of `cp`, from its entry bundles, NOT yet
  // checked against it: pass them to CheckEntries (or a LogMirror does).
  // Fetches at most `max_bundles` bundles; returns fewer entries than asked
  // if a later bundle failed after an earlier one arrived, so that callers
  // keep what they got. Fails only if nothing arrived.
  absl::StatusOr<std::vector<Bytes>> FetchEntries(uint64_t begin, uint64_t end,
                                                  const Checkpoint& cp,
                                                  absl::Status* later_error);

  // The consistency proof from `old_size` (> 0) to cp.size, computed from
  // the mirror's hash tiles of the tree of `cp`.
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                     const Checkpoint& cp);

 private:
  TileLogReader(std::string url, std::string prefix,
                std::unique_ptr<httplib::Client> http, NoteVerifier log_key,
                Options options);
  absl::StatusOr<std::string> Get(const std::string& path);

  const std::string url_;
  const std::string prefix_;  // The URL's path, without a trailing '/'.
  std::unique_ptr<httplib::Client> http_;
  const NoteVerifier log_key_;
  const Options options_;
  // Hash tiles seen for the current tree size; cleared when it changes.
  std::map<std::string, Bytes> tile_cache_;
  uint64_t cache_tree_size_ = 0;
};

// Checks that the tree of `local_size` leaves with root `local_root` is a
// prefix of the tree of `cp` (equal roots when the sizes are equal), with a
// consistency proof from the mirror's tiles. DATA_LOSS if it is not: the
// mirror serves another history than the one the local copy holds.
absl::Status CheckExtends(TileLogReader& reader, uint64_t local_size,
                          const Hash& local_root, const Checkpoint& cp);

}  // namespace uuro::client

#endif  // LEDGER_NET_TILE_LOG_READER_H_
