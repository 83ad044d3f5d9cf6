#include "ledger/net/http_listener.h"

#include <httplib.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace uuro {

HttpListener::HttpListener(std::unique_ptr<httplib::Server> server)
    : http_(std::move(server)) {}

HttpListener::~HttpListener() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    std::unique_ptr<httplib::Server> server, const std::string& address) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad HTTP listen address \"", address, "\"; want HOST:PORT"));
  }
  std::string host = address.substr(0, colon);
  // "[::1]:80" names an IPv6 host; the socket API wants it bare.
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::unique_ptr<HttpListener> listener(new HttpListener(std::move(server)));
  httplib::Server& http = *listener->http_;
  // Headers and body go out in separate writes; without this, Nagle's
  // algorithm and delayed ACKs add ~40 ms to every keep-alive request.
  http.set_tcp_nodelay(true);
  int bound = port;
  if (port == 0) {
    bound = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", address));
  }
  listener->address_ = absl::StrCat(address.substr(0, colon), ":", bound);
  std::atomic<bool>& returned = listener->listen_returned_;
  listener->thread_ = std::thread([&http, &returned] {
    http.listen_after_bind();
    returned = true;
  });
  // stop() only acts on a running server: wait for the accept loop, so that
  // Stop() right after Start() cannot leave it running forever.
  while (!http.is_running() && !returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return listener;
}

void HttpListener::Stop() {
  if (!thread_.joinable()) return;
  http_->stop();
  thread_.join();
}

}  // namespace uuro
