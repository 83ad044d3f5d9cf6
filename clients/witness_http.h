// The witness over HTTP: POST /add-checkpoint, as C2SP tlog-witness names it.
#ifndef CLIENTS_WITNESS_HTTP_H_
#define CLIENTS_WITNESS_HTTP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/witness.h"
#include "ledger/net/http_listener.h"

namespace uuro::client {

// Serves `witness` (which must outlive the listener) on `address`. Bodies
// larger than any valid request are refused with 413 before they are read.
absl::StatusOr<std::unique_ptr<HttpListener>> StartWitnessHttp(
    Witness& witness, const std::string& address);

}  // namespace uuro::client

#endif  // CLIENTS_WITNESS_HTTP_H_
