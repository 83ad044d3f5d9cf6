#include "ledger/fund/state_view.h"

#include "absl/strings/str_cat.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::StatusOr<std::optional<Bytes>> StoreStateReader::Get(
    std::string_view key) const {
  return store_.ReadState(key);
}

absl::StatusOr<std::map<std::string, Bytes>> StoreStateReader::Scan(
    std::string_view prefix) const {
  std::map<std::string, Bytes> out;
  UURO_RETURN_IF_ERROR(
      store_.ScanState(prefix, [&](std::string_view key, ByteView value) {
        out.emplace(std::string(key), Bytes(value.begin(), value.end()));
        return true;
      }));
  return out;
}

absl::StatusOr<std::optional<Bytes>> StateOverlay::Get(
    std::string_view key) const {
  if (auto it = staged_.find(key); it != staged_.end()) return it->second;
  return base_.Get(key);
}

absl::StatusOr<std::map<std::string, Bytes>> StateOverlay::Scan(
    std::string_view prefix) const {
  UURO_ASSIGN_OR_RETURN(auto out, base_.Scan(prefix));
  for (auto it = staged_.lower_bound(prefix);
       it != staged_.end() && std::string_view(it->first).starts_with(prefix);
       ++it) {
    if (it->second) {
      out[it->first] = *it->second;
    } else {
      out.erase(it->first);
    }
  }
  return out;
}

void StateOverlay::Absorb(StateOverlay& other) {
  for (auto& [key, value] : other.staged_) staged_[key] = std::move(value);
  other.staged_.clear();
}

std::vector<StateWrite> StateOverlay::TakeWrites() {
  std::vector<StateWrite> writes;
  writes.reserve(staged_.size());
  for (auto& [key, value] : staged_) {
    writes.push_back({key, std::move(value)});
  }
  staged_.clear();
  return writes;
}

absl::StatusOr<bool> ReadRecord(const StateReader& state, std::string_view key,
                                google::protobuf::MessageLite& record) {
  UURO_ASSIGN_OR_RETURN(std::optional<Bytes> value, state.Get(key));
  record.Clear();
  if (!value) return false;
  if (!record.ParseFromArray(value->data(), static_cast<int>(value->size()))) {
    return absl::DataLossError(absl::StrCat("state record \"", std::string(key),
                                            "\" does not decode as ",
                                            record.GetTypeName()));
  }
  return true;
}

void WriteRecord(StateOverlay& state, std::string key,
                 const google::protobuf::MessageLite& record) {
  std::string bytes = record.SerializeAsString();
  state.Put(std::move(key), Bytes(bytes.begin(), bytes.end()));
}

}  // namespace uuro::fund
