// Token buckets per client: one key (or one address) flooding the ledger is
// slowed down while everyone else keeps being served.
#ifndef SERVICES_RATE_LIMITER_H_
#define SERVICES_RATE_LIMITER_H_

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "ledger/tlog/keys.h"

namespace uuro::server {

class RateLimiter {
 public:
  // `per_second` tokens per client on average, bursts up to `burst`.
  // A rate of 0 disables limiting.
  RateLimiter(double per_second, double burst)
      : per_second_(per_second), burst_(burst) {}

  // True if `client` may spend one more token now, and spends it.
  // Thread-safe.
  bool Allow(std::string_view client);
  bool Allow(const PublicKey& signer) { return Allow(PublicKeyBytes(signer)); }
  // Gives back a token spent by Allow (for requests that only count when
  // they fail). Thread-safe.
  void Refund(std::string_view client);

 private:
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  const double per_second_;
  const double burst_;
  absl::Mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_ ABSL_GUARDED_BY(mu_);
  Clock::time_point last_sweep_ ABSL_GUARDED_BY(mu_) = Clock::now();
};

}  // namespace uuro::server

#endif  // SERVICES_RATE_LIMITER_H_
