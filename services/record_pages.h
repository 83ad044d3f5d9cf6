// One page of the records stored under "<prefix><8-byte id>", in id order,
// for the Ledger's List* methods. Page tokens are the decimal id to continue
// from, so a page stays valid while records are added after it.
#ifndef SERVICES_RECORD_PAGES_H_
#define SERVICES_RECORD_PAGES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "ledger/tlog/log_store.h"
#include "services/limits.h"

namespace uuro::server {

// The id a page token continues from; 0 for an empty token.
absl::StatusOr<uint64_t> PageStart(const std::string& token);

template <typename Record>
absl::Status ReadRecordPage(const LogStore& store, std::string_view prefix,
                            const std::function<std::string(uint64_t)>& key_of,
                            const std::string& token, uint32_t page_size,
                            const std::function<bool(const Record&)>& matches,
                            google::protobuf::RepeatedPtrField<Record>* page,
                            std::string* next_token, std::string_view what) {
  absl::StatusOr<uint64_t> start = PageStart(token);
  if (!start.ok()) return start.status();
  const uint32_t size = PageSize(page_size);
  absl::Status failure = absl::OkStatus();
  uint64_t last = 0;
  bool more = false;
  absl::Status scan = store.ScanState(
      prefix, key_of(*start), [&](std::string_view, ByteView value) {
        Record r;
        if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError(std::string(what) +
                                        " record does not decode");
          return false;
        }
        if (!matches(r)) return true;
        if (static_cast<uint32_t>(page->size()) == size) {
          more = true;
          return false;
        }
        last = r.id();
        *page->Add() = std::move(r);
        return true;
      });
  if (!scan.ok()) return scan;
  if (!failure.ok()) return failure;
  if (more) *next_token = std::to_string(last + 1);
  return absl::OkStatus();
}

}  // namespace uuro::server

#endif  // SERVICES_RECORD_PAGES_H_
