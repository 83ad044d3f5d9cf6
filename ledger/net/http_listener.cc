#include "ledger/net/http_listener.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace uuro {

// One request's answer, shared by the connection and the handler's reply.
struct HttpExchange {
  absl::Mutex mu;
  MHD_Connection* const connection;
  HttpListener* const listener;
  bool suspended ABSL_GUARDED_BY(mu) = false;
  std::optional<HttpResponse> response ABSL_GUARDED_BY(mu);

  HttpExchange(MHD_Connection* c, HttpListener* l)
      : connection(c), listener(l) {}
};

// What libmicrohttpd keeps for one request between its callbacks.
struct HttpPending {
  std::string body;
  bool too_large = false;
  std::shared_ptr<HttpExchange> exchange;
};

struct HttpListenerCallbacks {
  static MHD_Result Queue(MHD_Connection* connection,
                          const HttpResponse& answer) {
    MHD_Response* response = MHD_create_response_from_buffer(
        answer.body.size(), const_cast<char*>(answer.body.data()),
        MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    if (!answer.content_type.empty()) {
      MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                              answer.content_type.c_str());
    }
    for (const auto& [name, value] : answer.headers) {
      MHD_add_response_header(response, name.c_str(), value.c_str());
    }
    MHD_Result queued = MHD_queue_response(
        connection, static_cast<unsigned>(answer.status), response);
    MHD_destroy_response(response);
    return queued;
  }

  static MHD_Result AddValue(void* map, MHD_ValueKind, const char* key,
                             const char* value) {
    if (key == nullptr) return MHD_YES;
    auto& values = *static_cast<std::map<std::string, std::string>*>(map);
    values[key] = value == nullptr ? "" : value;
    return MHD_YES;
  }

  static std::string PeerOf(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == nullptr || info->client_addr == nullptr) return "";
    char text[INET6_ADDRSTRLEN] = {};
    const sockaddr* addr = info->client_addr;
    if (addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr,
                text, sizeof text);
    } else if (addr->sa_family == AF_INET6) {
      inet_ntop(AF_INET6,
                &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text,
                sizeof text);
    }
    return text;
  }

  static HttpRequest RequestOf(MHD_Connection* connection, const char* url,
                               const char* method, std::string body) {
    HttpRequest request;
    request.method = method;
    request.path = url;
    request.body = std::move(body);
    request.peer = PeerOf(connection);
    std::map<std::string, std::string> headers;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, &AddValue, &headers);
    for (auto& [name, value] : headers) {
      request.headers[absl::AsciiStrToLower(name)] = std::move(value);
    }
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &AddValue,
                              &request.query);
    return request;
  }

  // Called for the headers, for each piece of the body, and once more after
  // it (and again after a resume): see MHD_AccessHandlerCallback.
  static MHD_Result OnRequest(void* self, MHD_Connection* connection,
                              const char* url, const char* method,
                              const char* /*version*/, const char* upload_data,
                              size_t* upload_data_size, void** state) {
    auto* listener = static_cast<HttpListener*>(self);
    auto* pending = static_cast<HttpPending*>(*state);
    if (pending == nullptr) {
      pending = new HttpPending;
      *state = pending;
      // A declared body over the limit is refused before it is sent.
      const char* length = MHD_lookup_connection_value(
          connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      uint64_t declared = 0;
      if (length != nullptr && absl::SimpleAtoi(length, &declared) &&
          declared > listener->limits_.max_body_bytes) {
        pending->too_large = true;
        return Queue(connection,
                     HttpResponse::Text(413, "request body too large\n"));
      }
      return MHD_YES;
    }
    if (*upload_data_size != 0) {
      if (pending->body.size() + *upload_data_size >
          listener->limits_.max_body_bytes) {
        return MHD_NO;  // A chunked body over the limit: close.
      }
      pending->body.append(upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (pending->too_large) return MHD_YES;
    listener->Disarm(connection);
    if (pending->exchange != nullptr) {  // Resumed: the answer is there.
      std::optional<HttpResponse> answer;
      {
        absl::MutexLock lock(&pending->exchange->mu);
        answer = std::move(pending->exchange->response);
      }
      if (!answer) return MHD_NO;
      return Queue(connection, *answer);
    }
    auto exchange = std::make_shared<HttpExchange>(connection, listener);
    pending->exchange = exchange;
    HttpRequest request =
        RequestOf(connection, url, method, std::move(pending->body));
    listener->handler_(request, [exchange](HttpResponse answer) {
      absl::MutexLock lock(&exchange->mu);
      exchange->response = std::move(answer);
      if (exchange->suspended) {
        exchange->suspended = false;
        MHD_resume_connection(exchange->connection);
        exchange->listener->Resumed();
      }
    });
    absl::MutexLock lock(&exchange->mu);
    if (exchange->response) {
      HttpResponse answer = std::move(*exchange->response);
      exchange->response.reset();
      return Queue(connection, answer);
    }
    // The handler answers later, from another thread: park the connection
    // (no thread waits for it) until the reply resumes it.
    exchange->suspended = true;
    listener->Suspended();
    MHD_suspend_connection(connection);
    return MHD_YES;
  }

  static void OnCompleted(void* /*self*/, MHD_Connection* /*connection*/,
                          void** state, MHD_RequestTerminationCode) {
    delete static_cast<HttpPending*>(*state);
    *state = nullptr;
  }

  static void OnConnection(void* self, MHD_Connection* connection,
                           void** /*socket_state*/,
                           MHD_ConnectionNotificationCode code) {
    auto* listener = static_cast<HttpListener*>(self);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      return listener->Forget(connection);
    }
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info != nullptr) listener->Arm(connection, info->connect_fd);
  }

  // Called when a request line arrives: a kept-alive connection's next
  // request gets a deadline of its own.
  static void* OnRequestLine(void* self, const char* /*uri*/,
                             MHD_Connection* connection) {
    static_cast<HttpListener*>(self)->Arm(connection, -1);
    return nullptr;  // *state stays null for OnRequest's first call.
  }
};

