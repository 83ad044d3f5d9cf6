// Invites: a steward logs code hashes for a district; a new key claims one
// with the code and is enrolled there. Every refusal changes nothing.
#include <cstdint>

#include "gtest/gtest.h"
#include "ledger/fund/invite_code.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "tests/testing/fund_harness.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using absl::StatusCode;
using testing::FundHarness;

constexpr uint64_t kDayMs = 24ull * 60 * 60 * 1000;

v1::TxBody Issue(const std::string& district,
                 const std::vector<std::string>& codes,
                 uint64_t expires_at_ms) {
  v1::TxBody body;
  v1::IssueInvites* issue = body.mutable_issue_invites();
  issue->set_district(district);
  for (const std::string& code : codes) {
    Hash hash = fund::InviteCodeHash(code);
    issue->add_code_hashes(std::string(AsString(hash)));
  }
  issue->set_expires_at_ms(expires_at_ms);
  return body;
}

v1::TxBody Claim(const std::string& code) {
  v1::TxBody body;
  body.mutable_claim_invite()->set_code(code);
  return body;
}

void ExpectRefused(FundHarness& h, const SecretKey& signer, v1::TxBody body,
                   StatusCode code, const std::string& words) {
  Hash before = h.Digest();
  absl::Status status = h.Submit(signer, body).status();
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_NE(status.message().find(words), std::string::npos) << status;
  EXPECT_EQ(h.Digest(), before);
}

v1::DistrictInvitesRecord Totals(FundHarness& h, const std::string& district) {
  v1::DistrictInvitesRecord record;
  EXPECT_TRUE(
      fund::ReadRecord(h.state(), fund::keys::DistrictInvites(district), record)
          .ok());
  return record;
}

