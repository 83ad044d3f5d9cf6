#include "services/rate_limiter.h"

#include <algorithm>

namespace uuro::server {

bool RateLimiter::Allow(std::string_view client) {
  if (per_second_ <= 0) return true;
  const Clock::time_point now = Clock::now();
  absl::MutexLock lock(&mu_);
  // Full buckets carry no information: drop them now and then, so memory
  // follows the active signers, not every signer ever seen.
  if (now - last_sweep_ > std::chrono::seconds(60)) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double refill =
          std::chrono::duration<double>(now - it->second.updated).count() *
          per_second_;
      it = it->second.tokens + refill >= burst_ ? buckets_.erase(it) : ++it;
    }
    last_sweep_ = now;
  }
  auto [it, inserted] =
      buckets_.try_emplace(std::string(client), Bucket{burst_, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
  b.updated = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void RateLimiter::Refund(std::string_view client) {
  if (per_second_ <= 0) return;
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(client);
  if (it != buckets_.end()) {
    it->second.tokens = std::min(burst_, it->second.tokens + 1);
  }
}

}  // namespace uuro::server
