#include "ledger/fund/queries.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/fund/state_keys.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

template <typename Record>
absl::StatusOr<Record> ReadExisting(const StateReader& state,
                                    const std::string& key,
                                    const std::string& what) {
  Record record;
  UURO_ASSIGN_OR_RETURN(bool found, ReadRecord(state, key, record));
  if (!found) return absl::NotFoundError(absl::StrCat("no ", what));
  return record;
}

template <typename Record>
absl::StatusOr<Record> ReadOrZero(const StateReader& state,
                                  const std::string& key) {
  Record record;
  UURO_RETURN_IF_ERROR(ReadRecord(state, key, record).status());
  return record;
}

}  // namespace

absl::StatusOr<v1::FundRecord> ReadFund(const StateReader& state) {
  v1::FundRecord fund;
  UURO_ASSIGN_OR_RETURN(bool found, ReadRecord(state, keys::Fund(), fund));
  if (!found) {
    return absl::FailedPreconditionError("the ledger has no genesis yet");
  }
  return fund;
}

absl::StatusOr<v1::RoundRecord> ReadRound(const StateReader& state,
                                          uint64_t id) {
  return ReadExisting<v1::RoundRecord>(state, keys::Round(id),
                                       absl::StrCat("round ", id));
}

absl::StatusOr<v1::InitiativeRecord> ReadInitiative(const StateReader& state,
                                                    uint64_t id) {
  return ReadExisting<v1::InitiativeRecord>(state, keys::Initiative(id),
                                            absl::StrCat("initiative ", id));
}

absl::StatusOr<v1::RedemptionRecord> ReadRedemption(const StateReader& state,
                                                    uint64_t id) {
  return ReadExisting<v1::RedemptionRecord>(
      state, keys::Redemption(id), absl::StrCat("redemption request ", id));
}

absl::StatusOr<v1::ProposalRecord> ReadProposal(const StateReader& state,
                                                uint64_t id) {
  return ReadExisting<v1::ProposalRecord>(state, keys::Proposal(id),
                                          absl::StrCat("proposal ", id));
}

absl::StatusOr<v1::ResidentRecord> ReadResidentByKey(const StateReader& state,
                                                     const PublicKey& key) {
  UURO_ASSIGN_OR_RETURN(
      auto key_record,
      ReadExisting<v1::KeyRecord>(
          state, keys::Key(key),
          absl::StrCat("resident with key ", FormatPublicKey(key))));
  return ReadExisting<v1::ResidentRecord>(
      state, keys::Resident(key_record.resident_id()),
      absl::StrCat("resident ", key_record.resident_id()));
}

absl::StatusOr<v1::DistrictRoundRecord> ReadDistrictRound(
    const StateReader& state, uint64_t round, std::string_view district) {
  return ReadOrZero<v1::DistrictRoundRecord>(
      state, keys::DistrictRound(round, district));
}

absl::StatusOr<v1::InitiativeRoundRecord> ReadInitiativeRound(
    const StateReader& state, uint64_t round, uint64_t initiative) {
  return ReadOrZero<v1::InitiativeRoundRecord>(
      state, keys::InitiativeRound(round, initiative));
}

absl::StatusOr<uint64_t> ReadSpent(const StateReader& state, uint64_t round,
                                   uint64_t resident) {
  UURO_ASSIGN_OR_RETURN(auto record, ReadOrZero<v1::SpentRecord>(
                                         state, keys::Spent(round, resident)));
  return record.amount();
}

absl::StatusOr<uint64_t> ReadAward(const StateReader& state, uint64_t round,
                                   uint64_t resident, uint64_t initiative) {
  UURO_ASSIGN_OR_RETURN(auto record,
                        ReadOrZero<v1::AwardRecord>(
                            state, keys::Award(round, resident, initiative)));
  return record.amount();
}

absl::Status RequireDefinedDistrict(const v1::FundRecord& fund,
                                    const std::string& district) {
  const auto& defined = fund.defined_districts();
  if (!std::binary_search(defined.begin(), defined.end(), district)) {
    return absl::NotFoundError(
        absl::StrCat("district \"", district,
                     "\" is not defined; a steward defines it first (uuro "
                     "district add)"));
  }
  return absl::OkStatus();
}

uint64_t InitiativeBalance(const v1::InitiativeRecord& initiative) {
  return initiative.received_final() + initiative.transferred_in() -
         initiative.transferred_out() - initiative.redeemed() -
         initiative.pending();
}

uint64_t RoundIssued(const v1::RoundRecord& round) { return round.issued(); }

uint64_t DistrictAllowance(const v1::OpenRound& rules,
                           std::string_view district) {
  const auto& list = rules.district_allowances();
  auto it = std::lower_bound(
      list.begin(), list.end(), district,
      [](const v1::DistrictAllowance& d, std::string_view name) {
        return d.district() < name;
      });
  if (it != list.end() && it->district() == district) return it->allowance();
  return rules.allowance();
}

uint64_t RoundCreditsLeft(const v1::InitiativeRoundRecord& held) {
  return held.awarded() - held.withdrawn() + held.transferred_in() -
         held.transferred_out() - held.redeemed() - held.pending();
}

}  // namespace uuro::fund
