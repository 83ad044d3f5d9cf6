#include "tests/testing/http_uurod_fixture.h"

namespace uuro::testing {

void HttpUurodTest::SetUp() {
  ledger_ = InitTestLedger();
  ASSERT_NE(ledger_, nullptr);
  // No web app (the default folder exists once the app is built): these
  // tests see the log's own paths answer alone.
  uurod_ = std::make_unique<UurodProcess>(
      ledger_->data,
      std::vector<std::string>{"--http-listen", "127.0.0.1:0", "--rate-limit",
                               "0", "--web-root", ""});
  absl::Status started = uurod_->Start();
  ASSERT_TRUE(started.ok()) << started;
  ASSERT_FALSE(uurod_->http_address().empty());
  client_ = std::make_unique<client::LedgerClient>(uurod_->Channel());
}

absl::StatusOr<OpenFund> HttpUurodTest::SeedFund(const RoundSetup& setup) {
  return SetUpOpenRound(*client_, ledger_->steward, {&resident_}, owner_,
                        setup);
}

}  // namespace uuro::testing
