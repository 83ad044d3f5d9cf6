// Fuzzes envelope decoding and the fund rules.
//
// The input is a list of records, each: one signer byte, a 16-bit big-endian
// length, and that many bytes. Each record is first decoded as an envelope
// as received (DecodeEnvelope, which must not crash). If it parses as a
// transaction body, it is signed by the chosen key (steward, council, two
// residents, the log key, or a stranger) and applied with BatchApplier on top
// of a fund with an open round and an initiative. Signer bytes with the high
// bit set get the signer's next nonce, the fund's origin and a valid expiry
// filled in, so that mutations reach the rules rather than the first checks.
//
// Properties checked on every input:
//   - every entry of the batch fits in the log (kMaxEntrySize);
//   - replaying the batch's entries (ApplyEntry, as an auditor does) is
//     accepted and stages exactly the state the sequencer staged;
//   - conservation, each side computed on its own rather than by the
//     formula ReadRoundTotals uses: issued from the residents enrolled
//     while the round was open times the allowance, net awarded from the
//     per-award records (and again from the per-initiative records),
//     unspent from each resident's allowance minus their spent record; the
//     three must satisfy issued = net awarded + unspent and agree with
//     ReadRoundTotals.
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/fund/batch_applier.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/totals.h"
#include "ledger/fund/transaction.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::fund {
namespace {

constexpr char kOrigin[] = "fuzz.uuro.example/ledger";
constexpr uint64_t kStartMs = 1'800'000'000'000;
constexpr uint64_t kRound = 3;        // The round Setup opens.
constexpr uint64_t kAllowance = 100;  // Its allowance, in every district.

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
  }
}

// A fixed state in memory, the base every input starts from.
class MemoryState final : public StateReader {
 public:
  absl::StatusOr<std::optional<Bytes>> Get(
      std::string_view key) const override {
    auto it = values_.find(std::string(key));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::map<std::string, Bytes>> Scan(
      std::string_view prefix) const override {
    std::map<std::string, Bytes> out;
    for (auto it = values_.lower_bound(std::string(prefix));
         it != values_.end() &&
         it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
      out.insert(*it);
    }
    return out;
  }
  void Apply(const std::vector<StateWrite>& writes) {
    for (const StateWrite& w : writes) {
      if (w.value) {
        values_[w.key] = *w.value;
      } else {
        values_.erase(w.key);
      }
    }
  }

 private:
  std::map<std::string, Bytes> values_;
};

SecretKey KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return *SecretKey::FromSeed(seed);
}

// The fund every input starts from: genesis (entry 0), two residents
// enrolled (1, 2), round 3 open (allowance 100, 50 % share, trust threshold
// 10), initiative 4 proposed by the second resident, and an award of 20 to it
// by the first (5).
struct Fund {
  SecretKey log = KeyFromByte(1);
  SecretKey steward = KeyFromByte(2);
  SecretKey council = KeyFromByte(3);
  SecretKey alice = KeyFromByte(4);
  SecretKey owner = KeyFromByte(5);
  SecretKey stranger = KeyFromByte(6);
  MemoryState state;
  uint64_t size = 0;
  uint64_t time_ms = kStartMs;
  std::map<PublicKey, uint64_t> next_nonce;

  const SecretKey& Signer(uint8_t b) const {
    const SecretKey* keys[] = {&steward, &council, &alice,
                               &owner,   &log,     &stranger};
    return *keys[(b & 0x7f) % 6];
  }

  void Setup() {
    v1::TxBody genesis;
    genesis.mutable_genesis()->set_origin(kOrigin);
    genesis.mutable_genesis()->set_fund_name("Fuzz fund");
    genesis.mutable_genesis()->add_steward_keys(
        PublicKeyBytes(steward.public_key()));
    genesis.mutable_genesis()->add_council_keys(
        PublicKeyBytes(council.public_key()));
    genesis.mutable_genesis()->set_log_verifier_key(
        FormatVerifierKey(*MakeVerifier(kOrigin, log.public_key())));
    genesis.mutable_genesis()->set_format_version(fund::kFormatVersion);
    genesis.mutable_genesis()->set_min_district_size(1);
    genesis.mutable_genesis()->add_districts("harbour");
    Commit(log, genesis);
    for (const SecretKey* r : {&alice, &owner}) {
      v1::TxBody enroll;
      enroll.mutable_enroll_resident()->set_key(
          PublicKeyBytes(r->public_key()));
      enroll.mutable_enroll_resident()->set_district("harbour");
      Commit(steward, enroll);
    }
    v1::TxBody open;
    open.mutable_open_round()->set_allowance(100);
    open.mutable_open_round()->set_credit_value_cents(100);
    open.mutable_open_round()->set_opens_at_ms(kStartMs);
    open.mutable_open_round()->set_closes_at_ms(kStartMs + 3'600'000);
    open.mutable_open_round()->set_max_share_percent(50);
    open.mutable_open_round()->set_trust_threshold(10);
    Commit(steward, open);
    v1::TxBody propose;
    propose.mutable_propose_initiative()->set_title("Benches");
    propose.mutable_propose_initiative()->set_district("harbour");
    propose.mutable_propose_initiative()->set_amount_asked(50);
    Commit(owner, propose);
    v1::TxBody award;
    award.mutable_award()->set_round_id(3);
    award.mutable_award()->set_initiative_id(4);
    award.mutable_award()->set_amount(20);
    Commit(alice, award);
  }