namespace {

// "host:port" -> a socket address; hosts are numeric (IPv4 or [IPv6]).
absl::Status ParseAddress(const std::string& address, sockaddr_storage& out,
                          std::string& host) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad HTTP listen address \"", address, "\"; want HOST:PORT"));
  }
  host = address.substr(0, colon);
  std::string bare = host;
  // "[::1]:80" names an IPv6 host; the socket API wants it bare.
  if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  if (bare == "localhost") bare = "127.0.0.1";
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET, bare.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
  } else if (inet_pton(AF_INET6, bare.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad HTTP listen host \"", host, "\"; want an IP address"));
  }
  return absl::OkStatus();
}

}  // namespace

HttpListener::~HttpListener() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    const std::string& address, HttpHandler handler, const HttpLimits& limits) {
  sockaddr_storage addr;
  std::string host;
  if (absl::Status parsed = ParseAddress(address, addr, host); !parsed.ok()) {
    return parsed;
  }
  std::unique_ptr<HttpListener> listener(
      new HttpListener(std::move(handler), limits));
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
  if (addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  listener->daemon_ = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &HttpListenerCallbacks::OnRequest,
      listener.get(), MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
      MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(limits.idle_timeout_s), MHD_OPTION_CONNECTION_LIMIT,
      limits.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      limits.max_connections_per_ip, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      limits.header_bytes, MHD_OPTION_THREAD_POOL_SIZE,
      limits.threads < 1 ? 1u : limits.threads, MHD_OPTION_NOTIFY_COMPLETED,
      &HttpListenerCallbacks::OnCompleted, listener.get(),
      MHD_OPTION_NOTIFY_CONNECTION, &HttpListenerCallbacks::OnConnection,
      listener.get(), MHD_OPTION_URI_LOG_CALLBACK,
      &HttpListenerCallbacks::OnRequestLine, listener.get(), MHD_OPTION_END);
  if (listener->daemon_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", address));
  }
  const MHD_DaemonInfo* info =
      MHD_get_daemon_info(listener->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  listener->address_ = absl::StrCat(host, ":", info ? info->port : 0);
  HttpListener* self = listener.get();
  listener->sweeper_ = std::thread([self] { self->Sweep(); });
  return listener;
}

void HttpListener::Arm(MHD_Connection* connection, int fd) {
  absl::MutexLock lock(&mu_);
  Deadline& d = deadlines_[connection];
  if (fd >= 0) d.fd = fd;
  d.at = absl::Now() + absl::Seconds(limits_.request_deadline_s);
}

void HttpListener::Disarm(MHD_Connection* connection) {
  absl::MutexLock lock(&mu_);
  auto it = deadlines_.find(connection);
  if (it != deadlines_.end()) it->second.at = absl::InfiniteFuture();
}

void HttpListener::Forget(MHD_Connection* connection) {
  absl::MutexLock lock(&mu_);
  deadlines_.erase(connection);
}

void HttpListener::Sweep() {
  absl::MutexLock lock(&mu_);
  auto stopping = +[](bool* s) { return *s; };
  while (!mu_.AwaitWithTimeout(absl::Condition(stopping, &stopping_),
                               absl::Milliseconds(250))) {
    const absl::Time now = absl::Now();
    for (auto& [connection, d] : deadlines_) {
      if (d.at > now || d.fd < 0) continue;
      // Ends the connection from outside the event loop: its thread sees the
      // socket hang up and closes it as it would any other.
      ::shutdown(d.fd, SHUT_RDWR);
      d.at = absl::InfiniteFuture();
    }
  }
}

void HttpListener::Suspended() {
  absl::MutexLock lock(&mu_);
  ++suspended_;
}

void HttpListener::Resumed() {
  absl::MutexLock lock(&mu_);
  --suspended_;
}

void HttpListener::Stop() {
  if (daemon_ == nullptr) return;
  // No new connections; the handlers owe their answers to the suspended
  // ones (they answer within their deadlines), and the daemon must not stop
  // with a connection suspended.
  const MHD_socket listen_fd = MHD_quiesce_daemon(daemon_);
  {
    absl::MutexLock lock(&mu_);
    auto none = +[](int* suspended) { return *suspended == 0; };
    mu_.AwaitWithTimeout(absl::Condition(none, &suspended_), absl::Seconds(60));
  }
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  sweeper_.join();
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
  // Quiescing handed the listening socket to us.
  if (listen_fd != MHD_INVALID_SOCKET) ::close(listen_fd);
}

}  // namespace uuro
