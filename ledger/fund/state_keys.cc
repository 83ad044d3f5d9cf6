#include "ledger/fund/state_keys.h"

#include "ledger/store/store_keys.h"

namespace uuro::fund::keys {
namespace {

using store_keys::EncodeUint64;

}  // namespace

std::string Fund() { return "fund"; }
std::string Signer(const PublicKey& key) {
  return "signer/" + PublicKeyBytes(key);
}
std::string TxPrefix(const PublicKey& key) {
  return "tx/" + PublicKeyBytes(key);
}
std::string Tx(const PublicKey& key, uint64_t nonce) {
  return TxPrefix(key) + EncodeUint64(nonce);
}
std::string Key(const PublicKey& key) { return "key/" + PublicKeyBytes(key); }
std::string Resident(uint64_t id) { return "resident/" + EncodeUint64(id); }
std::string RoundPrefix() { return "round/"; }
std::string Round(uint64_t id) { return RoundPrefix() + EncodeUint64(id); }
std::string Spent(uint64_t round, uint64_t resident) {
  return "spent/" + EncodeUint64(round) + EncodeUint64(resident);
}
std::string AwardPrefix(uint64_t round, uint64_t resident) {
  return "award/" + EncodeUint64(round) + EncodeUint64(resident);
}
std::string Award(uint64_t round, uint64_t resident, uint64_t initiative) {
  return AwardPrefix(round, resident) + EncodeUint64(initiative);
}
std::string DistrictRoundPrefix(uint64_t round) {
  return "district/" + EncodeUint64(round);
}
std::string DistrictRound(uint64_t round, std::string_view district) {
  return DistrictRoundPrefix(round) + std::string(district);
}
std::string InitiativeRoundPrefix(uint64_t round) {
  return "initiative_round/" + EncodeUint64(round);
}
std::string InitiativeRound(uint64_t round, uint64_t initiative) {
  return InitiativeRoundPrefix(round) + EncodeUint64(initiative);
}
std::string InitiativePrefix() { return "initiative/"; }
std::string Initiative(uint64_t id) {
  return InitiativePrefix() + EncodeUint64(id);
}
std::string RedemptionPrefix() { return "redemption/"; }
std::string Redemption(uint64_t id) {
  return RedemptionPrefix() + EncodeUint64(id);
}
std::string ReportPrefix(uint64_t initiative) {
  return "report/" + EncodeUint64(initiative);
}
std::string Report(uint64_t initiative, uint64_t index) {
  return ReportPrefix(initiative) + EncodeUint64(index);
}

std::string Invite(const Hash& code_hash) {
  return "invite/" + std::string(AsString(code_hash));
}
std::string DistrictInvitesPrefix() { return "invites/"; }
std::string DistrictInvites(std::string_view district) {
  return DistrictInvitesPrefix() + std::string(district);
}
std::string ProposalPrefix() { return "proposal/"; }
std::string Proposal(uint64_t id) {
  return ProposalPrefix() + EncodeUint64(id);
}
std::string TransferPrefix() { return "transfer/"; }
std::string Transfer(uint64_t id) {
  return TransferPrefix() + EncodeUint64(id);
}

uint64_t TrailingId(std::string_view key) {
  return ReadBigEndian64(AsBytes(key.substr(key.size() - 8)));
}

}  // namespace uuro::fund::keys
