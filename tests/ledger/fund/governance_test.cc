// Key governance under the council quorum: steward and council keys are
// added, removed and replaced by proposals the council approves, and a round
// may close before its closing time the same way, with a public reason.
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/totals.h"
#include "tests/testing/fund_harness.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro {
namespace {

using absl::StatusCode;
using testing::ExpectRefused;
using testing::FundHarness;
using testing::FundOptions;
using testing::Must;
using testing::Read;

std::string Bytes(const PublicKey& key) { return PublicKeyBytes(key); }

v1::TxBody KeyChange(v1::OfficeRole role, v1::KeyChangeAction action,
                     const PublicKey& key,
                     const PublicKey* replacement = nullptr) {
  v1::TxBody body;
  v1::ProposeKeyChange* change = body.mutable_propose_key_change();
  change->set_role(role);
  change->set_action(action);
  change->set_key(Bytes(key));
  if (replacement != nullptr) change->set_replacement_key(Bytes(*replacement));
  return body;
}

v1::TxBody EarlyClose(uint64_t round, const std::string& reason) {
  v1::TxBody body;
  body.mutable_propose_early_close()->set_round_id(round);
  body.mutable_propose_early_close()->set_reason(reason);
  return body;
}

v1::TxBody ApproveProposal(uint64_t id) {
  v1::TxBody body;
  body.mutable_approve_proposal()->set_proposal_id(id);
  return body;
}

// A steward-only transaction, to tell who is a steward.
v1::TxBody DefineDistrict(const std::string& name) {
  v1::TxBody body;
  body.mutable_define_districts()->add_names(name);
  return body;
}

v1::ProposalRecord Proposal(FundHarness& h, uint64_t id) {
  return Read(fund::ReadProposal(h.state(), id));
}

std::vector<std::string> Stewards(FundHarness& h) {
  v1::FundRecord fund = Read(fund::ReadFund(h.state()));
  return {fund.steward_keys().begin(), fund.steward_keys().end()};
}

std::vector<std::string> Council(FundHarness& h) {
  v1::FundRecord fund = Read(fund::ReadFund(h.state()));
  return {fund.council_keys().begin(), fund.council_keys().end()};
}

FundOptions TwoOfThree() {
  return FundOptions{.council_quorum = 2, .council_keys = 3};
}

TEST(GovernanceTest, StewardAddedOnlyOnceTheCouncilQuorumApproved) {
  FundHarness h(TwoOfThree());
  SecretKey added = SecretKey::Generate();
  uint64_t id = Must(
      h, h.steward(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, added.public_key()));
  v1::ProposalRecord proposal = Proposal(h, id);
  EXPECT_EQ(proposal.id(), id);
  EXPECT_EQ(proposal.status(), v1::PROPOSAL_PENDING);
  EXPECT_EQ(proposal.proposer(), Bytes(h.steward().public_key()));
  EXPECT_EQ(proposal.proposed_at_ms(), h.now_ms);
  EXPECT_EQ(proposal.approvals_size(), 0);  // A steward does not approve.
  EXPECT_EQ(proposal.key_change().key(), Bytes(added.public_key()));
  EXPECT_EQ(Stewards(h),
            std::vector<std::string>{Bytes(h.steward().public_key())});
  ExpectRefused(h, added, DefineDistrict("west"),
                StatusCode::kPermissionDenied);

  // Only council keys approve, each once; unknown proposals are not found.
  ExpectRefused(h, h.steward(), ApproveProposal(id),
                StatusCode::kPermissionDenied);
  ExpectRefused(h, h.council(), ApproveProposal(id + 100),
                StatusCode::kNotFound);
  h.now_ms += 10;
  Must(h, h.council(), ApproveProposal(id));
  EXPECT_EQ(Proposal(h, id).status(), v1::PROPOSAL_PENDING);
  EXPECT_EQ(Stewards(h).size(), 1u);
  ExpectRefused(h, h.council(), ApproveProposal(id),
                StatusCode::kAlreadyExists);

  h.now_ms += 10;
  Must(h, h.council3(), ApproveProposal(id));
  proposal = Proposal(h, id);
  EXPECT_EQ(proposal.status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(proposal.enacted_at_ms(), h.now_ms);
  ASSERT_EQ(proposal.approvals_size(), 2);
  EXPECT_EQ(proposal.approvals(0), Bytes(h.council().public_key()));
  EXPECT_EQ(proposal.approvals(1), Bytes(h.council3().public_key()));
  EXPECT_EQ(Stewards(h),
            (std::vector<std::string>{Bytes(h.steward().public_key()),
                                      Bytes(added.public_key())}));
  EXPECT_TRUE(h.Submit(added, DefineDistrict("west")).ok());
  ExpectRefused(h, h.council2(), ApproveProposal(id),
                StatusCode::kFailedPrecondition);
}

TEST(GovernanceTest, ProposalByACouncilKeyIsItsFirstApproval) {
  FundHarness h(TwoOfThree());
  SecretKey added = SecretKey::Generate();
  uint64_t id = Must(
      h, h.council2(),
      KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_ADD, added.public_key()));
  v1::ProposalRecord proposal = Proposal(h, id);
  EXPECT_EQ(proposal.status(), v1::PROPOSAL_PENDING);
  ASSERT_EQ(proposal.approvals_size(), 1);
  EXPECT_EQ(proposal.approvals(0), Bytes(h.council2().public_key()));
  ExpectRefused(h, h.council2(), ApproveProposal(id),
                StatusCode::kAlreadyExists);
  EXPECT_EQ(Council(h).size(), 3u);

  Must(h, h.council(), ApproveProposal(id));
  EXPECT_EQ(Proposal(h, id).status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(
      Council(h),
      (std::vector<std::string>{
          Bytes(h.council().public_key()), Bytes(h.council2().public_key()),
          Bytes(h.council3().public_key()), Bytes(added.public_key())}));
  // The new council key approves from now on.
  uint64_t next = Must(h, h.steward(),
                       KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD,
                                 SecretKey::Generate().public_key()));
  Must(h, added, ApproveProposal(next));
  EXPECT_EQ(Proposal(h, next).approvals(0), Bytes(added.public_key()));
}

TEST(GovernanceTest, CouncilKeysRemovedAndReplacedDownToTheQuorum) {
  FundHarness h(TwoOfThree());
  // Remove council3: proposed by council, approved by council2.
  uint64_t remove = Must(h, h.council(),
                         KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_REMOVE,
                                   h.council3().public_key()));
  EXPECT_EQ(Council(h).size(), 3u);
  Must(h, h.council2(), ApproveProposal(remove));
  EXPECT_EQ(Council(h),
            (std::vector<std::string>{Bytes(h.council().public_key()),
                                      Bytes(h.council2().public_key())}));
  // A removed key signs as nobody on the council.
  ExpectRefused(h, h.council3(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD,
                          SecretKey::Generate().public_key()),
                StatusCode::kPermissionDenied);
  // Two keys left for a quorum of 2: neither may go.
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_REMOVE,
                          h.council2().public_key()),
                StatusCode::kFailedPrecondition);
  // Not on the council (any more): not found.
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_REMOVE,
                          h.council3().public_key()),
                StatusCode::kNotFound);
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_REMOVE,
                          h.steward().public_key()),
                StatusCode::kNotFound);

  // Replacing keeps the position.
  SecretKey fresh = SecretKey::Generate();
  PublicKey fresh_key = fresh.public_key();
  uint64_t replace = Must(h, h.council2(),
                          KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_REPLACE,
                                    h.council().public_key(), &fresh_key));
  Must(h, h.council(), ApproveProposal(replace));
  EXPECT_EQ(Proposal(h, replace).status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(Council(h),
            (std::vector<std::string>{Bytes(fresh_key),
                                      Bytes(h.council2().public_key())}));
  ExpectRefused(h, h.council(), ApproveProposal(replace),
                StatusCode::kPermissionDenied);
}

