#include "services/client_address.h"

#include "ledger/tlog/bytes.h"
#include "sodium.h"

namespace uuro::server {
namespace {

std::string HostOf(const std::string& peer) {
  if (peer.starts_with("ipv6:[")) {
    size_t end = peer.find(']');
    if (end != std::string::npos) return peer.substr(6, end - 6);
  }
  if (peer.starts_with("ipv4:")) {
    return peer.substr(5, peer.rfind(':') - 5);
  }
  return peer;  // Unix sockets and the like: one client.
}

}  // namespace

const std::string& GatewayToken() {
  static const std::string token = [] {
    uint8_t bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    return ToHex(ByteView(bytes, sizeof bytes));
  }();
  return token;
}

std::string ClientAddressOf(const grpc::ServerContextBase& context) {
  const std::string peer = context.peer();
  // A network client that sets the headers is still known by its own
  // address: it cannot know the token.
  const auto& metadata = context.client_metadata();
  auto token = metadata.find(kGatewayTokenHeader);
  auto named = metadata.find(kClientAddressHeader);
  if (token != metadata.end() && named != metadata.end() &&
      ConstantTimeEqual(
          AsBytes(std::string_view(token->second.data(), token->second.size())),
          AsBytes(GatewayToken()))) {
    return std::string(named->second.data(), named->second.size());
  }
  return HostOf(peer);
}

}  // namespace uuro::server
