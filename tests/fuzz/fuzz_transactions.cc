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
//   - conservation: per round, issued = net awarded + unspent.
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdlib>
#include <map>
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

void CheckConservation(const StateReader& state) {
  for (uint64_t round : {uint64_t{3}}) {
    auto totals = ReadRoundTotals(state, round);
    if (!totals.ok()) continue;
    Check(totals->issued() == totals->net_awarded() + totals->unspent(),
          "issued = net awarded + unspent");
    Check(totals->net_awarded() == totals->awarded() - totals->withdrawn(),
          "net awarded = awarded - withdrawn");
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
    auto result = applier.Apply(*tx, now);
    if (result.ok() && !result->duplicate) {
      nonces[key.public_key()] = body.nonce() + 1;
    }
    CheckConservation(applier.state());
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