TEST(GovernanceTest, LostStewardKeyReplacedByACouncilProposal) {
  FundHarness h(TwoOfThree());
  SecretKey alice = h.EnrollNew("north");
  SecretKey second = SecretKey::Generate();
  uint64_t add = Must(
      h, h.steward(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, second.public_key()));
  Must(h, h.council(), ApproveProposal(add));
  Must(h, h.council2(), ApproveProposal(add));
  ASSERT_EQ(Stewards(h).size(), 2u);

  // The first steward's key is lost; the council proposes its replacement.
  SecretKey fresh = SecretKey::Generate();
  PublicKey fresh_key = fresh.public_key();
  PublicKey alice_key = alice.public_key();
  PublicKey council2_key = h.council2().public_key();
  // Neither a resident's key nor an office key may replace it.
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REPLACE,
                          h.steward().public_key(), &alice_key),
                StatusCode::kFailedPrecondition);
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REPLACE,
                          h.steward().public_key(), &council2_key),
                StatusCode::kAlreadyExists);
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REPLACE, fresh_key,
                          &alice_key),
                StatusCode::kNotFound);
  uint64_t replace = Must(h, h.council(),
                          KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REPLACE,
                                    h.steward().public_key(), &fresh_key));
  EXPECT_EQ(Proposal(h, replace).status(), v1::PROPOSAL_PENDING);
  // Still a steward until the quorum approved.
  EXPECT_TRUE(h.Submit(h.steward(), DefineDistrict("west")).ok());
  Must(h, h.council3(), ApproveProposal(replace));
  EXPECT_EQ(Proposal(h, replace).status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(Stewards(h), (std::vector<std::string>{
                             Bytes(fresh_key), Bytes(second.public_key())}));

  ExpectRefused(h, h.steward(), DefineDistrict("valley"),
                StatusCode::kPermissionDenied);
  ExpectRefused(h, h.steward(), h.CloseRound(1), StatusCode::kPermissionDenied);
  EXPECT_TRUE(h.Submit(fresh, DefineDistrict("valley")).ok());
  // The old key is no office key now: it may even become a resident's.
  EXPECT_TRUE(
      h.Submit(fresh, FundHarness::Enroll(h.steward().public_key(), "north"))
          .ok());
}

