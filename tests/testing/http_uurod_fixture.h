// The fixture of the tests that read a log over HTTP (mirror, tiles reader,
// rebuild, tiles monitor): a real uurod on loopback ports, serving gRPC and
// its tiles (--http-listen), without a rate limit, over a fresh test ledger.
// SeedFund gives it a fund with an open round.
#ifndef TESTS_TESTING_HTTP_UUROD_FIXTURE_H_
#define TESTS_TESTING_HTTP_UUROD_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/keys.h"
#include "tests/testing/uurod_helpers.h"
#include "tests/testing/uurod_process.h"

namespace uuro::testing {

class HttpUurodTest : public ::testing::Test {
 protected:
  // Subclasses that extend it return early on HasFatalFailure().
  void SetUp() override;

  // One resident (resident_) and an owner (owner_) enrolled, a round open
  // and `setup.initiatives` initiatives proposed: 3 + initiatives entries
  // after genesis.
  absl::StatusOr<OpenFund> SeedFund(const RoundSetup& setup);

  // The base URL of the tiles uurod serves.
  std::string HttpUrl() const { return "http://" + uurod_->http_address(); }

  std::unique_ptr<TestLedger> ledger_;
  std::unique_ptr<UurodProcess> uurod_;
  std::unique_ptr<client::LedgerClient> client_;
  SecretKey resident_ = SecretKey::Generate();
  SecretKey owner_ = SecretKey::Generate();
};

}  // namespace uuro::testing

#endif  // TESTS_TESTING_HTTP_UUROD_FIXTURE_H_
