// A real fund on a real RocksDB in a temporary folder, driven one committed
// transaction at a time, for the fund rule tests.
#ifndef TESTS_TESTING_FUND_HARNESS_H_
#define TESTS_TESTING_FUND_HARNESS_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/queries.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/log_store.h"
#include "tests/testing/temp_dir.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::testing {

inline constexpr char kOrigin[] = "test.uuro.example/fund";
inline constexpr uint64_t kStartMs = 1'800'000'000'000;  // Genesis time.
// The districts the harness's genesis defines.
inline constexpr const char* kHarnessDistricts[] = {"east", "harbour", "hills",
                                                    "north", "south"};

// What the harness's genesis sets beyond its keys.
struct FundOptions {
  uint32_t council_quorum = 0;     // Of the council keys.
  uint32_t min_district_size = 1;  // Rule tests use tiny districts.
  uint32_t council_keys = 2;       // 2 or 3: council3() joins genesis.
};

class FundHarness {
 public:
  // Creates the store and applies genesis with one steward key, two council
  // keys (three with FundOptions::council_keys = 3) and the districts of
  // kHarnessDistricts.
  explicit FundHarness(FundOptions options = {});
  FundHarness(const FundHarness&) = delete;
  FundHarness& operator=(const FundHarness&) = delete;

  const SecretKey& log_key() const { return log_key_; }
  const SecretKey& steward() const { return steward_; }
  const SecretKey& council() const { return council_; }
  const SecretKey& council2() const { return council2_; }
  // On the council only with FundOptions::council_keys = 3.
  const SecretKey& council3() const { return council3_; }
  LogStore& store() { return *store_; }
  const fund::StateReader& state() const { return state_; }

  // The time the next entry gets; tests move it forward.
  uint64_t now_ms = kStartMs + 1000;

  // Fills in origin, the signer's next nonce and an expiry one hour ahead,
  // unless the body sets them (a nonce of kAutoNonce means "the next one").
  static constexpr uint64_t kAutoNonce = ~uint64_t{0};
  Bytes Sign(const SecretKey& signer, v1::TxBody body,
             uint64_t nonce = kAutoNonce);

  // Decodes, applies and commits one envelope as its own batch.
  absl::StatusOr<fund::ApplyResult> SubmitEnvelope(const Bytes& envelope);
  // Sign + SubmitEnvelope; the signer's nonce advances only on success.
  absl::StatusOr<fund::ApplyResult> Submit(const SecretKey& signer,
                                           v1::TxBody body);

  // Shorthands that expect success (they fail the test otherwise) and return
  // the new id where there is one.
  SecretKey EnrollNew(const std::string& district);
  uint64_t OpenRound(uint64_t allowance, uint32_t max_share_percent = 100,
                     uint64_t trust_threshold = 10,
                     uint64_t duration_ms = 3'600'000);
  uint64_t Propose(const SecretKey& owner,
                   const std::string& district = "north");

  // Payload builders.
  static v1::TxBody Enroll(const PublicKey& key, const std::string& district);
  static v1::TxBody Award(uint64_t round, uint64_t initiative, uint64_t amount);
  static v1::TxBody Withdraw(uint64_t round, uint64_t initiative,
                             uint64_t amount);
  static v1::TxBody CloseRound(uint64_t round);
  static v1::TxBody RequestRedemption(uint64_t initiative, uint64_t amount);

  Hash Digest();

 private:
  TempDir dir_;
  std::unique_ptr<LogStore> store_;
  fund::StoreStateReader state_;
  SecretKey log_key_;
  SecretKey steward_;
  SecretKey council_;
  SecretKey council2_;
  SecretKey council3_;
  std::map<PublicKey, uint64_t> next_nonce_;
};

// What the rules tests share. The value of an expected success:
template <typename T>
T Read(absl::StatusOr<T> value) {
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *std::move(value) : T{};
}

// Submits `body`, expecting it accepted; its entry's index, or 0.
uint64_t Must(FundHarness& h, const SecretKey& signer, v1::TxBody body);

// Opens a round (1000 credits each, worth `cents`, with `threshold`), has
// `awarder` award `amount` to `initiative`, and closes it; its id.
uint64_t ClosedRoundWithAward(FundHarness& h, const SecretKey& awarder,
                              uint64_t initiative, uint64_t amount,
                              uint64_t cents, uint64_t threshold);

// Expects `body` refused with `code` and the state unchanged.
void ExpectRefused(FundHarness& h, const SecretKey& signer, v1::TxBody body,
                   absl::StatusCode code);

}  // namespace uuro::testing

#endif  // TESTS_TESTING_FUND_HARNESS_H_
