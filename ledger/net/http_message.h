// What an HTTP handler sees of a request and gives back as its answer,
// independent of the server library underneath (ledger/net/http_listener.h).
#ifndef LEDGER_NET_HTTP_MESSAGE_H_
#define LEDGER_NET_HTTP_MESSAGE_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace uuro {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // Percent-decoded, without the query.
  std::map<std::string, std::string> query;    // Decoded arguments.
  std::map<std::string, std::string> headers;  // Names in lower case.
  std::string body;
  std::string peer;  // The client's IP address ("127.0.0.1", "::1").

  // The header's value, or "" if absent. `name` in lower case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // Empty: no Content-Type header.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  HttpResponse& Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static HttpResponse Text(int status, std::string text) {
    HttpResponse res;
    res.status = status;
    res.content_type = "text/plain; charset=utf-8";
    res.body = std::move(text);
    return res;
  }
};

// Sends the answer. A handler calls it exactly once, from any thread, now or
// later: a connection whose answer waits costs a socket, not a thread.
using HttpReply = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest&, HttpReply)>;

}  // namespace uuro

#endif  // LEDGER_NET_HTTP_MESSAGE_H_
