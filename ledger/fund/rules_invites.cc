// Invites: a steward logs hashes of one-time codes for a district; a new key
// claims one by presenting its code and is enrolled in that district.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/invite_code.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

Hash ToHash(const std::string& bytes) {
  Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

// The district's batch of invites expiring at `expires_at_ms`, added in
// expiry order if there is none yet.
v1::InviteBatch& BatchFor(v1::DistrictInvitesRecord& record,
                          uint64_t expires_at_ms) {
  auto* batches = record.mutable_batches();
  auto it = std::lower_bound(batches->begin(), batches->end(), expires_at_ms,
                             [](const v1::InviteBatch& b, uint64_t t) {
                               return b.expires_at_ms() < t;
                             });
  if (it != batches->end() && it->expires_at_ms() == expires_at_ms) return *it;
  size_t pos = static_cast<size_t>(it - batches->begin());
  batches->Add()->set_expires_at_ms(expires_at_ms);
  // RepeatedPtrField has no insert: append, then rotate into place.
  for (size_t i = static_cast<size_t>(batches->size()) - 1; i > pos; --i) {
    batches->SwapElements(static_cast<int>(i), static_cast<int>(i - 1));
  }
  return batches->at(static_cast<int>(pos));
}

absl::StatusOr<v1::DistrictInvitesRecord> ReadDistrictInvites(
    const StateReader& state, const std::string& district) {
  v1::DistrictInvitesRecord record;
  UURO_RETURN_IF_ERROR(
      ReadRecord(state, keys::DistrictInvites(district), record).status());
  record.set_district(district);
  return record;
}

}  // namespace

absl::Status IssueInvites(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  const v1::IssueInvites& issue = ctx.tx.body.issue_invites();
  UURO_RETURN_IF_ERROR(RequireDefinedDistrict(ctx.fund, issue.district()));
  if (issue.expires_at_ms() <= ctx.time_ms ||
      issue.expires_at_ms() - ctx.time_ms > kMaxInviteLifetimeMs) {
    return absl::FailedPreconditionError(
        absl::StrCat("invites must expire after ", FormatIsoTime(ctx.time_ms),
                     " and at most 400 days later, not at ",
                     FormatIsoTime(issue.expires_at_ms())));
  }
  for (const std::string& hash_bytes : issue.code_hashes()) {
    Hash hash = ToHash(hash_bytes);
    v1::InviteRecord invite;
    UURO_ASSIGN_OR_RETURN(bool known,
                          ReadRecord(ctx.state, keys::Invite(hash), invite));
    if (known) {
      return absl::AlreadyExistsError(absl::StrCat(
          "an invite with code hash ", ToHex(hash), " was already issued"));
    }
    invite.set_district(issue.district());
    invite.set_expires_at_ms(issue.expires_at_ms());
    invite.set_issued_index(ctx.index);
    WriteRecord(ctx.state, keys::Invite(hash), invite);
  }
  UURO_ASSIGN_OR_RETURN(v1::DistrictInvitesRecord record,
                        ReadDistrictInvites(ctx.state, issue.district()));
  v1::InviteBatch& batch = BatchFor(record, issue.expires_at_ms());
  UURO_ASSIGN_OR_RETURN(
      uint64_t issued,
      CheckedSum(batch.issued(),
                 static_cast<uint64_t>(issue.code_hashes_size()),
                 "the district's invites"));
  batch.set_issued(issued);
  WriteRecord(ctx.state, keys::DistrictInvites(issue.district()), record);
  return absl::OkStatus();
}

absl::Status ClaimInvite(TxContext& ctx) {
  Hash hash = InviteCodeHash(ctx.tx.body.claim_invite().code());
  v1::InviteRecord invite;
  UURO_ASSIGN_OR_RETURN(bool known,
                        ReadRecord(ctx.state, keys::Invite(hash), invite));
  if (!known) return absl::NotFoundError("no invite has this code");
  if (invite.claimed_index() != 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "this invite was already used, by entry ", invite.claimed_index()));
  }
  if (ctx.time_ms >= invite.expires_at_ms()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this invite expired at ", FormatIsoTime(invite.expires_at_ms()),
        "; ask the fund office for a new one"));
  }
  std::string signer(ctx.tx.signer.begin(), ctx.tx.signer.end());
  UURO_RETURN_IF_ERROR(EnrollKey(ctx, signer, invite.district()));
  invite.set_claimed_index(ctx.index);
  WriteRecord(ctx.state, keys::Invite(hash), invite);
  UURO_ASSIGN_OR_RETURN(v1::DistrictInvitesRecord record,
                        ReadDistrictInvites(ctx.state, invite.district()));
  v1::InviteBatch& batch = BatchFor(record, invite.expires_at_ms());
  batch.set_claimed(batch.claimed() + 1);  // At most `issued`: cannot wrap.
  WriteRecord(ctx.state, keys::DistrictInvites(invite.district()), record);
  return absl::OkStatus();
}

}  // namespace uuro::fund
