// Districts defined on the log, fund office keys kept out of the residents,
// the minimum district size, and revocation reasons as codes.
#include <cstdint>

#include "gtest/gtest.h"
#include "ledger/fund/queries.h"
#include "tests/testing/fund_harness.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using absl::StatusCode;
using testing::FundHarness;
using testing::FundOptions;

v1::TxBody Define(std::initializer_list<std::string> names) {
  v1::TxBody body;
  v1::DefineDistricts* define = body.mutable_define_districts();
  for (const std::string& name : names) define->add_names(name);
  return body;
}

v1::TxBody Propose(const std::string& district) {
  v1::TxBody body;
  body.mutable_propose_initiative()->set_title("Bench by the shore");
  body.mutable_propose_initiative()->set_district(district);
  body.mutable_propose_initiative()->set_amount_asked(10);
  return body;
}

v1::TxBody OpenRound(const FundHarness& h) {
  v1::TxBody body;
  v1::OpenRound* open = body.mutable_open_round();
  open->set_allowance(100);
  open->set_credit_value_cents(50);
  open->set_opens_at_ms(h.now_ms);
  open->set_closes_at_ms(h.now_ms + 1000);
  open->set_max_share_percent(100);
  return body;
}

// Expects `body` refused with `code` and a message naming `words`, and the
// state unchanged.
void ExpectRefused(FundHarness& h, const SecretKey& signer, v1::TxBody body,
                   StatusCode code, const std::string& words) {
  Hash before = h.Digest();
  absl::Status status = h.Submit(signer, body).status();
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_NE(status.message().find(words), std::string::npos) << status;
  EXPECT_EQ(h.Digest(), before);
}

TEST(DistrictTest, UndefinedDistrictIsRefusedUntilAStewardDefinesIt) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey newcomer = SecretKey::Generate();
  ExpectRefused(h, h.steward(),
                FundHarness::Enroll(newcomer.public_key(), "nort"),
                StatusCode::kNotFound, "district \"nort\" is not defined");
  ExpectRefused(h, alice, Propose("Old town"), StatusCode::kNotFound,
                "\"Old town\" is not defined");

  ExpectRefused(h, alice, Define({"Old town"}), StatusCode::kPermissionDenied,
                "steward");
  ExpectRefused(h, h.steward(), Define({"west", "north"}),
                StatusCode::kAlreadyExists, "\"north\" is already defined");
  ExpectRefused(h, h.steward(), Define({"west", "west"}),
                StatusCode::kInvalidArgument, "twice");
  ExpectRefused(h, h.steward(), Define({}), StatusCode::kInvalidArgument,
                "at least one district");

  ASSERT_TRUE(h.Submit(h.steward(), Define({"Old town", "west"})).ok());
  auto fund = fund::ReadFund(h.state());
  ASSERT_TRUE(fund.ok());
  std::vector<std::string> defined(fund->defined_districts().begin(),
                                   fund->defined_districts().end());
  EXPECT_EQ(defined,
            (std::vector<std::string>{"Old town", "east", "harbour", "hills",
                                      "north", "south", "west"}));
  EXPECT_TRUE(h.Submit(alice, Propose("Old town")).ok());
  EXPECT_TRUE(
      h.Submit(h.steward(), FundHarness::Enroll(newcomer.public_key(), "west"))
          .ok());
}

TEST(DistrictTest, StewardAndCouncilKeysAreNeverResidents) {
  FundHarness h;
  for (const SecretKey* office : {&h.steward(), &h.council(), &h.council2()}) {
    ExpectRefused(h, h.steward(),
                  FundHarness::Enroll(office->public_key(), "north"),
                  StatusCode::kFailedPrecondition, "steward or council key");
  }
  SecretKey alice = h.EnrollNew("north");
  v1::TxBody revoke;
  revoke.mutable_revoke_resident()->set_key(PublicKeyBytes(alice.public_key()));
  revoke.mutable_revoke_resident()->set_replacement_key(
      PublicKeyBytes(h.council().public_key()));
  revoke.mutable_revoke_resident()->set_reason_code(v1::REVOCATION_KEY_LOST);
  ExpectRefused(h, h.steward(), revoke, StatusCode::kFailedPrecondition,
                "steward or council key");
}

TEST(DistrictTest, RoundDoesNotOpenWhileADistrictIsBelowTheMinimum) {
  FundHarness h(FundOptions{.min_district_size = 3});
  for (int i = 0; i < 3; ++i) h.EnrollNew("north");
  h.EnrollNew("south");
  h.EnrollNew("harbour");
  h.EnrollNew("harbour");
  Hash before = h.Digest();
  absl::Status status = h.Submit(h.steward(), OpenRound(h)).status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status;
  EXPECT_NE(status.message().find("harbour (2), south (1)"), std::string::npos)
      << status;
  EXPECT_EQ(status.message().find("north"), std::string::npos) << status;
  EXPECT_EQ(h.Digest(), before);

  h.EnrollNew("harbour");
  SecretKey last = h.EnrollNew("south");
  status = h.Submit(h.steward(), OpenRound(h)).status();
  EXPECT_NE(status.message().find("south (2)"), std::string::npos) << status;
  EXPECT_EQ(status.message().find("harbour"), std::string::npos) << status;
  h.EnrollNew("south");
  EXPECT_TRUE(h.Submit(h.steward(), OpenRound(h)).ok());
}

TEST(DistrictTest, RevocationKeepsOnlyItsReasonCode) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  v1::TxBody revoke;
  revoke.mutable_revoke_resident()->set_key(PublicKeyBytes(alice.public_key()));
  revoke.mutable_revoke_resident()->set_reason_code(v1::REVOCATION_LEFT_FUND);
  ASSERT_TRUE(h.Submit(h.steward(), revoke).ok());
  auto resident = fund::ReadResidentByKey(h.state(), alice.public_key());
  ASSERT_TRUE(resident.ok());
  EXPECT_TRUE(resident->revoked());
  EXPECT_EQ(resident->revoke_reason(), v1::REVOCATION_LEFT_FUND);
}

}  // namespace
}  // namespace uuro
