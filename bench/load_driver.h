// Concurrent clients that submit pre-signed awards to uurod and time every
// call, closed-loop (as fast as answers come) or open-loop at a fixed rate.
#ifndef BENCH_LOAD_DRIVER_H_
#define BENCH_LOAD_DRIVER_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_fund.h"

namespace uuro::bench {

struct LoadOptions {
  bool batch = false;  // SubmitBatch of `batch_size`, else unary Submit.
  size_t batch_size = 50;
  double seconds = 10;  // Stop sending after this long (0: no limit).
  double rate = 0;      // Awards per second over all clients; 0: no pacing.
  // Unary Submit over the Connect protocol to this HTTP address ("host:port")
  // instead of gRPC, one keep-alive connection per client; JSON or binary.
  std::string connect;
  bool json = false;
};

// Awards per client, in the order that client sends them. No resident may
// appear in two clients' lists (their nonces must arrive in order).
using Work = std::vector<std::vector<SignedAward>>;

struct LoadResult {
  uint64_t accepted = 0;
  uint64_t refused = 0;
  std::string first_refusal;
  double seconds = 0;              // From the start to the last answer.
  std::vector<double> latency_ms;  // One per accepted award.
  // The awards that were refused or never sent, to be signed again.
  std::vector<SignedAward> unused;
};

// One channel per client, each on its own connection.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const std::string& server, size_t n);

// Sends `work[i]` on `channels[i]`, one call at a time per client.
LoadResult RunLoad(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                   Work work, const LoadOptions& options);

// Signs `count` awards for `clients` clients; client c takes the residents
// r with r % clients == c in turn. Signs on every core.
Work SignAwards(BenchFund& fund, size_t clients, size_t count);

// Gives the nonces of unused awards back to their residents.
void GiveBack(BenchFund& fund, const std::vector<SignedAward>& unused);

// The q-quantile (0..1) of `values` (sorted here); 0 if empty.
double Quantile(std::vector<double>& values, double q);

}  // namespace uuro::bench

#endif  // BENCH_LOAD_DRIVER_H_
