// A small, brute-force model of docs/fund-rules.md (with the fund rules v2,
// part 3: key governance under a council quorum, early round close, round
// rules against self-award and over-asking, per-district allowances and credit
// transfers), written from the documents and not from ledger/fund, for the
// property test to cross-check the real state machine against.
//
// It keeps plain structs and, for every transaction, walks the table of checks
// in docs/fund-rules.md in order to predict the result. It keeps no totals:
// every figure (spent, balances, round and initiative totals, redemption
// totals) is recomputed from the list of awards, withdrawals and redemptions
// each time it is asked for, so a bookkeeping slip in the real code cannot be
// mirrored by the same slip here. It is slow on purpose; it is a test oracle.
//
// What it does not model: the validation of genesis itself (the property test
// applies one valid genesis first) and the Merkle tree.
#ifndef TESTS_LEDGER_FUND_REFERENCE_MODEL_H_
#define TESTS_LEDGER_FUND_REFERENCE_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/keys.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::testing {

// One transaction as the sequencer sees it.
struct ModelTx {
  bool decodes = true;          // The envelope and body parse (step 1).
  bool canonical = true;        // The envelope is encoded canonically (step 1).
  bool signature_valid = true;  // Step 2.
  size_t envelope_size = 0;
  Hash envelope_hash{};
  PublicKey signer{};
  v1::TxBody body;
  uint64_t time_ms = 0;
};

// What the rules should answer.
struct Prediction {
  absl::StatusCode code = absl::StatusCode::kOk;
  bool duplicate = false;
  uint64_t index =
      0;  // Accepted: the entry's index (the first one's if duplicate).
};

struct ModelResident {
  uint64_t id = 0;
  PublicKey key{};  // Current key.
  std::string district;
  bool active = true;  // False once revoked without a replacement.
  v1::RevocationReason revoke_reason = v1::REVOCATION_REASON_UNSPECIFIED;
};

struct ModelRound {
  uint64_t id = 0;
  v1::OpenRound rules;
  bool closed = false;
  uint64_t closed_at_ms = 0;
  std::set<uint64_t> given;  // Residents given the allowance in this round.
  // Districts with active residents when the round opened: the district
  // records written at opening, which carry the district's allowance.
  std::set<std::string> opened_districts;
  std::string early_close_reason;  // Closed early by an enacted proposal.
};

struct ModelInitiative {
  uint64_t id = 0;
  uint64_t owner = 0;  // Resident id.
  v1::ProposeInitiative proposal;
  bool suspended = false;
  std::string status_reason;
  uint64_t proposed_at_ms = 0;
};

// One accepted award (withdraw = false) or withdrawal, in log order.
struct ModelMove {
  uint64_t round = 0;
  uint64_t resident = 0;
  uint64_t initiative = 0;
  uint64_t amount = 0;
  bool withdraw = false;
};

// The part of a request drawn on one round.
struct ModelDraw {
  uint64_t round = 0;
  uint64_t credits = 0;
  uint64_t cents = 0;
};

struct ModelRedemption {
  uint64_t id = 0;
  uint64_t initiative = 0;
  uint64_t amount = 0;
  uint64_t round = 0;  // Named in the request; 0: oldest first.
  std::vector<ModelDraw> draws;
  std::vector<std::string> approvals;  // Council keys, in order.
  std::string purpose;
  v1::RedemptionStatus status = v1::REDEMPTION_PENDING;
  bool by_rule = false;
  std::string payment_reference;
  std::string reject_reason;
  uint64_t requested_at_ms = 0;
  uint64_t decided_at_ms = 0;
};

// A proposal to change office keys or to close a round early.
struct ModelProposal {
  uint64_t id = 0;
  std::string proposer;  // The signing key.
  uint64_t proposed_at_ms = 0;
  bool early_close = false;  // Else a key change.
  v1::ProposeKeyChange key_change;
  v1::ProposeEarlyClose close;
  std::vector<std::string> approvals;  // Council keys, in order.
  bool enacted = false;
  uint64_t enacted_at_ms = 0;
};

// Credits passed from one initiative to another.
struct ModelTransfer {
  uint64_t id = 0;
  uint64_t from = 0;
  uint64_t to = 0;
  uint64_t amount = 0;
  std::string note;
  std::vector<ModelDraw> draws;
  uint64_t time_ms = 0;
};

struct ModelReport {
  uint64_t initiative = 0;
  uint64_t index = 0;
  std::string text;
  std::string attachments_sha256;
  uint64_t posted_at_ms = 0;
};