TEST(GovernanceTest, LastStewardIsNeverRemoved) {
  FundHarness h;  // Quorum 0.
  ExpectRefused(h, h.council(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REMOVE,
                          h.steward().public_key()),
                StatusCode::kFailedPrecondition);
  ExpectRefused(h, h.steward(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REMOVE,
                          h.steward().public_key()),
                StatusCode::kFailedPrecondition);
  EXPECT_EQ(Stewards(h).size(), 1u);
}

TEST(GovernanceTest, AddRefusesOfficeAndResidentKeys) {
  FundHarness h;
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("south");
  v1::TxBody revoke;
  revoke.mutable_revoke_resident()->set_key(Bytes(bob.public_key()));
  revoke.mutable_revoke_resident()->set_reason_code(v1::REVOCATION_LEFT_FUND);
  Must(h, h.steward(), revoke);

  ExpectRefused(h, h.steward(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD,
                          h.council().public_key()),
                StatusCode::kAlreadyExists);
  ExpectRefused(h, h.steward(),
                KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_ADD,
                          h.steward().public_key()),
                StatusCode::kAlreadyExists);
  ExpectRefused(
      h, h.steward(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, alice.public_key()),
      StatusCode::kFailedPrecondition);
  // A revoked resident key still belongs to a resident.
  ExpectRefused(
      h, h.steward(),
      KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_ADD, bob.public_key()),
      StatusCode::kFailedPrecondition);
  // Residents and outsiders propose nothing.
  ExpectRefused(h, alice,
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD,
                          SecretKey::Generate().public_key()),
                StatusCode::kPermissionDenied);
  ExpectRefused(h, SecretKey::Generate(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD,
                          SecretKey::Generate().public_key()),
                StatusCode::kPermissionDenied);
}

TEST(GovernanceTest, MalformedProposalsAreInvalid) {
  FundHarness h;
  PublicKey key = SecretKey::Generate().public_key();
  PublicKey other = SecretKey::Generate().public_key();
  ExpectRefused(h, h.steward(),
                KeyChange(v1::OFFICE_ROLE_UNSPECIFIED, v1::KEY_CHANGE_ADD, key),
                StatusCode::kInvalidArgument);
  ExpectRefused(
      h, h.steward(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ACTION_UNSPECIFIED, key),
      StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, key, &other),
                StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(),
                KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REPLACE,
                          h.steward().public_key()),
                StatusCode::kInvalidArgument);
  PublicKey same = h.steward().public_key();
  ExpectRefused(
      h, h.steward(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_REPLACE, same, &same),
      StatusCode::kInvalidArgument);
  v1::TxBody short_key = KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, key);
  short_key.mutable_propose_key_change()->mutable_key()->pop_back();
  ExpectRefused(h, h.steward(), short_key, StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(), EarlyClose(0, "Reason"),
                StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(), EarlyClose(5, ""),
                StatusCode::kInvalidArgument);
  ExpectRefused(h, h.steward(), EarlyClose(5, "two\nlines"),
                StatusCode::kInvalidArgument);
  ExpectRefused(h, h.council(), ApproveProposal(0),
                StatusCode::kInvalidArgument);
}

