// A fund made for load: many residents whose keys stay in memory, many
// initiatives and one open round with an allowance no benchmark exhausts.
// The benchmark signs awards from it and keeps every resident's nonce.
#ifndef BENCH_BENCH_FUND_H_
#define BENCH_BENCH_FUND_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/keys.h"

namespace uuro::bench {

struct FundSpec {
  size_t residents = 100000;
  size_t initiatives = 1000;
};

// One signed award and whose nonce it uses.
struct SignedAward {
  uint32_t resident = 0;
  uint64_t nonce = 0;
  std::string envelope;
};

class BenchFund {
 public:
  // Enrolls `spec.residents` new residents (each steward enrolls a share on
  // its own thread), has the first `spec.initiatives` of them propose an
  // initiative each, and opens a round. `stewards` must be steward keys of
  // the ledger behind `channel`.
  static absl::StatusOr<std::unique_ptr<BenchFund>> Create(
      std::shared_ptr<grpc::Channel> channel, std::vector<SecretKey> stewards,
      const FundSpec& spec);

  size_t residents() const { return residents_.size(); }

  // Signs resident `r`'s next award: 1 credit to the next initiative in its
  // turn. Calls for different residents may run on different threads; calls
  // for one resident must not overlap.
  SignedAward SignAward(uint32_t r);

  // Resident `r`'s awards from `nonce` on were not recorded: sign them again.
  void Rewind(uint32_t r, uint64_t nonce);

 private:
  struct Resident {
    SecretKey key = SecretKey::Generate();
    uint64_t next_nonce = 0;
    uint64_t awards = 0;
  };
  BenchFund(std::string origin, uint64_t round,
            std::vector<uint64_t> initiatives, std::vector<Resident> residents);

  const std::string origin_;
  const uint64_t round_;
  const std::vector<uint64_t> initiatives_;
  std::vector<Resident> residents_;
};

// SubmitBatch of `envelopes` (at most 1,000); all must be accepted. Returns
// the entry indexes.
absl::StatusOr<std::vector<uint64_t>> SubmitAll(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::string>& envelopes);

}  // namespace uuro::bench

#endif  // BENCH_BENCH_FUND_H_
