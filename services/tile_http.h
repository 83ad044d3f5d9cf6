// The log over HTTP, read-only, as C2SP tlog-tiles: the latest checkpoint,
// hash tiles, entry bundles and the verifier key, so that off-the-shelf
// transparency-log tooling and plain HTTP caches can check and mirror it.
#ifndef SERVICES_TILE_HTTP_H_
#define SERVICES_TILE_HTTP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/http_listener.h"
#include "services/ledger_node.h"

namespace uuro::server {

class TileHttpServer {
 public:
  // Starts serving `node` (which must outlive the server) on `address`
  // ("host:port"; port 0 picks a free one) with its own threads.
  static absl::StatusOr<std::unique_ptr<TileHttpServer>> Start(
      const LedgerNode& node, const std::string& address);
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