TEST(GovernanceTest, QuorumZeroEnactsAtOnce) {
  FundHarness h;  // Quorum 0.
  SecretKey added = SecretKey::Generate();
  uint64_t id = Must(
      h, h.steward(),
      KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_ADD, added.public_key()));
  v1::ProposalRecord proposal = Proposal(h, id);
  EXPECT_EQ(proposal.status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(proposal.enacted_at_ms(), h.now_ms);
  EXPECT_EQ(proposal.approvals_size(), 0);
  EXPECT_EQ(Council(h).size(), 3u);
  EXPECT_EQ(Council(h).back(), Bytes(added.public_key()));
  ExpectRefused(h, added, ApproveProposal(id), StatusCode::kFailedPrecondition);

  uint64_t round = h.OpenRound(100);
  h.now_ms += 10;
  uint64_t close = Must(h, h.steward(), EarlyClose(round, "Fund frozen"));
  EXPECT_EQ(Proposal(h, close).status(), v1::PROPOSAL_ENACTED);
  v1::RoundRecord closed = Read(fund::ReadRound(h.state(), round));
  EXPECT_TRUE(closed.closed());
  EXPECT_EQ(closed.closed_at_ms(), h.now_ms);
  EXPECT_EQ(closed.early_close_reason(), "Fund frozen");
  EXPECT_EQ(Read(fund::ReadFund(h.state())).open_round(), 0u);
}

// A fund with a 2-of-3 council and an open round that bob awards in.
struct OpenFund {
  FundHarness h{TwoOfThree()};
  SecretKey alice = h.EnrollNew("north");
  SecretKey bob = h.EnrollNew("north");
  uint64_t initiative = h.Propose(alice);  // Asks 500.
  uint64_t round = 0;

  OpenFund() {
    round = h.OpenRound(100, 100, 10, /*duration_ms=*/3'600'000);
    Must(h, bob, FundHarness::Award(round, initiative, 30));
  }
};

