// The one place where absl::Status becomes grpc::Status: the code and the
// message are kept as they are, so services never invent codes. The one
// exception is what the storage says about itself: RocksDB's error text names
// files and folders of the server, so a client gets a generic message with the
// same code, and the detail goes to the server's log.
#ifndef SERVICES_GRPC_STATUS_H_
#define SERVICES_GRPC_STATUS_H_

#include <grpcpp/support/status.h>
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace uuro::server {

// Whether `message` of a status with `code` carries storage detail (RocksDB's
// status text, file paths) that stays on the server.
inline bool HoldsStorageDetail(absl::StatusCode code,
                               std::string_view message) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
      break;
    default:
      return false;
  }
  // How rocksdb::Status::ToString() begins its kinds of failure, and what
  // the operating system adds to them.
  static constexpr std::string_view kMarkers[] = {
      "IO error",
      "Corruption:",
      "Resource busy",
      "Operation timed out",
      "Operation failed. Try again",
      "Operation aborted",
      "Result incomplete",
      "Shutdown in progress",
      "Not implemented:",
      "No space left",
      "Read-only file system",
      "Permission denied",
      "While open",
      "While appending",
      "While fsync",
  };
  for (std::string_view marker : kMarkers) {
    if (message.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// What a client is told instead of storage detail.
inline std::string PublicStorageMessage(absl::StatusCode code,
                                        std::string_view message) {
  constexpr std::string_view kNotRecorded =
      "the ledger could not commit; nothing was recorded";
  std::string out;
  if (message.substr(0, kNotRecorded.size()) == kNotRecorded) {
    out = std::string(kNotRecorded) + ": ";
  }
  switch (code) {
    case absl::StatusCode::kUnavailable:
      out += "the ledger's storage is unavailable; try again later";
      break;
    case absl::StatusCode::kDataLoss:
      out +=
          "the ledger's storage holds damaged data; the operator has been "
          "told in the server's log";
      break;
    default:
      out +=
          "the ledger's storage failed; the operator has been told in the "
          "server's log";
      break;
  }
  return out;
}

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  if (HoldsStorageDetail(status.code(), message)) {
    spdlog::error("event=storage_error code={} detail=\"{}\"",
                  absl::StatusCodeToString(status.code()), message);
    return grpc::Status(code, PublicStorageMessage(status.code(), message));
  }
  return grpc::Status(code, std::move(message));
}

}  // namespace uuro::server

#endif  // SERVICES_GRPC_STATUS_H_