class InvitesTest : public ::testing::Test {
 protected:
  void IssueOk(const std::string& district,
               const std::vector<std::string>& codes) {
    auto r = h_.Submit(h_.steward(), Issue(district, codes, Expiry()));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  uint64_t Expiry() const { return h_.now_ms + 30 * kDayMs; }

  FundHarness h_;
};

TEST_F(InvitesTest, ClaimEnrolsTheNewKeyInTheInvitesDistrict) {
  std::string a = fund::NewInviteCode(), b = fund::NewInviteCode();
  IssueOk("harbour", {a, b});
  uint64_t round = h_.OpenRound(100);
  SecretKey key = SecretKey::Generate();
  auto claimed = h_.Submit(key, Claim(a));
  ASSERT_TRUE(claimed.ok()) << claimed.status();

  auto resident = fund::ReadResidentByKey(h_.state(), key.public_key());
  ASSERT_TRUE(resident.ok()) << resident.status();
  EXPECT_EQ(resident->district(), "harbour");
  EXPECT_EQ(resident->id(), claimed->index);
  // Enrolled while a round is open: it gets the allowance and may award.
  uint64_t initiative = h_.Propose(h_.EnrollNew("harbour"), "harbour");
  EXPECT_TRUE(h_.Submit(key, FundHarness::Award(round, initiative, 60)).ok());
  auto fund = fund::ReadFund(h_.state());
  EXPECT_EQ(fund->active_residents(), 2u);

  v1::DistrictInvitesRecord totals = Totals(h_, "harbour");
  ASSERT_EQ(totals.batches_size(), 1);
  EXPECT_EQ(totals.batches(0).issued(), 2u);
  EXPECT_EQ(totals.batches(0).claimed(), 1u);
}

TEST_F(InvitesTest, UsedUnknownAndExpiredCodesAreRefusedDistinctly) {
  std::string code = fund::NewInviteCode(), late = fund::NewInviteCode();
  IssueOk("north", {code});
  ASSERT_TRUE(
      h_.Submit(h_.steward(), Issue("north", {late}, h_.now_ms + 5000)).ok());
  ASSERT_TRUE(h_.Submit(SecretKey::Generate(), Claim(code)).ok());
  ExpectRefused(h_, SecretKey::Generate(), Claim(code),
                StatusCode::kAlreadyExists, "already used");
  ExpectRefused(h_, SecretKey::Generate(), Claim(fund::NewInviteCode()),
                StatusCode::kNotFound, "no invite has this code");
  h_.now_ms += 5000;
  ExpectRefused(h_, SecretKey::Generate(), Claim(late),
                StatusCode::kFailedPrecondition, "expired");
  // A code that is not canonical never reaches the rules.
  ExpectRefused(h_, SecretKey::Generate(),
                Claim(fund::GroupInviteCode(fund::NewInviteCode())),
                StatusCode::kInvalidArgument, "canonical");
}

TEST_F(InvitesTest, KnownAndOfficeKeysCannotClaim) {
  std::string code = fund::NewInviteCode();
  IssueOk("north", {code});
  SecretKey resident = h_.EnrollNew("south");
  ExpectRefused(h_, resident, Claim(code), StatusCode::kAlreadyExists,
                "already enrolled");
  ExpectRefused(h_, h_.steward(), Claim(code), StatusCode::kFailedPrecondition,
                "steward or council");
  ExpectRefused(h_, h_.council(), Claim(code), StatusCode::kFailedPrecondition,
                "steward or council");
  // The invite is still there for its resident.
  EXPECT_TRUE(h_.Submit(SecretKey::Generate(), Claim(code)).ok());
}

TEST_F(InvitesTest, RevokedResidentIsReinvitedUnderANewKey) {
  std::string first = fund::NewInviteCode(), second = fund::NewInviteCode();
  IssueOk("hills", {first});
  SecretKey lost = SecretKey::Generate();
  ASSERT_TRUE(h_.Submit(lost, Claim(first)).ok());
  v1::TxBody revoke;
  revoke.mutable_revoke_resident()->set_key(PublicKeyBytes(lost.public_key()));
  revoke.mutable_revoke_resident()->set_reason_code(v1::REVOCATION_KEY_LOST);
  ASSERT_TRUE(h_.Submit(h_.steward(), revoke).ok());
  IssueOk("hills", {second});
  // The revoked key cannot take the new invite; a new key can.
  ExpectRefused(h_, lost, Claim(second), StatusCode::kAlreadyExists,
                "was revoked");
  SecretKey fresh = SecretKey::Generate();
  ASSERT_TRUE(h_.Submit(fresh, Claim(second)).ok());
  EXPECT_EQ(fund::ReadFund(h_.state())->active_residents(), 1u);
  EXPECT_EQ(Totals(h_, "hills").batches(0).claimed(), 2u);
}

TEST_F(InvitesTest, IssueIsRefusedForBadBatches) {
  std::string code = fund::NewInviteCode();
  SecretKey resident = h_.EnrollNew("north");
  ExpectRefused(h_, resident, Issue("north", {code}, Expiry()),
                StatusCode::kPermissionDenied, "steward");
  ExpectRefused(h_, h_.steward(), Issue("nort", {code}, Expiry()),
                StatusCode::kNotFound, "nort");
  ExpectRefused(h_, h_.steward(), Issue("north", {code, code}, Expiry()),
                StatusCode::kInvalidArgument, "twice");
  ExpectRefused(h_, h_.steward(), Issue("north", {}, Expiry()),
                StatusCode::kInvalidArgument, "1 to 1000");
  std::vector<std::string> many(1001);
  for (auto& c : many) c = fund::NewInviteCode();
  ExpectRefused(h_, h_.steward(), Issue("north", many, Expiry()),
                StatusCode::kInvalidArgument, "not 1001");
  v1::TxBody short_hash = Issue("north", {code}, Expiry());
  short_hash.mutable_issue_invites()->set_code_hashes(0, "short");
  ExpectRefused(h_, h_.steward(), short_hash, StatusCode::kInvalidArgument,
                "32 bytes");
  ExpectRefused(h_, h_.steward(), Issue("north", {code}, h_.now_ms),
                StatusCode::kFailedPrecondition, "400 days");
  ExpectRefused(h_, h_.steward(),
                Issue("north", {code}, h_.now_ms + 401 * kDayMs),
                StatusCode::kFailedPrecondition, "400 days");
  IssueOk("north", {code});
  ExpectRefused(h_, h_.steward(), Issue("south", {code}, Expiry()),
                StatusCode::kAlreadyExists, "already issued");
}

TEST_F(InvitesTest, TotalsKeepOneBatchPerExpiryInOrder) {
  uint64_t late = h_.now_ms + 20 * kDayMs, early = h_.now_ms + 10 * kDayMs;
  ASSERT_TRUE(
      h_.Submit(h_.steward(), Issue("east", {fund::NewInviteCode()}, late))
          .ok());
  ASSERT_TRUE(
      h_.Submit(h_.steward(),
                Issue("east", {fund::NewInviteCode(), fund::NewInviteCode()},
                      early))
          .ok());
  ASSERT_TRUE(
      h_.Submit(h_.steward(), Issue("east", {fund::NewInviteCode()}, late))
          .ok());
  v1::DistrictInvitesRecord totals = Totals(h_, "east");
  ASSERT_EQ(totals.batches_size(), 2);
  EXPECT_EQ(totals.batches(0).expires_at_ms(), early);
  EXPECT_EQ(totals.batches(0).issued(), 2u);
  EXPECT_EQ(totals.batches(1).expires_at_ms(), late);
  EXPECT_EQ(totals.batches(1).issued(), 2u);
}

}  // namespace
}  // namespace uuro
