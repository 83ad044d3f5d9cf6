#include "services/connect_codes.h"

#include <nlohmann/json.hpp>

namespace uuro::server {
namespace {

struct CodeRow {
  grpc::StatusCode code;
  const char* name;
  int http_status;
};

// The table of the Connect specification, in gRPC's code order.
constexpr CodeRow kCodes[] = {
    {grpc::StatusCode::CANCELLED, "canceled", 499},
    {grpc::StatusCode::UNKNOWN, "unknown", 500},
    {grpc::StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
    {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
    {grpc::StatusCode::NOT_FOUND, "not_found", 404},
    {grpc::StatusCode::ALREADY_EXISTS, "already_exists", 409},
    {grpc::StatusCode::PERMISSION_DENIED, "permission_denied", 403},
    {grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
    {grpc::StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
    {grpc::StatusCode::ABORTED, "aborted", 409},
    {grpc::StatusCode::OUT_OF_RANGE, "out_of_range", 400},
    {grpc::StatusCode::UNIMPLEMENTED, "unimplemented", 501},
    {grpc::StatusCode::INTERNAL, "internal", 500},
    {grpc::StatusCode::UNAVAILABLE, "unavailable", 503},
    {grpc::StatusCode::DATA_LOSS, "data_loss", 500},
    {grpc::StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
};

const CodeRow& RowOf(grpc::StatusCode code) {
  for (const CodeRow& row : kCodes) {
    if (row.code == code) return row;
  }
  return kCodes[1];  // unknown
}

}  // namespace

const char* ConnectCodeName(grpc::StatusCode code) { return RowOf(code).name; }

int ConnectHttpStatus(grpc::StatusCode code) { return RowOf(code).http_status; }

HttpResponse ConnectError(grpc::StatusCode code, const std::string& message) {
  nlohmann::json body = {{"code", ConnectCodeName(code)}};
  if (!message.empty()) body["message"] = message;
  HttpResponse res;
  res.status = ConnectHttpStatus(code);
  res.content_type = "application/json";
  // Invalid UTF-8 in a message is replaced, never a throw.
  res.body =
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

}  // namespace uuro::server
