// Limits on what one request may ask for, so no client can make the server
// do unbounded work.
#ifndef SERVICES_LIMITS_H_
#define SERVICES_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace uuro::server {

inline constexpr uint32_t kDefaultPageSize = 50;
inline constexpr uint32_t kMaxPageSize = 500;
inline constexpr uint64_t kMaxEntriesPerCall = 1000;
inline constexpr size_t kMaxBatchEnvelopes = 1000;
inline constexpr int kMaxMessageBytes = 4 << 20;
inline constexpr int kMaxReportsShown = 100;
// Request threads kept waiting for calls when idle (see server.cc).
inline constexpr int kMaxIdleRequestThreads = 256;

inline uint32_t PageSize(uint32_t asked) {
  if (asked == 0) return kDefaultPageSize;
  return asked > kMaxPageSize ? kMaxPageSize : asked;
}

}  // namespace uuro::server

#endif  // SERVICES_LIMITS_H_