class ReferenceModel {
 public:
  explicit ReferenceModel(std::string origin) : origin_(std::move(origin)) {}
  ReferenceModel(const ReferenceModel&) = delete;
  ReferenceModel& operator=(const ReferenceModel&) = delete;

  // Predicts the result of `tx` as the entry at next_index() and, if it is
  // accepted (and not a duplicate), applies it.
  Prediction Apply(const ModelTx& tx);

  uint64_t next_index() const { return next_index_; }
  uint64_t NextNonce(const PublicKey& key) const;
  bool IsSteward(const PublicKey& key) const;
  bool IsCouncil(const PublicKey& key) const;
  // The office keys now, in the order the fund record lists them.
  const std::vector<std::string>& stewards() const { return stewards_; }
  const std::vector<std::string>& council() const { return council_; }
  uint32_t quorum() const { return genesis_.council_quorum(); }
  const std::set<std::string>& defined_districts() const {
    return defined_districts_;
  }
  // The resident of a key that may sign as a resident (known, not revoked).
  const ModelResident* ActiveResident(const PublicKey& key) const;
  bool KeyKnown(const PublicKey& key) const { return keys_.count(key) > 0; }
  uint64_t open_round() const { return open_round_; }
  uint64_t last_round() const { return last_round_; }

  const std::map<uint64_t, ModelResident>& residents() const {
    return residents_;
  }
  const std::map<uint64_t, ModelRound>& rounds() const { return rounds_; }
  const std::map<uint64_t, ModelInitiative>& initiatives() const {
    return initiatives_;
  }
  const std::map<uint64_t, ModelRedemption>& redemptions() const {
    return redemptions_;
  }
  const std::vector<ModelReport>& reports() const { return reports_; }
  const std::map<uint64_t, ModelProposal>& proposals() const {
    return proposals_;
  }
  const std::map<uint64_t, ModelTransfer>& transfers() const {
    return transfers_;
  }
  // Net award per (round, resident, initiative), zero entries included once
  // they existed.
  const std::map<std::tuple<uint64_t, uint64_t, uint64_t>, uint64_t>& awards()
      const {
    return awards_;
  }
  // (key, revoked) for every resident key ever enrolled.
  struct KeyState {
    uint64_t resident = 0;
    bool revoked = false;
  };
  const std::map<PublicKey, KeyState>& keys() const { return keys_; }
  const std::map<PublicKey, uint64_t>& signers() const { return next_nonce_; }

  // Brute-force figures, each summed afresh from the awards and redemptions.
  uint64_t Spent(uint64_t round, uint64_t resident) const;
  uint64_t NetAward(uint64_t round, uint64_t resident,
                    uint64_t initiative) const;
  // The allowance of a resident in a round: their district's entry in the
  // round's district_allowances, else the round's allowance.
  uint64_t Allowance(uint64_t round, uint64_t resident) const;
  // The sum of the allowances of the residents given one in the round.
  uint64_t Issued(uint64_t round) const;
  // Over residents given the allowance: the sum of allowance - spent.
  uint64_t Unspent(uint64_t round) const;
  uint64_t NetAwardedTo(uint64_t initiative) const;  // All rounds.
  // The resident's allowance * share / 100.
  uint64_t Cap(uint64_t round, uint64_t resident) const;
  // final + transferred in - transferred out - redeemed - pending, each summed
  // from the lists.
  uint64_t Balance(uint64_t initiative) const;
  // Credits of `round` (all rounds if 0) passed to (`in`) or by an initiative
  // (any initiative if 0), summed over the transfers' draws.
  uint64_t Transferred(uint64_t round, uint64_t initiative, bool in) const;
  // Net awards to an initiative in one round.
  uint64_t NetAwardedIn(uint64_t round, uint64_t initiative) const;
  // Credits drawn on `round` by the initiative's requests with `status`
  // (only those settled by rule if `by_rule`), or their cents.
  uint64_t Drawn(uint64_t round, uint64_t initiative,
                 v1::RedemptionStatus status, bool by_rule = false,
                 bool cents = false) const;
  // What the initiative may still redeem or pass on of a closed round.
  uint64_t Left(uint64_t round, uint64_t initiative) const;
  // Left() of every initiative holding credits of the round, in one pass
  // over the awards, transfers and redemptions.
  std::map<uint64_t, uint64_t> LeftIn(uint64_t round) const;
  // The draws of a request, oldest round first; nullopt if the rounds hold
  // too little.
  std::optional<std::vector<ModelDraw>> PlanDraws(uint64_t initiative,
                                                  uint64_t amount,
                                                  uint64_t named) const;
  // Every district with active residents has at least the genesis minimum.
  bool DistrictsLargeEnough() const;
  // Districts that may have a record in `round`: residents' and initiatives'.
  std::set<std::string> Districts() const;

