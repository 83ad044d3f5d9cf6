#include "tests/testing/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace uuro::testing {

int ConnectFrom(const std::string& address, const std::string& source) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port)) {
    return -1;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd);
      return -1;
    }
  }
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.substr(0, colon).c_str(), &remote.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool SendAll(int fd, const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n =
        ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

RawHttpAnswer ReadAnswer(int fd, std::chrono::milliseconds timeout) {
  RawHttpAnswer answer;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    size_t head_end = answer.text.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      size_t body = 0;
      size_t at = answer.text.find("Content-Length: ");
      if (at == std::string::npos) at = answer.text.find("content-length: ");
      if (at != std::string::npos && at < head_end) {
        size_t line_end = answer.text.find("\r\n", at);
        (void)absl::SimpleAtoi(answer.text.substr(at + 16, line_end - at - 16),
                               &body);
      }
      if (answer.text.size() >= head_end + 4 + body) break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {-1, answer.text};
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[16384];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.text.append(buffer, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  if (answer.text.size() >= 12 && answer.text.rfind("HTTP/1.", 0) == 0) {
    (void)absl::SimpleAtoi(answer.text.substr(9, 3), &answer.status);
  }
  return answer;
}

RawHttpAnswer RawHttpGet(const std::string& address, const std::string& path,
                         std::chrono::milliseconds timeout) {
  int fd = ConnectFrom(address);
  if (fd < 0) return {};
  RawHttpAnswer answer;
  if (SendAll(fd, absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: test\r\n",
                               "Connection: close\r\n\r\n"))) {
    answer = ReadAnswer(fd, timeout);
  }
  ::close(fd);
  return answer;
}

}  // namespace uuro::testing
