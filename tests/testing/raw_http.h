// HTTP over a plain socket, for tests that must send what well-behaved
// clients never do (paths with "..", half-sent requests) or open many
// connections from chosen loopback addresses.
#ifndef TESTS_TESTING_RAW_HTTP_H_
#define TESTS_TESTING_RAW_HTTP_H_

#include <chrono>
#include <string>

namespace uuro::testing {

// A TCP connection to `address` ("host:port") from `source` (an IPv4
// loopback address such as "127.0.0.2"; empty: any). -1 on failure.
int ConnectFrom(const std::string& address, const std::string& source = "");

// Writes all of `text`; false if the peer closed or refused it.
bool SendAll(int fd, const std::string& text);

struct RawHttpAnswer {
  int status = -1;   // -1: no answer (closed, timed out).
  std::string text;  // Everything read, headers included.
};

// Reads one answer (headers and a Content-Length body) within `timeout`.
RawHttpAnswer ReadAnswer(int fd, std::chrono::milliseconds timeout);

// "GET `path` HTTP/1.1" exactly as given, on a connection of its own.
RawHttpAnswer RawHttpGet(
    const std::string& address, const std::string& path,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace uuro::testing

#endif  // TESTS_TESTING_RAW_HTTP_H_
