// An HTTP mirror in front of a real uurod's tiles, for tests: it forwards
// every GET and lets a test change answers (a tampered entry, a mirror going
// down) or point it at another server (a forked log behind the same URL).
// Header-only: tests that include it link cpp-httplib themselves.
#ifndef TESTS_TESTING_TILE_PROXY_H_
#define TESTS_TESTING_TILE_PROXY_H_

#include <httplib.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace uuro::testing {

class TileProxy {
 public:
  // Called with the request path and the upstream answer; may change it.
  using Rewrite =
      std::function<void(const std::string& path, httplib::Response& res)>;

  explicit TileProxy(std::string upstream, Rewrite rewrite = nullptr)
      : upstream_(std::move(upstream)), rewrite_(std::move(rewrite)) {
    server_.Get(R"(/.*)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Forward(req, res);
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~TileProxy() {
    server_.stop();
    thread_.join();
  }
  TileProxy(const TileProxy&) = delete;
  TileProxy& operator=(const TileProxy&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  void set_upstream(std::string upstream) {
    absl::MutexLock lock(&mu_);
    upstream_ = std::move(upstream);
  }
  void set_rewrite(Rewrite rewrite) {
    absl::MutexLock lock(&mu_);
    rewrite_ = std::move(rewrite);
  }
  // Every path asked for so far, in order.
  std::vector<std::string> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  void clear_requests() {
    absl::MutexLock lock(&mu_);
    requests_.clear();
  }

 private:
  void Forward(const httplib::Request& req, httplib::Response& res) {
    std::string upstream;
    Rewrite rewrite;
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(req.path);
      upstream = upstream_;
      rewrite = rewrite_;
    }
    httplib::Client client("http://" + upstream);
    httplib::Result got = client.Get(req.path);
    if (!got) {
      res.status = 502;
      return;
    }
    res.status = got->status;
    res.body = got->body;
    res.set_header("Content-Type", got->get_header_value("Content-Type"));
    if (rewrite) rewrite(req.path, res);
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::string upstream_ ABSL_GUARDED_BY(mu_);
  Rewrite rewrite_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_TILE_PROXY_H_
