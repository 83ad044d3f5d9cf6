// Per-signer token buckets: one key flooding the ledger is slowed down while
// everyone else keeps being served.
#ifndef SERVICES_RATE_LIMITER_H_
#define SERVICES_RATE_LIMITER_H_

#include <chrono>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "ledger/tlog/keys.h"

namespace uuro::server {

class RateLimiter {
 public:
  // `per_second` transactions per signer on average, bursts up to `burst`.
  // A rate of 0 disables limiting.
  RateLimiter(double per_second, double burst)
      : per_second_(per_second), burst_(burst) {}

  // True if `signer` may submit one more transaction now. Thread-safe.
  bool Allow(const PublicKey& signer);

 private:
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  const double per_second_;
  const double burst_;
  absl::Mutex mu_;
  std::map<PublicKey, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  Clock::time_point last_sweep_ ABSL_GUARDED_BY(mu_) = Clock::now();
};

}  // namespace uuro::server

#endif  // SERVICES_RATE_LIMITER_H_
