// Keys of the fund state records (docs/fund-rules.md, "State keys").
// Integers are 8-byte big-endian so that key order is numeric order.
#ifndef LEDGER_FUND_STATE_KEYS_H_
#define LEDGER_FUND_STATE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/tlog/keys.h"

namespace uuro::fund::keys {

std::string Fund();
std::string Signer(const PublicKey& key);
std::string Tx(const PublicKey& key, uint64_t nonce);
std::string TxPrefix(const PublicKey& key);
std::string AwardPrefix(uint64_t round, uint64_t resident);
std::string InitiativePrefix();
std::string Key(const PublicKey& key);
std::string Resident(uint64_t id);
std::string Round(uint64_t id);
std::string RoundPrefix();
std::string RedemptionPrefix();
std::string Spent(uint64_t round, uint64_t resident);
std::string Award(uint64_t round, uint64_t resident, uint64_t initiative);
std::string DistrictRound(uint64_t round, std::string_view district);
std::string DistrictRoundPrefix(uint64_t round);
std::string InitiativeRound(uint64_t round, uint64_t initiative);
std::string InitiativeRoundPrefix(uint64_t round);
std::string Initiative(uint64_t id);
std::string Redemption(uint64_t id);
std::string Report(uint64_t initiative, uint64_t index);
std::string Proposal(uint64_t id);
std::string ProposalPrefix();
std::string Transfer(uint64_t id);
std::string TransferPrefix();
std::string ReportPrefix(uint64_t initiative);
std::string Invite(const Hash& code_hash);
std::string DistrictInvites(std::string_view district);
std::string DistrictInvitesPrefix();

// The last 8 bytes of a key as an integer (for ids at the end of a key).
uint64_t TrailingId(std::string_view key);

}  // namespace uuro::fund::keys

#endif  // LEDGER_FUND_STATE_KEYS_H_