  // The records docs/fund-rules.md implies, recomputed from scratch. The one
  // field the document leaves to the implementation, decided_at_ms of a
  // request settled by rule, is set to the request's time and the test
  // ignores it.
  v1::FundRecord ExpectedFund() const;
  v1::RoundRecord ExpectedRound(uint64_t id) const;
  v1::InitiativeRecord ExpectedInitiative(uint64_t id) const;
  v1::DistrictRoundRecord ExpectedDistrictRound(
      uint64_t round, const std::string& district) const;
  v1::InitiativeRoundRecord ExpectedInitiativeRound(uint64_t round,
                                                    uint64_t initiative) const;
  v1::RedemptionRecord ExpectedRedemption(uint64_t id) const;
  v1::ResidentRecord ExpectedResident(uint64_t id) const;
  v1::ProposalRecord ExpectedProposal(uint64_t id) const;
  v1::TransferRecord ExpectedTransfer(uint64_t id) const;

 private:
  // Steps 7 to 10 for each payload; kOk means accept. `Accept*` then applies.
  absl::StatusCode CheckPayload(const ModelTx& tx) const;
  absl::StatusCode CheckSteward(const ModelTx& tx) const;
  absl::StatusCode CheckResident(const ModelTx& tx) const;
  absl::StatusCode CheckRedemption(const ModelTx& tx) const;
  absl::StatusCode CheckDecision(const ModelTx& tx) const;
  absl::StatusCode CheckDistricts(const v1::DefineDistricts& p,
                                  const ModelTx& tx) const;
  absl::StatusCode CheckOpenRound(const ModelTx& tx) const;
  absl::StatusCode CheckAward(const ModelTx& tx) const;
  absl::StatusCode CheckTransfer(const ModelTx& tx) const;
  // Whether the proposed change applies now (at proposal and at enactment).
  absl::StatusCode CheckKeyChange(const v1::ProposeKeyChange& p) const;
  absl::StatusCode CheckEarlyClose(const v1::ProposeEarlyClose& p,
                                   uint64_t time_ms) const;
  absl::StatusCode CheckApproveProposal(const ModelTx& tx) const;
  // Approvals by keys on the council now.
  uint32_t CurrentApprovals(const std::vector<std::string>& approvals) const;
  void Enact(ModelProposal& proposal, uint64_t time_ms);
  void CloseRoundAt(uint64_t id, uint64_t time_ms);
  bool OfficeKey(const std::string& key) const;
  void ApplyRedemption(const ModelTx& tx, uint64_t index);
  void ApplyPayload(const ModelTx& tx, uint64_t index);

  const std::string origin_;
  bool genesis_done_ = false;
  v1::Genesis genesis_;
  uint64_t next_index_ = 0;
  uint64_t last_time_ms_ = 0;
  uint64_t open_round_ = 0;
  uint64_t last_round_ = 0;

  struct TxSeen {
    Hash envelope_hash{};
    uint64_t index = 0;
  };
  std::map<PublicKey, uint64_t> next_nonce_;
  std::map<std::pair<PublicKey, uint64_t>, TxSeen> txs_;
  std::map<PublicKey, KeyState> keys_;
  std::map<uint64_t, ModelResident> residents_;
  std::map<uint64_t, ModelRound> rounds_;
  std::map<uint64_t, ModelInitiative> initiatives_;
  std::map<std::tuple<uint64_t, uint64_t, uint64_t>, uint64_t> awards_;
  std::vector<ModelMove> moves_;
  std::map<uint64_t, ModelRedemption> redemptions_;
  std::vector<ModelReport> reports_;
  std::set<std::string> defined_districts_;
  std::vector<std::string> stewards_;
  std::vector<std::string> council_;
  std::map<uint64_t, ModelProposal> proposals_;
  std::map<uint64_t, ModelTransfer> transfers_;
};

// The text rules of docs/fund-rules.md: valid UTF-8, no control characters
// (newlines only where allowed), length in bytes within [min, max].
bool ModelTextOk(const std::string& text, size_t min, size_t max,
                 bool newlines_allowed = false);

}  // namespace uuro::testing

#endif  // TESTS_LEDGER_FUND_REFERENCE_MODEL_H_
