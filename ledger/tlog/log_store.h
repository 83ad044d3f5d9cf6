// The append-only log store: entries, tree nodes, fund state and the latest
// checkpoint, committed together.
//
// This is the one storage boundary of the ledger. RocksLogStore
// (ledger/rocks_log_store.h) implements it on RocksDB; fault-injection tests
// can wrap it here.
#ifndef LEDGER_TLOG_LOG_STORE_H_
#define LEDGER_TLOG_LOG_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/merkle.h"

namespace uuro {

// Entries travel in tile entry bundles with 16-bit length prefixes.
inline constexpr size_t kMaxEntrySize = 65535;

// One change to the fund state; no value means delete the key.
struct StateWrite {
  std::string key;
  std::optional<Bytes> value;
};

// Everything one commit adds. Either all of it becomes durable or none of it.
struct AppendBatch {
  std::vector<Bytes> entries;     // Appended in order at the current size.
  std::vector<StateWrite> state;  // Fund state changes made by these entries.
};

// Called with the tree's new size and root during a commit; returns the
// signed checkpoint stored with it (or an empty string to store none).
using CheckpointMaker =
    std::function<absl::StatusOr<std::string>(uint64_t size, const Hash& root)>;

class LogStore : public NodeReader {
 public:
  ~LogStore() override = default;

  // The committed tree. Safe to call from any thread.
  virtual uint64_t size() const = 0;
  virtual Hash root() const = 0;
  // The latest stored signed checkpoint, empty if none was stored.
  virtual std::string checkpoint() const = 0;

  // Appends and commits `batch` with one synced write. On error nothing of it
  // is visible and the store is as before. Entries larger than kMaxEntrySize
  // are refused with INVALID_ARGUMENT. Only one thread may append at a time
  // (the sequencer); reads may run concurrently with it.
  virtual absl::Status Append(const AppendBatch& batch,
                              const CheckpointMaker& make_checkpoint) = 0;

  // After an Append failed (a full disk, an I/O error): makes the store
  // writable again, reopening it if it must, as a restart would. A write
  // that failed after reaching the disk is then found committed after all:
  // size() tells, and the caller takes that append as done. UNAVAILABLE
  // while the cause lasts; readers meanwhile see the committed log.
  virtual absl::Status Recover() { return absl::OkStatus(); }

  // Entry `index`; NOT_FOUND at or beyond size().
  virtual absl::StatusOr<Bytes> ReadEntry(uint64_t index) const = 0;
  // Entries [begin, end); end must not exceed size().
  virtual absl::StatusOr<std::vector<Bytes>> ReadEntries(
      uint64_t begin, uint64_t end) const = 0;

  // The value of a state key, or nullopt if absent.
  virtual absl::StatusOr<std::optional<Bytes>> ReadState(
      std::string_view key) const = 0;
  // Calls `visit` for every state key starting with `prefix` and not before
  // `start` (empty: from the first), in key order, until it returns false.
  virtual absl::Status ScanState(
      std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view key, ByteView value)>& visit)
      const = 0;
  absl::Status ScanState(
      std::string_view prefix,
      const std::function<bool(std::string_view key, ByteView value)>& visit)
      const {
    return ScanState(prefix, {}, visit);
  }
};

}  // namespace uuro

#endif  // LEDGER_TLOG_LOG_STORE_H_
