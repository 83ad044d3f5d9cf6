// The fund rules, one function per payload (steps 8 to 10 of
// docs/fund-rules.md). Internal to ledger/fund: BatchApplier calls them after
// the envelope, nonce, expiry and field checks have passed.
#ifndef LEDGER_FUND_RULES_H_
#define LEDGER_FUND_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "ledger/fund/transaction.h"
#include "uuro/v1/state.pb.h"

namespace uuro::fund {

// What a rule sees of the entry being applied. Rules stage their changes in
// `state` and `fund`; the caller discards both if the rule refuses.
struct TxContext {
  const VerifiedTx& tx;
  uint64_t index;    // The entry's log index: the id of what it creates.
  uint64_t time_ms;  // The entry's time.
  v1::FundRecord& fund;
  StateOverlay& state;
};

// Dispatches on the payload; genesis is handled by the caller.
absl::Status ApplyPayload(TxContext& ctx);

// Role checks, PERMISSION_DENIED when the signer lacks the role.
absl::Status RequireSteward(const TxContext& ctx);
absl::Status RequireCouncil(const TxContext& ctx);
absl::StatusOr<v1::ResidentRecord> RequireResident(const TxContext& ctx);
// FAILED_PRECONDITION if `key` is a steward or council key: the fund office
// and the council never take part as residents.
absl::Status RefuseOfficeKey(const v1::FundRecord& fund, const std::string& key,
                             std::string_view what);
// The resident must own the initiative; NOT_FOUND if it does not exist.
absl::StatusOr<v1::InitiativeRecord> RequireOwnInitiative(const TxContext& ctx,
                                                          uint64_t id);

// Per area (rules_*.cc).
absl::Status EnrollResident(TxContext& ctx);
absl::Status RevokeResident(TxContext& ctx);
absl::Status OpenRound(TxContext& ctx);
absl::Status CloseRound(TxContext& ctx);
absl::Status ProposeInitiative(TxContext& ctx);
absl::Status SetInitiativeStatus(TxContext& ctx);  // Suspend and reinstate.
absl::Status PostReport(TxContext& ctx);
absl::Status Award(TxContext& ctx);
absl::Status WithdrawAward(TxContext& ctx);
absl::Status RequestRedemption(TxContext& ctx);
absl::Status DecideRedemption(TxContext& ctx);  // Settle and reject.
absl::Status ApproveRedemption(TxContext& ctx);
absl::Status DefineDistricts(TxContext& ctx);
absl::Status IssueInvites(TxContext& ctx);
absl::Status ClaimInvite(TxContext& ctx);

// Enrols `key` in the defined `district` as resident ctx.index, with the open
// round's allowance. ALREADY_EXISTS if the key is known (enrolled or
// revoked); FAILED_PRECONDITION for a steward or council key.
absl::Status EnrollKey(TxContext& ctx, const std::string& key,
                       const std::string& district);
absl::Status ProposeKeyChange(TxContext& ctx);
absl::Status ProposeEarlyClose(TxContext& ctx);
absl::Status ApproveProposal(TxContext& ctx);
absl::Status TransferCredits(TxContext& ctx);

// Gives a resident enrolled into `district` the open round's allowance for
// that district, if a round is open.
absl::Status JoinOpenRound(TxContext& ctx, const std::string& district);
// Closes `round` now: unspent allowance lapses and awards become final.
absl::Status CloseRoundNow(TxContext& ctx, v1::RoundRecord round);
// Whether `key` belongs to a resident, enrolled or revoked.
absl::StatusOr<bool> IsResidentKey(const TxContext& ctx,
                                   const std::string& key);
// How many of `approvals` are keys on the council now: approvals by a key
// removed since then no longer count.
uint32_t CurrentApprovals(
    const v1::FundRecord& fund,
    const google::protobuf::RepeatedPtrField<std::string>& approvals);

// FAILED_PRECONDITION naming every district with enrolled residents but
// fewer than the genesis minimum.
absl::Status CheckDistrictSizes(const v1::FundRecord& fund);

// Adds `delta` (negative to remove) to the active residents of `district` in
// the fund's sorted district list, dropping districts that reach zero.
void AddDistrictResidents(v1::FundRecord& fund, const std::string& district,
                          int delta);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_RULES_H_