  void Fill(const SecretKey& key, v1::TxBody& body,
            const std::map<PublicKey, uint64_t>& nonces, uint64_t now) const {
    body.set_origin(kOrigin);
    auto it = nonces.find(key.public_key());
    body.set_nonce(it == nonces.end() ? 0 : it->second);
    body.set_expires_at_ms(now + 600'000);
  }

  void Commit(const SecretKey& key, v1::TxBody body) {
    time_ms += 1000;
    Fill(key, body, next_nonce, time_ms);
    auto tx = DecodeEnvelope(SignEnvelope(key, body));
    Check(tx.ok(), "a setup transaction decodes");
    BatchApplier applier(state, size);
    auto result = applier.Apply(*tx, time_ms);
    if (!result.ok()) {
      std::fprintf(stderr, "setup refused: %s\n",
                   result.status().ToString().c_str());
      std::abort();
    }
    AppendBatch batch = applier.TakeBatch();
    state.Apply(batch.state);
    size += batch.entries.size();
    next_nonce[key.public_key()] = body.nonce() + 1;
  }
};

const Fund& TheFund() {
  static Fund* fund = [] {
    // Invalid UTF-8 in string fields is refused; protobuf would also log it.
    google::protobuf::SetLogHandler(nullptr);
    auto* f = new Fund();
    f->Setup();
    return f;
  }();
  return *fund;
}

template <typename Record>
Record Decode(const Bytes& value) {
  Record record;
  Check(record.ParseFromArray(value.data(), static_cast<int>(value.size())),
        "a state record decodes");
  return record;
}

std::map<std::string, Bytes> ScanOrDie(const StateReader& state,
                                       const std::string& prefix) {
  auto scanned = state.Scan(prefix);
  Check(scanned.ok(), "the state scans");
  return *std::move(scanned);
}

bool RoundClosed(const StateReader& state) {
  auto value = state.Get(keys::Round(kRound));
  Check(value.ok() && value->has_value(), "the round's record is there");
  return Decode<v1::RoundRecord>(**value).closed();
}

// The residents given the round's allowance, followed through the inputs:
// the two enrolled before it opened and every resident enrolled (by the
// steward or by claiming an invite) while it was open. Revocation does not
// take an allowance back, and a replacement key keeps its resident id.
class Members {
 public:
  // Call after every applied transaction, with whether the round was
  // closed before it.
  void Update(const StateReader& state, bool closed_before) {
    const std::string prefix = keys::Resident(0).substr(0, 9);
    for (const auto& [key, value] : ScanOrDie(state, prefix)) {
      const uint64_t id = Decode<v1::ResidentRecord>(value).id();
      if (id <= seen_) continue;
      seen_ = id;
      if (!closed_before) ids_.insert(id);
    }
  }
  const std::set<uint64_t>& ids() const { return ids_; }

