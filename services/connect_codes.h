// The Connect protocol's error codes and their HTTP statuses
// (https://connectrpc.com/docs/protocol#error-codes), from gRPC's codes.
#ifndef SERVICES_CONNECT_CODES_H_
#define SERVICES_CONNECT_CODES_H_

#include <grpcpp/support/status.h>

#include <string>

#include "ledger/net/http_message.h"

namespace uuro::server {

// "not_found", "invalid_argument", ...; "unknown" for anything else.
const char* ConnectCodeName(grpc::StatusCode code);
// The HTTP status the Connect protocol gives the code: 404 for not_found,
// 429 for resource_exhausted, 400 for failed_precondition, ...
int ConnectHttpStatus(grpc::StatusCode code);
// A Connect error answer: the status above and {"code":...,"message":...}.
HttpResponse ConnectError(grpc::StatusCode code, const std::string& message);

}  // namespace uuro::server

#endif  // SERVICES_CONNECT_CODES_H_
