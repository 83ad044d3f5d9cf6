// An HTTP server (cpp-httplib) listening on "host:port" in a thread of its
// own. uurod's tiles listener and the council's witness both use it.
#ifndef LEDGER_NET_HTTP_LISTENER_H_
#define LEDGER_NET_HTTP_LISTENER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace uuro {

class HttpListener {
 public:
  // Binds `server` (its handlers already set) to `address` ("host:port",
  // "[v6]:port"; port 0 picks a free one) and starts serving. InvalidArgument
  // for a malformed address, Unavailable if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      std::unique_ptr<httplib::Server> server, const std::string& address);
  ~HttpListener();  // Stop().
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // The address actually bound ("host:port", with the chosen port).
  const std::string& address() const { return address_; }

  // Stops listening, finishes the requests in flight, joins the thread.
  void Stop();

 private:
  explicit HttpListener(std::unique_ptr<httplib::Server> server);

  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  std::string address_;
};

}  // namespace uuro

#endif  // LEDGER_NET_HTTP_LISTENER_H_
