// The Connect protocol (https://connectrpc.com/docs/protocol), unary, for
// every method of the Ledger, Audit and Transparency services, so that
// browsers can call them over plain HTTP. It is a gateway, not a second
// implementation: each call goes into the running gRPC server through its
// in-process channel as raw protobuf bytes, so validation, limits, the rate
// limiter, metrics, status codes and "Submit answers once durable" are the
// gRPC methods' own.
//
//   POST /uuro.v1.Ledger/GetFund         application/json or application/proto
//   GET  /uuro.v1.Ledger/GetFund?connect=v1&encoding=json&message=...
//        (methods marked `idempotency_level = NO_SIDE_EFFECTS` only)
#ifndef SERVICES_CONNECT_GATEWAY_H_
#define SERVICES_CONNECT_GATEWAY_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "ledger/net/http_message.h"

namespace google::protobuf {
class MethodDescriptor;
}  // namespace google::protobuf

namespace uuro::server {

class ConnectGateway {
 public:
  // `channel` reaches the gRPC server (grpc::Server::InProcessChannel). A
  // call takes at most `deadline`, or less if the client asks
  // (Connect-Timeout-Ms).
  ConnectGateway(std::shared_ptr<grpc::Channel> channel,
                 std::chrono::milliseconds deadline);
  ConnectGateway(const ConnectGateway&) = delete;
  ConnectGateway& operator=(const ConnectGateway&) = delete;

  // Whether `path` is in the gateway's namespace ("/uuro.v1.").
  static bool Claims(const std::string& path);

  // Answers `req` through `reply`, now (a malformed request) or from a gRPC
  // thread when the call completes; never blocks. Thread-safe.
  void Handle(HttpRequest& req, HttpReply reply) ABSL_LOCKS_EXCLUDED(mu_);

  // Starts no call after it returns: later requests get `unavailable`. Call
  // it before the gRPC server shuts down, whose in-process channel must not
  // see new calls after that; the calls in flight end with the shutdown.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // The method named by "/uuro.v1.Service/Method", or null.
  static const google::protobuf::MethodDescriptor* Find(
      const std::string& path);

  grpc::GenericStub stub_;
  const std::chrono::milliseconds deadline_;
  absl::Mutex mu_;  // Held shared while a call starts.
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace uuro::server

#endif  // SERVICES_CONNECT_GATEWAY_H_
