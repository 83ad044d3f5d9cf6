// Reading and staging fund state records.
#ifndef LEDGER_FUND_STATE_VIEW_H_
#define LEDGER_FUND_STATE_VIEW_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message_lite.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/log_store.h"

namespace uuro::fund {

// Read access to state records.
class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual absl::StatusOr<std::optional<Bytes>> Get(
      std::string_view key) const = 0;
  // Every key with `prefix` and its value, in key order.
  virtual absl::StatusOr<std::map<std::string, Bytes>> Scan(
      std::string_view prefix) const = 0;
};

// The committed state of a store.
class StoreStateReader final : public StateReader {
 public:
  explicit StoreStateReader(const LogStore& store) : store_(store) {}
  absl::StatusOr<std::optional<Bytes>> Get(std::string_view key) const override;
  absl::StatusOr<std::map<std::string, Bytes>> Scan(
      std::string_view prefix) const override;

 private:
  const LogStore& store_;
};

// Changes staged on top of a base state: reads see them, nothing reaches the
// base until the owner takes the writes. `base` must outlive the overlay and
// not change while it is in use.
class StateOverlay final : public StateReader {
 public:
  explicit StateOverlay(const StateReader& base) : base_(base) {}
  StateOverlay(const StateOverlay&) = delete;
  StateOverlay& operator=(const StateOverlay&) = delete;

  absl::StatusOr<std::optional<Bytes>> Get(std::string_view key) const override;
  absl::StatusOr<std::map<std::string, Bytes>> Scan(
      std::string_view prefix) const override;

  void Put(std::string key, Bytes value) {
    staged_[std::move(key)] = std::move(value);
  }
  void Delete(std::string key) { staged_[std::move(key)] = std::nullopt; }

  // Stages every change of `other` (an overlay on this one) here.
  void Absorb(StateOverlay& other);
  // The staged changes, in key order; the overlay is empty afterwards.
  std::vector<StateWrite> TakeWrites();

 private:
  const StateReader& base_;
  std::map<std::string, std::optional<Bytes>, std::less<>> staged_;
};

// Typed access to records stored as serialized protobuf messages.
absl::StatusOr<bool> ReadRecord(const StateReader& state, std::string_view key,
                                google::protobuf::MessageLite& record);
void WriteRecord(StateOverlay& state, std::string key,
                 const google::protobuf::MessageLite& record);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_STATE_VIEW_H_
