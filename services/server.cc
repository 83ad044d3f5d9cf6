#include "services/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/status_macros.h"
#include "services/limits.h"

namespace uuro::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServeOptions& options) {
  if (options.tls_cert.empty() && options.tls_key.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both --tls-cert and --tls-key");
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  UURO_ASSIGN_OR_RETURN(pair.cert_chain, ReadFile(options.tls_cert));
  UURO_ASSIGN_OR_RETURN(pair.private_key, ReadFile(options.tls_key));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const LedgerView& view, LedgerWriter& writer, const ServeOptions& options) {
  UURO_ASSIGN_OR_RETURN(auto credentials, Credentials(options));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  auto server =
      std::unique_ptr<GrpcServer>(new GrpcServer(view, writer, options));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.grpc_listen, credentials, &port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Idle and abandoned connections must not pile up.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 5 * 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 256);
  // A submission holds its request thread until its batch is durable, so
  // many threads wait at once. gRPC's defaults (at most 2 idle pollers) make
  // each finished call end its thread and each new call start one; keeping
  // idle threads around saves a thread start and stop per call.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      kMaxIdleRequestThreads);
  builder.RegisterService(&server->ledger_);
  builder.RegisterService(&server->transparency_);
  builder.RegisterService(&server->audit_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.grpc_listen));
  }
  std::string host =
      options.grpc_listen.substr(0, options.grpc_listen.rfind(':'));
  server->address_ = absl::StrCat(host, ":", port);
  return server;
}

std::shared_ptr<grpc::Channel> GrpcServer::InProcessChannel() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return server_->InProcessChannel(args);
}

void GrpcServer::Shutdown() {
  server_->GetHealthCheckService()->Shutdown();
  // Calls in flight finish in milliseconds (the sequencer commits them); the
  // deadline bounds the wait for idle client connections, which otherwise
  // hold a shutdown for seconds. A call cut off after its commit loses
  // nothing: resubmitting the same envelope returns its receipt.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

}  // namespace uuro::server