 private:
  std::set<uint64_t> ids_ = {1, 2};
  uint64_t seen_ = 2;
};

// issued = net awarded + unspent for the round, each side computed from
// its own records, and each equal to what ReadRoundTotals reports.
void CheckConservation(const StateReader& state, const Members& members) {
  // Issued: every member got the allowance, once.
  const uint64_t issued = members.ids().size() * kAllowance;
  // The district records say the same: residents times allowance.
  uint64_t issued_by_district = 0;
  for (const auto& [key, value] :
       ScanOrDie(state, keys::DistrictRoundPrefix(kRound))) {
    auto d = Decode<v1::DistrictRoundRecord>(value);
    Check(d.allowance() == kAllowance, "a district's allowance is the rule");
    issued_by_district += d.residents() * d.allowance();
  }
  Check(issued_by_district == issued,
        "issued = residents enrolled while open x allowance");

  // Net awarded: the sum of the per-award records (resident, initiative),
  // and each resident's awards add up to their spent record.
  uint64_t net = 0;
  std::map<uint64_t, uint64_t> awarded_by;  // Resident id -> net awards.
  const std::string award_prefix = keys::AwardRoundPrefix(kRound);
  for (const auto& [key, value] : ScanOrDie(state, award_prefix)) {
    const uint64_t resident =
        keys::TrailingId(key.substr(0, award_prefix.size() + 8));
    Check(members.ids().count(resident) == 1,
          "only residents given the allowance have awards");
    const uint64_t amount = Decode<v1::AwardRecord>(value).amount();
    net += amount;
    awarded_by[resident] += amount;
  }
  // And the per-initiative records agree.
  uint64_t net_by_initiative = 0;
  for (const auto& [key, value] :
       ScanOrDie(state, keys::InitiativeRoundPrefix(kRound))) {
    auto held = Decode<v1::InitiativeRoundRecord>(value);
    Check(held.withdrawn() <= held.awarded(),
          "an initiative's withdrawals are within its awards");
    net_by_initiative += held.awarded() - held.withdrawn();
  }
  Check(net_by_initiative == net,
        "net awarded per initiative = net awarded per award");

  // Unspent: each member's allowance minus what their spent record says.
  uint64_t unspent = 0;
  for (uint64_t id : members.ids()) {
    auto value = state.Get(keys::Spent(kRound, id));
    Check(value.ok(), "a spent record reads");
    const uint64_t spent =
        value->has_value() ? Decode<v1::SpentRecord>(**value).amount() : 0;
    Check(spent <= kAllowance, "nobody spends beyond the allowance");
    auto it = awarded_by.find(id);
    Check(spent == (it == awarded_by.end() ? 0 : it->second),
          "a resident's spent record = the sum of their awards");
    unspent += kAllowance - spent;
  }

  Check(issued == net + unspent, "issued = net awarded + unspent");

  auto totals = ReadRoundTotals(state, kRound);
  Check(totals.ok(), "the round's totals read");
  Check(totals->issued() == issued, "reported issued is the computed one");
  Check(totals->net_awarded() == net,
        "reported net awarded is the computed one");
  Check(totals->unspent() == unspent, "reported unspent is the computed one");
  Check(totals->net_awarded() == totals->awarded() - totals->withdrawn(),
        "net awarded = awarded - withdrawn");
  if (totals->closed()) {
    Check(totals->lapsed() == unspent, "what lapsed is what was unspent");
  }
}

}  // namespace
}  // namespace uuro::fund

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace uuro;
  using namespace uuro::fund;
  const Fund& fund = TheFund();
  BatchApplier applier(fund.state, fund.size);
  std::map<PublicKey, uint64_t> nonces = fund.next_nonce;
  uint64_t now = fund.time_ms;
  size_t applied = 0;
  Members members;
  for (size_t at = 0; at + 3 <= size && applied < 16;) {
    const uint8_t signer_byte = data[at];
    const size_t length = (size_t{data[at + 1]} << 8) | data[at + 2];
    at += 3;
    const size_t take = std::min(length, size - at);
    ByteView record(data + at, take);
    at += take;

    (void)DecodeEnvelope(record);  // Bytes as they arrive over the wire.
    v1::TxBody body;
    if (!body.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
      continue;
    }
    const SecretKey& key = fund.Signer(signer_byte);
    now += 1 + (signer_byte & 0x0f) * 60'000;
    if (signer_byte & 0x80) fund.Fill(key, body, nonces, now);
    auto tx = DecodeEnvelope(SignEnvelope(key, body));
    if (!tx.ok()) continue;
    ++applied;
    const bool closed_before = RoundClosed(applier.state());
    auto result = applier.Apply(*tx, now);
    if (result.ok() && !result->duplicate) {
      nonces[key.public_key()] = body.nonce() + 1;
    }
    members.Update(applier.state(), closed_before);
    CheckConservation(applier.state(), members);
  }

  AppendBatch batch = applier.TakeBatch();
  BatchApplier replay(fund.state, fund.size);
  for (const Bytes& entry : batch.entries) {
    Check(entry.size() <= kMaxEntrySize, "an entry fits in the log");
    absl::Status replayed = replay.ApplyEntry(entry);
    if (!replayed.ok()) {
      std::fprintf(stderr, "replay refused: %s\n", replayed.ToString().c_str());
      std::abort();
    }
  }
  AppendBatch again = replay.TakeBatch();
  Check(again.state.size() == batch.state.size(),
        "replay stages as many writes");
  for (size_t i = 0; i < batch.state.size(); ++i) {
    Check(again.state[i].key == batch.state[i].key &&
              again.state[i].value == batch.state[i].value,
          "replay stages the same state");
  }
  return 0;
}
