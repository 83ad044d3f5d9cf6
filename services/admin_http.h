// The operator's HTTP port (--admin-listen, loopback by default): /metrics
// and /healthz, kept off the public port so the public never reads them and
// a flood there cannot hide the server's own figures.
#ifndef SERVICES_ADMIN_HTTP_H_
#define SERVICES_ADMIN_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/net/http_listener.h"

namespace uuro::server {

// Renders the Prometheus page for GET /metrics (services/metrics.h).
using MetricsPage = std::function<std::string()>;

// Serves `metrics` (called on the listener's threads) on `address`.
absl::StatusOr<std::unique_ptr<HttpListener>> StartAdminHttp(
    const std::string& address, MetricsPage metrics);

}  // namespace uuro::server

#endif  // SERVICES_ADMIN_HTTP_H_