TEST(GovernanceTest, EarlyCloseOnlyOnceTheQuorumApproved) {
  OpenFund f;
  FundHarness& h = f.h;
  ExpectRefused(h, h.council(), EarlyClose(f.round, "Misprinted call"),
                StatusCode::kPermissionDenied);
  ExpectRefused(h, h.steward(), EarlyClose(f.round + 1000, "Misprinted call"),
                StatusCode::kNotFound);
  uint64_t id = Must(h, h.steward(), EarlyClose(f.round, "Misprinted call"));
  EXPECT_EQ(Proposal(h, id).status(), v1::PROPOSAL_PENDING);
  EXPECT_EQ(Proposal(h, id).early_close().reason(), "Misprinted call");

  // Pending: the round stays open and takes awards.
  h.now_ms += 10;
  Must(h, h.council(), ApproveProposal(id));
  EXPECT_FALSE(Read(fund::ReadRound(h.state(), f.round)).closed());
  Must(h, f.bob, FundHarness::Award(f.round, f.initiative, 10));
  // Closing it normally before its time is still refused.
  ExpectRefused(h, h.steward(), FundHarness::CloseRound(f.round),
                StatusCode::kFailedPrecondition);

  h.now_ms += 10;
  Must(h, h.council2(), ApproveProposal(id));
  EXPECT_EQ(Proposal(h, id).status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(Proposal(h, id).enacted_at_ms(), h.now_ms);
  v1::RoundRecord round = Read(fund::ReadRound(h.state(), f.round));
  EXPECT_TRUE(round.closed());
  EXPECT_EQ(round.closed_at_ms(), h.now_ms);
  EXPECT_EQ(round.early_close_reason(), "Misprinted call");
  EXPECT_EQ(round.issued(), 200u);
  EXPECT_EQ(round.lapsed(), 160u);  // 200 issued, 40 awarded.
  EXPECT_EQ(Read(fund::ReadFund(h.state())).open_round(), 0u);
  v1::InitiativeRecord initiative =
      Read(fund::ReadInitiative(h.state(), f.initiative));
  EXPECT_EQ(initiative.received_final(), 40u);
  EXPECT_EQ(initiative.received_open(), 0u);
  v1::RoundTotals totals = Read(fund::ReadRoundTotals(h.state(), f.round));
  EXPECT_EQ(totals.early_close_reason(), "Misprinted call");
  EXPECT_TRUE(totals.closed());

  // Awards are final; the credits are redeemable; the round closes once.
  ExpectRefused(h, f.bob, FundHarness::Award(f.round, f.initiative, 1),
                StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      h.Submit(f.alice, FundHarness::RequestRedemption(f.initiative, 5)).ok());
  ExpectRefused(h, h.steward(), EarlyClose(f.round, "Again"),
                StatusCode::kFailedPrecondition);
  ExpectRefused(h, h.steward(), FundHarness::CloseRound(f.round),
                StatusCode::kFailedPrecondition);
}

TEST(GovernanceTest, EarlyCloseRefusedAtOrAfterTheClosingTime) {
  OpenFund f;
  FundHarness& h = f.h;
  uint64_t id = Must(h, h.steward(), EarlyClose(f.round, "Misprinted call"));
  Must(h, h.council(), ApproveProposal(id));
  h.now_ms += 3'600'000;  // The closing time.
  ExpectRefused(h, h.steward(), EarlyClose(f.round, "Too late"),
                StatusCode::kFailedPrecondition);
  // Closed normally: the pending proposal no longer applies.
  Must(h, h.steward(), FundHarness::CloseRound(f.round));
  ExpectRefused(h, h.council2(), ApproveProposal(id),
                StatusCode::kFailedPrecondition);
  EXPECT_EQ(Proposal(h, id).status(), v1::PROPOSAL_PENDING);
  EXPECT_EQ(Proposal(h, id).approvals_size(), 1);
  EXPECT_EQ(Read(fund::ReadRound(h.state(), f.round)).early_close_reason(), "");
}

TEST(GovernanceTest, ApprovalsOfRemovedCouncilKeysDoNotCount) {
  FundHarness h(TwoOfThree());
  SecretKey added = SecretKey::Generate();
  uint64_t add = Must(
      h, h.steward(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, added.public_key()));
  Must(h, h.council3(), ApproveProposal(add));

  uint64_t remove = Must(h, h.council(),
                         KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_REMOVE,
                                   h.council3().public_key()));
  Must(h, h.council2(), ApproveProposal(remove));
  ASSERT_EQ(Council(h).size(), 2u);
  ExpectRefused(h, h.council3(), ApproveProposal(add),
                StatusCode::kPermissionDenied);

  // council3's approval no longer counts: one current approval of two.
  Must(h, h.council(), ApproveProposal(add));
  v1::ProposalRecord proposal = Proposal(h, add);
  EXPECT_EQ(proposal.status(), v1::PROPOSAL_PENDING);
  EXPECT_EQ(proposal.approvals_size(), 2);
  EXPECT_EQ(Stewards(h).size(), 1u);
  Must(h, h.council2(), ApproveProposal(add));
  EXPECT_EQ(Proposal(h, add).status(), v1::PROPOSAL_ENACTED);
  EXPECT_EQ(Stewards(h).size(), 2u);
}

TEST(GovernanceTest, ApprovalRefusedWhenTheChangeNoLongerApplies) {
  FundHarness h(TwoOfThree());
  SecretKey added = SecretKey::Generate();
  // Two proposals to add the same key; the first one enacted.
  uint64_t first = Must(
      h, h.council(),
      KeyChange(v1::OFFICE_COUNCIL, v1::KEY_CHANGE_ADD, added.public_key()));
  uint64_t second = Must(
      h, h.council2(),
      KeyChange(v1::OFFICE_STEWARD, v1::KEY_CHANGE_ADD, added.public_key()));
  Must(h, h.council2(), ApproveProposal(first));
  ASSERT_EQ(Council(h).size(), 4u);
  ExpectRefused(h, h.council(), ApproveProposal(second),
                StatusCode::kAlreadyExists);
  EXPECT_EQ(Proposal(h, second).status(), v1::PROPOSAL_PENDING);
  EXPECT_EQ(Proposal(h, second).approvals_size(), 1);
  EXPECT_EQ(Stewards(h).size(), 1u);
}

}  // namespace
}  // namespace uuro
