// An event-driven HTTP server (libmicrohttpd) listening on "host:port". A
// few threads each wait on epoll for all connections, so an idle or slow
// client costs a socket, never a thread; answers that wait (a submission
// until its commit) suspend their connection. uurod's public and admin ports
// and the council's witness use it.
#ifndef LEDGER_NET_HTTP_LISTENER_H_
#define LEDGER_NET_HTTP_LISTENER_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/net/http_message.h"

struct MHD_Connection;
struct MHD_Daemon;

namespace uuro {

// What one client may cost the server. Beyond a limit a client gets a clear
// HTTP status (413 for a body) or a closed connection.
struct HttpLimits {
  // Seconds a connection may stay silent: a request slow to arrive, or an
  // idle keep-alive connection, is closed after it.
  unsigned idle_timeout_s = 15;
  // Seconds from a connection's start (or a request line on a kept-alive
  // one) until the whole request, headers and body, must have arrived; a
  // client trickling a header line now and then is closed after it.
  unsigned request_deadline_s = 30;
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
  // The request deadline: armed when a connection starts or a request line
  // arrives, disarmed once the request is complete; a sweeper thread shuts
  // down the sockets whose deadline passed (libmicrohttpd then closes them).
  void Arm(MHD_Connection* connection, int fd) ABSL_LOCKS_EXCLUDED(mu_);
  void Disarm(MHD_Connection* connection) ABSL_LOCKS_EXCLUDED(mu_);
  void Forget(MHD_Connection* connection) ABSL_LOCKS_EXCLUDED(mu_);
  void Sweep() ABSL_LOCKS_EXCLUDED(mu_);

  const HttpHandler handler_;
  const HttpLimits limits_;
  MHD_Daemon* daemon_ = nullptr;
  std::string address_;
  absl::Mutex mu_;
  // Connections suspended until their handler replies; the daemon may only
  // stop once none is left.
  int suspended_ ABSL_GUARDED_BY(mu_) = 0;
  struct Deadline {
    int fd = -1;
    absl::Time at = absl::InfiniteFuture();  // Infinite when disarmed.
  };
  // Every open connection. An entry is erased (under mu_) before its socket
  // is closed, so Sweep() never shuts down a reused descriptor.
  std::map<MHD_Connection*, Deadline> deadlines_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread sweeper_;

  friend struct HttpListenerCallbacks;
};

}  // namespace uuro

#endif  // LEDGER_NET_HTTP_LISTENER_H_
