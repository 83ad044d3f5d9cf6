// The log over HTTP, read-only, as C2SP tlog-tiles: the latest checkpoint,
// hash tiles, entry bundles and the verifier key, so that off-the-shelf
// transparency-log tooling and plain HTTP caches can check and mirror it.
#ifndef SERVICES_TILE_HTTP_H_
#define SERVICES_TILE_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/net/http_listener.h"
#include "services/ledger_view.h"

namespace uuro::server {

class TileHttpServer {
 public:
  // Renders the Prometheus page for GET /metrics (services/metrics.h).
  using MetricsPage = std::function<std::string()>;

  // Starts serving `node` (which must outlive the server) on `address`
  // ("host:port"; port 0 picks a free one) with its own threads. With
  // `metrics`, also serves GET /metrics.
  static absl::StatusOr<std::unique_ptr<TileHttpServer>> Start(
      const LedgerView& node, const std::string& address,
      MetricsPage metrics = nullptr);
  ~TileHttpServer();  // Stop().
  TileHttpServer(const TileHttpServer&) = delete;
  TileHttpServer& operator=(const TileHttpServer&) = delete;

  // The address actually bound ("host:port", with the chosen port).
  const std::string& address() const { return listener_->address(); }

  // Stops listening, finishes the requests in flight, joins the threads.
  void Stop() { listener_->Stop(); }

 private:
  explicit TileHttpServer(std::unique_ptr<HttpListener> listener)
      : listener_(std::move(listener)) {}

  std::unique_ptr<HttpListener> listener_;
};

}  // namespace uuro::server

#endif  // SERVICES_TILE_HTTP_H_
