// The gRPC server of uurod: the Ledger, Transparency and Audit services, the
// standard health service and server reflection, on one listener.
#ifndef SERVICES_SERVER_H_
#define SERVICES_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/audit_service.h"
#include "services/ledger_node.h"
#include "services/ledger_service.h"
#include "services/transparency_service.h"

namespace uuro::server {

struct ServeOptions {
  std::string grpc_listen = "127.0.0.1:50051";  // Port 0 picks a free one.
  std::string tls_cert;                         // PEM files; both or neither.
  std::string tls_key;
  ClaimLimits claims;  // Failed invite claims per client address.
  // The clock invites expire by in GetInvites; null: the system's. Not
  // owned.
  const WallClock* clock = nullptr;
};

class GrpcServer {
 public:
  // Starts serving `node`, which must outlive the server.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      LedgerNode& node, const ServeOptions& options) {
    return Start(node, node, options);
  }
  // Serves reads from `view` and writes through `writer` (a read follower
  // refuses them); both must outlive the server.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const LedgerView& view, LedgerWriter& writer,
      const ServeOptions& options);

  // The address actually bound (with the chosen port).
  const std::string& address() const { return address_; }

  // Stops taking calls and lets the ones in flight finish (up to a deadline).
  void Shutdown();
  // What the standard health service answers (SERVING at start).
  void SetServing(bool serving) {
    server_->GetHealthCheckService()->SetServingStatus(serving);
  }
  // Blocks until Shutdown() has completed.
  void Wait() { server_->Wait(); }
  // A channel into this server without a socket (the Connect gateway's):
  // its calls run the same methods as calls from the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();

 private:
  GrpcServer(const LedgerView& view, LedgerWriter& writer,
             const ServeOptions& options)
      : ledger_(view, writer, options.claims, options.clock),
        transparency_(view),
        audit_(view) {}

  LedgerService ledger_;
  TransparencyService transparency_;
  AuditService audit_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace uuro::server

#endif  // SERVICES_SERVER_H_
