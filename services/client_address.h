// Who a call comes from, for limits per client address. Calls that the
// Connect gateway forwards arrive over the in-process channel (whose peer
// gRPC calls "unknown"), so the gateway names the HTTP client in a header,
// believed only with a token that this process made and never shows.
#ifndef SERVICES_CLIENT_ADDRESS_H_
#define SERVICES_CLIENT_ADDRESS_H_

#include <grpcpp/grpcpp.h>

#include <string>

namespace uuro::server {

// Metadata the Connect gateway sets to the HTTP client's IP address, and
// to GatewayToken().
inline constexpr char kClientAddressHeader[] = "uuro-client-address";
inline constexpr char kGatewayTokenHeader[] = "uuro-gateway-token";

// A random token made once per process.
const std::string& GatewayToken();

// The client's IP address: the host part of the gRPC peer
// ("ipv4:10.0.0.7:5123" -> "10.0.0.7"; a client opening new connections gets
// new ports, not a new address), or, for a call forwarded by the Connect
// gateway (it carries GatewayToken()), the address the gateway names.
std::string ClientAddressOf(const grpc::ServerContextBase& context);

}  // namespace uuro::server

#endif  // SERVICES_CLIENT_ADDRESS_H_
