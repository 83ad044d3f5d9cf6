// An event-driven HTTP server (libmicrohttpd) listening on "host:port". A
// few threads each wait on epoll for all connections, so an idle or slow
// client costs a socket, never a thread; answers that wait (a submission
// until its commit) suspend their connection. uurod's public and admin ports
// and the council's witness use it.
#ifndef LEDGER_NET_HTTP_LISTENER_H_
#define LEDGER_NET_HTTP_LISTENER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/net/http_message.h"

struct MHD_Daemon;

namespace uuro {

// What one client may cost the server. Beyond a limit a client gets a clear
// HTTP status (413 for a body) or a closed connection.
struct HttpLimits {
  // Seconds a connection may stay silent: a request slow to arrive, or an
  // idle keep-alive connection, is closed after it.
  unsigned idle_timeout_s = 15;
  // Open connections in all, and from one client IP address.
  unsigned max_connections = 4096;
  unsigned max_connections_per_ip = 64;
  // Memory for one connection's request line and headers (and the answer's
  // headers); a request whose headers do not fit gets 431/closed.
  size_t header_bytes = 32 * 1024;
  // Largest request body; larger ones get 413 Payload Too Large.
  size_t max_body_bytes = 4 << 20;
  // Threads waiting on epoll (each serves many connections).
  unsigned threads = 2;
};

class HttpListener {
 public:
  // Binds `address` ("host:port", "[v6]:port"; port 0 picks a free one) and
  // serves every request with `handler`, which must be thread-safe.
  // InvalidArgument for a malformed address, Unavailable if it cannot bind.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      const std::string& address, HttpHandler handler,
      const HttpLimits& limits = {});
  ~HttpListener();  // Stop().
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // The address actually bound ("host:port", with the chosen port).
  const std::string& address() const { return address_; }

  // Stops listening, waits for the answers still owed, joins the threads.
  void Stop();

 private:
  HttpListener(HttpHandler handler, const HttpLimits& limits)
      : handler_(std::move(handler)), limits_(limits) {}

  void Suspended() ABSL_LOCKS_EXCLUDED(mu_);
  void Resumed() ABSL_LOCKS_EXCLUDED(mu_);

  const HttpHandler handler_;
  const HttpLimits limits_;
  MHD_Daemon* daemon_ = nullptr;
  std::string address_;
  absl::Mutex mu_;
  // Connections suspended until their handler replies; the daemon may only
  // stop once none is left.
  int suspended_ ABSL_GUARDED_BY(mu_) = 0;

  friend struct HttpListenerCallbacks;
};

}  // namespace uuro

#endif  // LEDGER_NET_HTTP_LISTENER_H_
