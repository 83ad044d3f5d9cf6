// Enrollment and revocation of residents.
#include "absl/strings/str_cat.h"
#include "ledger/fund/checked.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

PublicKey ToKey(const std::string& bytes) {
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

absl::StatusOr<bool> KeyKnown(const TxContext& ctx, const PublicKey& key) {
  v1::KeyRecord record;
  return ReadRecord(ctx.state, keys::Key(key), record);
}

}  // namespace

absl::Status EnrollResident(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  const v1::EnrollResident& enroll = ctx.tx.body.enroll_resident();
  UURO_RETURN_IF_ERROR(RequireDefinedDistrict(ctx.fund, enroll.district()));
  return EnrollKey(ctx, enroll.key(), enroll.district());
}

absl::Status EnrollKey(TxContext& ctx, const std::string& key_bytes,
                       const std::string& district) {
  PublicKey key = ToKey(key_bytes);
  UURO_ASSIGN_OR_RETURN(bool known, KeyKnown(ctx, key));
  if (known) {
    return absl::AlreadyExistsError(absl::StrCat(
        "key ", FormatPublicKey(key), " is already enrolled or was revoked"));
  }
  UURO_RETURN_IF_ERROR(RefuseOfficeKey(ctx.fund, key_bytes, "the key"));
  v1::ResidentRecord resident;
  resident.set_id(ctx.index);
  resident.set_key(key_bytes);
  resident.set_district(district);
  WriteRecord(ctx.state, keys::Resident(ctx.index), resident);
  v1::KeyRecord key_record;
  key_record.set_resident_id(ctx.index);
  WriteRecord(ctx.state, keys::Key(key), key_record);

  ctx.fund.set_active_residents(ctx.fund.active_residents() + 1);
  AddDistrictResidents(ctx.fund, district, +1);
  // A resident enrolled while a round is open gets that round's allowance.
  UURO_RETURN_IF_ERROR(JoinOpenRound(ctx, district));
  return absl::OkStatus();
}

absl::Status RevokeResident(TxContext& ctx) {
  UURO_RETURN_IF_ERROR(RequireSteward(ctx));
  const v1::RevokeResident& revoke = ctx.tx.body.revoke_resident();
  PublicKey key = ToKey(revoke.key());
  v1::KeyRecord key_record;
  UURO_ASSIGN_OR_RETURN(bool known,
                        ReadRecord(ctx.state, keys::Key(key), key_record));
  if (!known) {
    return absl::NotFoundError(
        absl::StrCat("no resident has key ", FormatPublicKey(key)));
  }
  if (key_record.revoked()) {
    return absl::FailedPreconditionError(
        absl::StrCat("key ", FormatPublicKey(key), " is already revoked"));
  }
  v1::ResidentRecord resident;
  UURO_RETURN_IF_ERROR(
      ReadRecord(ctx.state, keys::Resident(key_record.resident_id()), resident)
          .status());
  key_record.set_revoked(true);
  WriteRecord(ctx.state, keys::Key(key), key_record);

  if (!revoke.replacement_key().empty()) {
    PublicKey replacement = ToKey(revoke.replacement_key());
    UURO_ASSIGN_OR_RETURN(bool taken, KeyKnown(ctx, replacement));
    if (taken) {
      return absl::AlreadyExistsError(
          absl::StrCat("replacement key ", FormatPublicKey(replacement),
                       " is already enrolled or was revoked"));
    }
    UURO_RETURN_IF_ERROR(RefuseOfficeKey(ctx.fund, revoke.replacement_key(),
                                         "the replacement key"));
    // The resident continues under the new key: balance, awards, initiatives
    // are all kept by resident id, so nothing else moves.
    v1::KeyRecord new_key;
    new_key.set_resident_id(resident.id());
    WriteRecord(ctx.state, keys::Key(replacement), new_key);
    resident.set_key(revoke.replacement_key());
  } else {
    resident.set_revoked(true);
    resident.set_revoke_reason(revoke.reason_code());
    ctx.fund.set_active_residents(ctx.fund.active_residents() - 1);
    AddDistrictResidents(ctx.fund, resident.district(), -1);
  }
  WriteRecord(ctx.state, keys::Resident(resident.id()), resident);
  return absl::OkStatus();
}

}  // namespace uuro::fund
