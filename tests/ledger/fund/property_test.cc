// Property test of the fund rules against docs/fund-rules.md.
//
// A seeded PRNG drives a real fund::BatchApplier over a real RocksLogStore
// with a long, random mix of valid and invalid transactions: enrollments in
// several districts, rounds opened and closed (time runs past their windows),
// proposals, awards and withdrawals (over balance, over the share cap, to
// unknown or suspended initiatives, outside the window, by unenrolled or
// revoked keys), revocations with and without a replacement key (which goes
// on with the resident's balance and awards), suspensions and
// reinstatements, redemptions under and over the trust threshold, settlements
// and rejections, reports, and envelope faults (identical resubmissions, a
// used nonce with another body, nonces ahead, expired or unset expiries,
// another origin, bad signatures, undecodable or non-canonical envelopes,
// missing payloads, steward payloads signed by residents, oversized
// envelopes, a second genesis); and the fund rules v2, part 3: proposals to
// add, remove or replace steward and council keys (by office keys and by
// others; office, resident, unlisted and malformed keys; the last steward;
// below quorum) and to close the open round early, council approvals of them
// (double, unknown, enacted already, by former council keys, no longer
// applicable), rounds with per-district allowances (undefined, unsorted,
// repeated, out of range) that allow or refuse self-awards and over-asking,
// and credit transfers between initiatives (beyond the balance, to the same
// owner, to itself, to unknown or suspended initiatives, named rounds). Entries
// are committed in random batches of 1 to 64 so that reads go through both the
// staged overlay and the store.
//
// It checks:
// - for every transaction, that the applier's result (status code; index and
//   duplicate flag when accepted) is the one predicted by ReferenceModel
//   (tests/ledger/fund/reference_model.h), an independent brute-force reading
//   of the document;
// - after every accepted entry, the conservation rules of docs/fund-rules.md
//   on the real state, for the round and initiatives the entry touched, each
//   side an independent sum: issued = the model's sum of the residents'
//   allowances = the sum of the real spent records + the sum over residents
//   of allowance - spent (lapsed once closed); net awarded = the sum of the
//   spent records = the sum over the initiatives' per-round records of
//   awarded - withdrawn; transferred = the sum of their transferred_in = the
//   sum of their transferred_out = the sum of the transfer records' draws;
//   once closed, net awarded = their redeemed + pending + the model's left;
//   an initiative's balance = the model's left over closed rounds, and its
//   received_final + transferred_in - transferred_out = redeemed + pending +
//   that; for the fund, requested = settled + pending + rejected. It also
//   compares those records, the touched district-round, initiative-round,
//   proposal and transfer records, and the fund's office keys with the
//   model's recomputation;
// - at the end, every round, initiative, district-round, initiative-round,
//   redemption, proposal, transfer, resident, key, signer, spent, award and
//   report record and the
//   fund record against the model, and that replaying the log into a fresh
//   store with fund::ReplayLog gives the same fund::StateDigest.
//
// Three sequences run: 20,000 transactions with a council quorum of 2 (of
// three genesis council keys), 2,000 with another seed and quorum 1, and 2,000
// with quorum 0, where proposals take effect at once. The
// seed is printed; UURO_PROPERTY_SEED=<n> reruns with another one, and
// UURO_PROPERTY_STATS=1 prints the outcomes per kind of transaction.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/digest.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/state_view.h"
#include "ledger/fund/transaction.h"
#include "ledger/fund/validation.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/note.h"
#include "tests/ledger/fund/reference_model.h"
#include "tests/testing/temp_dir.h"
#include "uuro/v1/state.pb.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::testing {
namespace {

using Code = absl::StatusCode;

constexpr char kPropertyOrigin[] = "property.uuro.example/fund";
constexpr uint64_t kGenesisMs = 1'800'000'000'000;
// Residents live here; the multi-byte names exercise byte (not character)
// limits, the last one being exactly 32 bytes.
const char* const kDistricts[] = {"north",      "south",    "east",
                                  "Hervanta–Ö", "old town", "ääääääääääääääää"};
// Genesis defines the first four; stewards define the rest as the run goes.
// Initiatives may also name a district where nobody is enrolled.
const char* const kInitiativeDistricts[] = {"north", "south", "Hervanta–Ö",
                                            "old town", "harbour"};

std::string KeyString(const PublicKey& key) {
  return std::string(key.begin(), key.end());
}

PublicKey ToKey(const std::string& bytes) {
  PublicKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

std::optional<uint64_t> SeedFromEnv() {
  const char* text = std::getenv("UURO_PROPERTY_SEED");
  if (text == nullptr || *text == '\0') return std::nullopt;
  return std::strtoull(text, nullptr, 0);
}

template <typename Message>
bool Same(const Message& real, const Message& expected) {
  return google::protobuf::util::MessageDifferencer::Equals(real, expected);
}

class PropertyRun {
 public:
  PropertyRun(uint64_t seed, uint64_t transactions, uint32_t quorum = 2)
      : seed_(seed),
        transactions_(transactions),
        quorum_(quorum),
        rng_(seed),
        model_(kPropertyOrigin),
        log_key_(NewKeyValue()) {
    for (int i = 0; i < 2; ++i) stewards_.push_back(&NewKey());
    for (int i = 0; i < 3; ++i) council_.push_back(&NewKey());
    for (const SecretKey* key : stewards_) {
      office_keys_.push_back(key->public_key());
    }
    for (const SecretKey* key : council_) {
      office_keys_.push_back(key->public_key());
    }
    for (int i = 0; i < 4; ++i) outsiders_.push_back(&NewKey());
    // About ten rounds over the run whatever its length: each transaction
    // moves time on by 750 ms on average.
    round_ms_ = transactions * 75;
    resident_target_ = std::max<uint64_t>(20, transactions / 100);
  }

  void Run() {
    auto store = CreateRocksLogStore(dir_.Sub("ledger"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    reader_ = std::make_unique<fund::StoreStateReader>(*store_);
    applier_ = std::make_unique<fund::BatchApplier>(*reader_, 0);
    now_ms_ = kGenesisMs;
    Genesis();
    if (::testing::Test::HasFailure()) return;
    batch_left_ = Uniform(1, 64);
    for (uint64_t i = 0; i < transactions_; ++i) {
      Step(i);
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << "stopped at transaction " << i << " of seed " << seed_;
        return;
      }
    }
    Commit();
    if (::testing::Test::HasFailure()) return;
    CheckFinal();
    CheckReplay();
    std::cout << "seed " << seed_ << ": " << store_->size() << " entries, "
              << model_.rounds().size() << " rounds, "
              << model_.residents().size() << " residents, "
              << model_.initiatives().size() << " initiatives, "
              << model_.redemptions().size() << " redemptions, "
              << model_.transfers().size() << " transfers, "
              << model_.proposals().size() << " proposals ("
              << std::count_if(model_.proposals().begin(),
                               model_.proposals().end(),
                               [](const auto& p) { return p.second.enacted; })
              << " enacted), " << model_.stewards().size() << " stewards and "
              << model_.council().size() << " council keys at the end; "
              << "refusals:";
    for (const auto& [code, count] : refusals_) {
      std::cout << " " << absl::StatusCodeToString(code) << "=" << count;
    }
    std::cout << "; duplicates=" << duplicates_ << "\n";
    if (std::getenv("UURO_PROPERTY_STATS") != nullptr) {
      for (const auto& [kind, codes] : outcomes_) {
        std::cout << "  " << kind << ":";
        for (const auto& [code, count] : codes) {
          std::cout << " " << absl::StatusCodeToString(code) << "=" << count;
        }
        std::cout << "\n";
      }
    }
  }

 private:
  // A transaction to submit, before the envelope faults.
  struct Planned {
    std::string kind;
    const SecretKey* signer = nullptr;
    v1::TxBody body;
  };
  // An accepted envelope, kept to resubmit.
  struct Accepted {
    Bytes envelope;
    PublicKey signer{};
    v1::TxBody body;
  };

  // --- Randomness and keys -------------------------------------------------

  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Uniform(0, items.size() - 1)];
  }

  // Keys come from the PRNG so that a seed reproduces the whole run.
  SecretKey NewKeyValue() {
    std::array<uint8_t, kSeedSize> seed;
    for (uint8_t& b : seed) b = static_cast<uint8_t>(rng_());
    auto key = SecretKey::FromSeed(seed);
    if (!key.ok()) std::abort();
    return std::move(*key);
  }
  const SecretKey& NewKey() {
    SecretKey key = NewKeyValue();
    PublicKey pub = key.public_key();
    return secrets_.emplace(pub, std::move(key)).first->second;
  }
  const SecretKey& Secret(const PublicKey& key) { return secrets_.at(key); }

  std::vector<const ModelResident*> ActiveResidents() const {
    std::vector<const ModelResident*> out;
    for (const auto& [id, resident] : model_.residents()) {
      if (resident.active) out.push_back(&resident);
    }
    return out;
  }
  std::vector<PublicKey> RevokedKeys() const {
    std::vector<PublicKey> out;
    for (const auto& [key, state] : model_.keys()) {
      if (state.revoked) out.push_back(key);
    }
    return out;
  }
  std::vector<uint64_t> InitiativeIds() const {
    std::vector<uint64_t> out;
    for (const auto& [id, initiative] : model_.initiatives()) out.push_back(id);
    return out;
  }
  // An id that names nothing of the wanted kind: an entry of another kind,
  // 0 (the genesis), or one beyond the log.
  uint64_t BogusId() {
    return Chance(0.5) ? model_.next_index() + Uniform(1, 1000)
                       : Uniform(0, model_.next_index());
  }

  // Mostly an active resident; sometimes a revoked key, an outsider, a
  // steward or the council, all of which lack the role.
  const SecretKey* ResidentSigner() {
    std::vector<const ModelResident*> active = ActiveResidents();
    if (!active.empty() && Chance(0.93)) return &Secret(Pick(active)->key);
    std::vector<PublicKey> revoked = RevokedKeys();
    switch (Uniform(0, 3)) {
      case 0:
        if (!revoked.empty()) return &Secret(Pick(revoked));
        [[fallthrough]];
      case 1:
        return Pick(outsiders_);
      case 2:
        return AnySteward();
      default:
        return AnyCouncil();
    }
  }
  // A key on the office list now.
  const SecretKey* PickOffice(const std::vector<std::string>& keys) {
    return &Secret(ToKey(Pick(keys)));
  }
  const SecretKey* AnySteward() { return PickOffice(model_.stewards()); }
  const SecretKey* AnyCouncil() {
    return model_.council().empty() ? AnySteward()
                                    : PickOffice(model_.council());
  }
  // A key that was a steward or council key and is no longer one.
  const SecretKey* FormerOffice() {
    std::vector<PublicKey> former;
    for (const PublicKey& key : office_keys_) {
      if (!model_.IsSteward(key) && !model_.IsCouncil(key)) {
        former.push_back(key);
      }
    }
    return former.empty() ? Pick(outsiders_) : &Secret(Pick(former));
  }
  // Mostly a steward; sometimes a resident, a council key, a former office
  // key or an outsider.
  const SecretKey* StewardSigner() {
    if (Chance(0.95)) return AnySteward();
    std::vector<const ModelResident*> active = ActiveResidents();
    switch (Uniform(0, 3)) {
      case 0:
        if (!active.empty()) return &Secret(Pick(active)->key);
        [[fallthrough]];
      case 1:
        return AnyCouncil();
      case 2:
        return FormerOffice();
      default:
        return Pick(outsiders_);
    }
  }
  // Mostly a council key; sometimes a steward, a former office key or a
  // resident.
  const SecretKey* CouncilSigner() {
    if (Chance(0.9)) return AnyCouncil();
    switch (Uniform(0, 2)) {
      case 0:
        return FormerOffice();
      case 1:
        return ResidentSigner();
      default:
        return AnySteward();
    }
  }

  // --- Texts ---------------------------------------------------------------

  std::string District() {
    // The 32-byte district is rare so that most districts have residents.
    return kDistricts[Chance(0.03) ? 5 : Uniform(0, 4)];
  }
  // A text of `bytes` bytes of valid UTF-8 (two-byte letters then padding).
  static std::string TextOfSize(size_t bytes) {
    std::string text;
    while (text.size() + 2 <= bytes) text += "ö";
    while (text.size() < bytes) text += "a";
    return text;
  }
  std::string Reason() {
    switch (Uniform(0, 9)) {
      case 0:
        return TextOfSize(500);
      case 1:
        return "Ei tarvetta — ratkaistu.";
      default:
        return "Reason stated in public.";
    }
  }
  // An invalid text field, or nullopt to keep the valid one.
  std::optional<std::string> MaybeBadText(double p, size_t max) {
    if (!Chance(p)) return std::nullopt;
    switch (Uniform(0, 4)) {
      case 0:
        return std::string();
      case 1:
        return TextOfSize(max + 1);
      case 2:
        return std::string("line\x01");
      case 3:
        return std::string("next line (C1) \xc2\x85 here");
      default:
        return std::string("tab\there");
    }
  }

  // --- Planning ------------------------------------------------------------

  Planned Plan() {
    if (model_.open_round() == 0 && Chance(0.03)) return PlanOpenRound();
    if (model_.open_round() != 0) {
      const ModelRound& round = model_.rounds().at(model_.open_round());
      if (now_ms_ >= round.rules.closes_at_ms() && Chance(0.08)) {
        return PlanCloseRound();
      }
    }
    const bool few_residents = ActiveResidents().size() < resident_target_;
    const bool few_initiatives = model_.initiatives().size() < 8;
    const double weights[] = {
        few_residents ? 10.0 : 0.6,   // 0 enroll
        0.8,                          // 1 revoke
        0.4,                          // 2 round ops out of turn
        few_initiatives ? 8.0 : 0.6,  // 3 propose
        1.5,                          // 4 suspend / reinstate
        40,                           // 5 award
        12,                           // 6 withdraw
        5,                            // 7 request redemption
        3,                            // 8 settle / reject
        2,                            // 9 report
        2,                            // 10 identical resubmission
        0.05,                         // 11 second genesis
        0.3,                          // 12 define districts
        2,                            // 13 council approval
        0.6,                          // 14 key change proposal
        0.25,                         // 15 early close proposal
        1.5,                          // 16 proposal approval
        3,                            // 17 transfer
    };
    std::discrete_distribution<int> pick(std::begin(weights),
                                         std::end(weights));
    switch (pick(rng_)) {
      case 0:
        return PlanEnroll();
      case 1:
        return PlanRevoke();
      case 2:
        return PlanRoundOutOfTurn();
      case 3:
        return PlanPropose();
      case 4:
        return PlanSuspendOrReinstate();
      case 5:
        return PlanAward();
      case 6:
        return PlanWithdraw();
      case 7:
        return PlanRequest();
      case 8:
        return PlanDecide();
      case 9:
        return PlanReport();
      case 10:
        return Planned{"resubmission", nullptr, {}};
      case 12:
        return PlanDefineDistricts();
      case 13:
        return PlanApprove();
      case 14:
        return PlanKeyChange();
      case 15:
        return PlanEarlyClose();
      case 16:
        return PlanApproveProposal();
      case 17:
        return PlanTransfer();
      default: {
        // Valid in itself and signed by the log key it names, so that only
        // "a genesis after it" refuses it.
        Planned p{"second genesis", &log_key_, {}};
        *p.body.mutable_genesis() = GenesisPayload();
        p.body.mutable_genesis()->set_fund_name("Another fund");
        return p;
      }
    }
  }

  Planned PlanDefineDistricts() {
    Planned p{"define districts", StewardSigner(), {}};
    v1::DefineDistricts* d = p.body.mutable_define_districts();
    std::vector<std::string> all(std::begin(kDistricts), std::end(kDistricts));
    all.push_back("harbour");
    for (int n = static_cast<int>(Uniform(1, 2)); n > 0; --n) {
      std::string name = Pick(all);
      if (std::find(d->names().begin(), d->names().end(), name) ==
          d->names().end()) {
        d->add_names(name);
      }
    }
    if (Chance(0.05)) {
      p.kind += " (named twice)";
      d->add_names(d->names(0));
    } else if (Chance(0.03)) {
      p.kind += " (none)";
      d->clear_names();
    } else if (auto bad = MaybeBadText(0.03, 32)) {
      p.kind += " (bad name)";
      d->add_names(*bad);
    }
    return p;
  }

  Planned PlanApprove() {
    std::vector<uint64_t> pending, decided;
    for (const auto& [id, r] : model_.redemptions()) {
      (r.status == v1::REDEMPTION_PENDING ? pending : decided).push_back(id);
    }
    Planned p{"approve", Chance(0.9) ? AnyCouncil() : StewardSigner(), {}};
    uint64_t id = BogusId();
    if (!pending.empty() && Chance(0.85)) {
      id = Pick(pending);
    } else if (!decided.empty() && Chance(0.7)) {
      id = Pick(decided);
      p.kind += " (decided already)";
    } else {
      p.kind += " (unknown request)";
    }
    p.body.mutable_approve_redemption()->set_request_id(id);
    return p;
  }

  Planned PlanEnroll() {
    Planned p{"enroll", StewardSigner(), {}};
    v1::EnrollResident* e = p.body.mutable_enroll_resident();
    if (Chance(0.05) && !model_.keys().empty()) {
      p.kind += " (known key)";
      auto it = model_.keys().begin();
      std::advance(it, Uniform(0, model_.keys().size() - 1));
      e->set_key(KeyString(it->first));
    } else {
      e->set_key(KeyString(NewKey().public_key()));
    }
    e->set_district(District());
    if (Chance(0.02)) {
      p.kind += " (office key)";
      e->set_key(KeyString(Chance(0.5) ? AnyCouncil()->public_key()
                                       : AnySteward()->public_key()));
    } else if (Chance(0.01)) {
      // Accepted: a key off the office lists may become a resident's.
      p.kind += " (former office key)";
      e->set_key(KeyString(FormerOffice()->public_key()));
    } else if (Chance(0.03)) {
      p.kind += " (bad key)";
      e->set_key(e->key().substr(0, 31));
    } else if (auto bad = MaybeBadText(0.03, 32)) {
      p.kind += " (bad district)";
      e->set_district(*bad);
    }
    return p;
  }

  Planned PlanRevoke() {
    Planned p{"revoke", StewardSigner(), {}};
    v1::RevokeResident* r = p.body.mutable_revoke_resident();
    std::vector<const ModelResident*> active = ActiveResidents();
    std::vector<PublicKey> revoked = RevokedKeys();
    bool target_active = false;
    uint64_t roll = Uniform(0, 9);
    if (roll < 8 && !active.empty()) {
      r->set_key(KeyString(Pick(active)->key));
      target_active = true;
    } else if (roll == 8 && !revoked.empty()) {
      p.kind += " (revoked key)";
      r->set_key(KeyString(Pick(revoked)));
    } else {
      p.kind += " (unknown key)";
      r->set_key(KeyString(NewKey().public_key()));
    }
    roll = Uniform(0, 9);
    if (roll < 5) {
      p.kind += " with replacement";
      r->set_replacement_key(KeyString(NewKey().public_key()));
    } else if (roll == 9 && target_active) {
      // Only with an active target: the document does not order "already
      // revoked" against "replacement already known". The revoked key itself
      // may come up: it is not new either.
      p.kind += " with known replacement";
      auto it = model_.keys().begin();
      std::advance(it, Uniform(0, model_.keys().size() - 1));
      r->set_replacement_key(KeyString(it->first));
    } else if (roll == 8 && target_active) {
      p.kind += " with itself as replacement";
      r->set_replacement_key(r->key());
    }
    r->set_reason_code(static_cast<v1::RevocationReason>(Uniform(1, 4)));
    if (Chance(0.02)) {
      p.kind += " (bad replacement)";
      r->set_replacement_key(std::string(31, 'k'));
    } else if (Chance(0.02)) {
      p.kind += " (bad reason code)";
      r->set_reason_code(
          static_cast<v1::RevocationReason>(Chance(0.5) ? 0 : 7));
    } else if (target_active && Chance(0.03)) {
      p.kind += " (office key as replacement)";
      r->set_replacement_key(KeyString(Chance(0.5)
                                           ? AnyCouncil()->public_key()
                                           : AnySteward()->public_key()));
    }
    return p;
  }

  Planned PlanOpenRound() {
    Planned p{"open round", StewardSigner(), {}};
    v1::OpenRound* o = p.body.mutable_open_round();
    o->set_allowance(Uniform(10, 600));
    o->set_credit_value_cents(Uniform(1, 500));
    uint64_t opens =
        Chance(0.3) ? now_ms_ + Uniform(1, round_ms_ / 8) : now_ms_;
    o->set_opens_at_ms(opens);
    o->set_closes_at_ms(opens +
                        Uniform(round_ms_ * 6 / 10, round_ms_ * 12 / 10));
    const uint32_t shares[] = {100, 50, 34, 25, 10, 1};
    o->set_max_share_percent(shares[Uniform(0, 5)]);
    o->set_trust_threshold(Chance(0.1) ? 0 : Uniform(1, 400));
    o->set_owner_may_award_own(Chance(0.4));
    o->set_may_exceed_amount_asked(Chance(0.4));
    // Allowances for some defined districts, in byte order.
    std::map<std::string, uint64_t> allowances;
    if (Chance(0.5)) {
      for (const std::string& d : model_.defined_districts()) {
        if (Chance(0.4)) allowances[d] = Uniform(5, 800);
      }
    }
    auto set_allowances = [&](const std::map<std::string, uint64_t>& list,
                              bool reversed = false) {
      o->clear_district_allowances();
      std::vector<std::pair<std::string, uint64_t>> items(list.begin(),
                                                          list.end());
      if (reversed) std::reverse(items.begin(), items.end());
      for (const auto& [district, allowance] : items) {
        v1::DistrictAllowance* d = o->add_district_allowances();
        d->set_district(district);
        d->set_allowance(allowance);
      }
    };
    set_allowances(allowances);
    // An undefined district is named only when nothing else refuses the
    // round: the specification does not order NOT_FOUND among the others.
    const bool otherwise_ok = model_.open_round() == 0 &&
                              model_.IsSteward(p.signer->public_key()) &&
                              model_.DistrictsLargeEnough();
    if (Chance(0.04)) {
      p.kind += " (closes in the past)";
      o->set_closes_at_ms(now_ms_ - Uniform(0, 1000));
      o->set_opens_at_ms(o->closes_at_ms() - Uniform(1, 1000));
    } else if (Chance(0.06)) {
      switch (Uniform(0, 4)) {
        case 0:
          if (otherwise_ok) {
            p.kind += " (undefined district)";
            allowances["nowhere-at-all"] = 50;
            set_allowances(allowances);
            break;
          }
          [[fallthrough]];
        case 1:
          if (allowances.size() >= 2) {
            p.kind += " (districts unsorted)";
            set_allowances(allowances, /*reversed=*/true);
            break;
          }
          [[fallthrough]];
        case 2:
          p.kind += " (district allowance 0)";
          allowances["north"] = 0;
          set_allowances(allowances);
          break;
        case 3:
          p.kind += " (district allowance over 10^12)";
          allowances["south"] = 1'000'000'000'001;
          set_allowances(allowances);
          break;
        default: {
          p.kind += " (district named twice)";
          allowances["east"] = 40;
          set_allowances(allowances);
          *o->add_district_allowances() = o->district_allowances(0);
          // Keep them sorted but for the duplicate.
          std::sort(o->mutable_district_allowances()->begin(),
                    o->mutable_district_allowances()->end(),
                    [](const v1::DistrictAllowance& a,
                       const v1::DistrictAllowance& b) {
                      return a.district() < b.district();
                    });
          break;
        }
      }
    } else if (Chance(0.08)) {
      switch (Uniform(0, 5)) {
        case 0:
          p.kind += " (allowance 0)";
          o->set_allowance(0);
          break;
        case 1:
          p.kind += " (allowance over 10^12)";
          o->set_allowance(1'000'000'000'001);
          break;
        case 2:
          p.kind += " (credit value 0)";
          o->set_credit_value_cents(0);
          break;
        case 3:
          p.kind += " (opens at close)";
          o->set_opens_at_ms(o->closes_at_ms());
          break;
        case 4:
          p.kind += " (share 0)";
          o->set_max_share_percent(0);
          break;
        default:
          p.kind += " (share 101)";
          o->set_max_share_percent(101);
          break;
      }
    }
    return p;
  }

  Planned PlanCloseRound() {
    Planned p{"close round", StewardSigner(), {}};
    p.body.mutable_close_round()->set_round_id(model_.open_round());
    return p;
  }

  // Opening while a round is open, closing early, closing a closed or
  // unknown round.
  Planned PlanRoundOutOfTurn() {
    if (model_.open_round() != 0 && Chance(0.3)) {
      Planned p = PlanOpenRound();
      p.kind += " while one is open";
      return p;
    }
    Planned p{"close round", StewardSigner(), {}};
    uint64_t id;
    if (model_.open_round() != 0 && Chance(0.5)) {
      id = model_.open_round();
      p.kind += " (maybe early)";
    } else if (!model_.rounds().empty() && Chance(0.6)) {
      auto it = model_.rounds().begin();
      std::advance(it, Uniform(0, model_.rounds().size() - 1));
      id = it->first;
      p.kind += " (some round)";
    } else {
      id = BogusId();
      p.kind += " (unknown round)";
    }
    p.body.mutable_close_round()->set_round_id(id);
    return p;
  }

  Planned PlanPropose() {
    Planned p{"propose", ResidentSigner(), {}};
    v1::ProposeInitiative* i = p.body.mutable_propose_initiative();
    const char* const titles[] = {"Community tool library", "Korjauskahvila",
                                  "Bike racks at the school",
                                  "Benches for the park"};
    i->set_title(Chance(0.05) ? TextOfSize(120) : titles[Uniform(0, 3)]);
    i->set_summary(Chance(0.05) ? TextOfSize(2000)
                                : "What we do.\nWhy it helps.\n");
    i->set_district(kInitiativeDistricts[Uniform(0, 4)]);
    i->set_amount_asked(Uniform(1, 5000));
    for (uint64_t n = Uniform(0, 5), k = 0; k < n; ++k) {
      i->add_links(Chance(0.5) ? "https://example.org/plan"
                               : "http://example.org/budget");
    }
    if (Chance(0.1)) {
      switch (Uniform(0, 8)) {
        case 0:
          p.kind += " (empty title)";
          i->set_title("");
          break;
        case 1:
          p.kind += " (title 121 bytes)";
          i->set_title(TextOfSize(121));
          break;
        case 2:
          p.kind += " (newline in title)";
          i->set_title("Two\nlines");
          break;
        case 3:
          p.kind += " (summary 2001 bytes)";
          i->set_summary(TextOfSize(2001));
          break;
        case 4:
          p.kind += " (six links)";
          i->clear_links();
          for (int k = 0; k < 6; ++k) i->add_links("https://example.org/");
          break;
        case 5:
          p.kind += " (ftp link)";
          i->add_links("ftp://example.org/file");
          break;
        case 6:
          p.kind += " (amount asked 0)";
          i->set_amount_asked(0);
          break;
        case 7:
          p.kind += " (district 33 bytes)";
          i->set_district(TextOfSize(33));
          break;
        default:
          p.kind += " (link 501 bytes)";
          i->add_links("https://" + std::string(493, 'x'));
          break;
      }
    }
    return p;
  }

  Planned PlanSuspendOrReinstate() {
    std::vector<uint64_t> suspended, active;
    for (const auto& [id, initiative] : model_.initiatives()) {
      (initiative.suspended ? suspended : active).push_back(id);
    }
    uint64_t id;
    bool suspend;
    if (!suspended.empty() && Chance(0.6)) {
      id = Pick(suspended);
      suspend = Chance(0.1);
    } else if (!active.empty() && Chance(0.95)) {
      id = Pick(active);
      suspend = Chance(0.9);
    } else {
      id = BogusId();
      suspend = Chance(0.5);
    }
    Planned p{suspend ? "suspend" : "reinstate", StewardSigner(), {}};
    std::string reason = Reason();
    if (auto bad = MaybeBadText(0.03, 500)) {
      p.kind += " (bad reason)";
      reason = *bad;
    }
    if (suspend) {
      p.body.mutable_suspend_initiative()->set_initiative_id(id);
      p.body.mutable_suspend_initiative()->set_reason(reason);
    } else {
      p.body.mutable_reinstate_initiative()->set_initiative_id(id);
      p.body.mutable_reinstate_initiative()->set_reason(reason);
    }
    return p;
  }

  Planned PlanAward() {
    Planned p{"award", ResidentSigner(), {}};
    uint64_t round;
    if (model_.open_round() != 0 && Chance(0.9)) {
      round = model_.open_round();
    } else if (!model_.rounds().empty() && Chance(0.7)) {
      p.kind += " (some round)";
      auto it = model_.rounds().begin();
      std::advance(it, Uniform(0, model_.rounds().size() - 1));
      round = it->first;
    } else {
      p.kind += " (unknown round)";
      round = BogusId();
    }
    std::vector<uint64_t> initiatives = InitiativeIds();
    uint64_t initiative;
    const ModelResident* resident =
        model_.ActiveResident(p.signer->public_key());
    std::vector<uint64_t> own;
    if (resident != nullptr) {
      for (const auto& [id, i] : model_.initiatives()) {
        if (i.owner == resident->id) own.push_back(id);
      }
    }
    if (!own.empty() && Chance(0.05)) {
      p.kind += " (own initiative)";
      initiative = Pick(own);
    } else if (!initiatives.empty() && Chance(0.95)) {
      initiative = Pick(initiatives);
    } else {
      p.kind += " (unknown initiative)";
      initiative = BogusId();
    }
    uint64_t amount = Uniform(1, 50);
    if (resident != nullptr && model_.rounds().count(round)) {
      uint64_t allowance = model_.Allowance(round, resident->id);
      uint64_t balance = allowance - model_.Spent(round, resident->id);
      uint64_t cap_left = model_.Cap(round, resident->id) -
                          model_.NetAward(round, resident->id, initiative);
      uint64_t room = std::min(balance, cap_left);
      uint64_t asked_left = 0;
      if (auto it = model_.initiatives().find(initiative);
          it != model_.initiatives().end()) {
        uint64_t asked = it->second.proposal.amount_asked();
        uint64_t received = model_.NetAwardedTo(initiative);
        asked_left = asked > received ? asked - received : 0;
      }
      uint64_t roll = Uniform(0, 99);
      if (roll < 4 && asked_left < room) {
        p.kind += " (over asked)";
        amount = asked_left + 1;
      } else if (roll < 5 && asked_left > 0 && asked_left <= room) {
        p.kind += " (all that was asked)";
        amount = asked_left;
      } else if (roll < 5 && room > 0) {
        p.kind += " (all the room)";
        amount = room;
      } else if (roll < 80 && room > 0) {
        amount =
            Uniform(1, std::max<uint64_t>(1, std::min(room, allowance / 4)));
      } else if (roll < 88) {
        p.kind += " (over room)";
        amount = room + Uniform(1, allowance);
      } else if (roll < 93) {
        p.kind += " (balance + 1)";
        amount = balance + 1;
      } else if (roll < 97) {
        p.kind += " (cap + 1)";
        amount = cap_left + 1;
      } else {
        p.kind += " (amount 0)";
        amount = 0;
      }
    }
    v1::Award* a = p.body.mutable_award();
    a->set_round_id(round);
    a->set_initiative_id(initiative);
    a->set_amount(amount);
    return p;
  }

  Planned PlanWithdraw() {
    // Net awards of the open round by residents who can still sign.
    std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> held;
    const uint64_t open = model_.open_round();
    for (auto it = model_.awards().lower_bound({open, 0, 0});
         it != model_.awards().end() && std::get<0>(it->first) == open; ++it) {
      if (it->second > 0 &&
          model_.residents().at(std::get<1>(it->first)).active) {
        held.push_back(it->first);
      }
    }
    if (held.empty() || Chance(0.15)) {
      Planned p = PlanAward();
      p.kind = "withdraw (random)";
      v1::Award a = p.body.award();
      v1::WithdrawAward* w = p.body.mutable_withdraw_award();
      w->set_round_id(a.round_id());
      w->set_initiative_id(a.initiative_id());
      w->set_amount(Uniform(0, 20));
      return p;
    }
    const auto& [round, resident, initiative] = Pick(held);
    uint64_t net = model_.NetAward(round, resident, initiative);
    Planned p{"withdraw", &Secret(model_.residents().at(resident).key), {}};
    uint64_t amount;
    uint64_t roll = Uniform(0, 99);
    if (roll < 65) {
      amount = Uniform(1, net);
    } else if (roll < 80) {
      p.kind += " (all)";
      amount = net;
    } else if (roll < 95) {
      p.kind += " (over net)";
      amount = net + Uniform(1, 5);
    } else {
      p.kind += " (amount 0)";
      amount = 0;
    }
    v1::WithdrawAward* w = p.body.mutable_withdraw_award();
    w->set_round_id(round);
    w->set_initiative_id(initiative);
    w->set_amount(amount);
    return p;
  }

  // The owner's current key if the owner can sign, else a resident signer.
  const SecretKey* OwnerSigner(uint64_t initiative, std::string& kind) {
    auto it = model_.initiatives().find(initiative);
    if (it != model_.initiatives().end() && Chance(0.92)) {
      const ModelResident& owner = model_.residents().at(it->second.owner);
      if (owner.active) return &Secret(owner.key);
    }
    kind += " (not the owner)";
    return ResidentSigner();
  }

  Planned PlanRequest() {
    std::vector<uint64_t> initiatives = InitiativeIds();
    Planned p{"request redemption", nullptr, {}};
    uint64_t initiative =
        !initiatives.empty() && Chance(0.95) ? Pick(initiatives) : BogusId();
    p.signer = OwnerSigner(initiative, p.kind);
    uint64_t amount = Uniform(1, 100);
    if (model_.initiatives().count(initiative)) {
      uint64_t balance = model_.Balance(initiative);
      uint64_t threshold =
          model_.last_round() == 0
              ? 0
              : model_.rounds().at(model_.last_round()).rules.trust_threshold();
      uint64_t roll = Uniform(0, 99);
      if (roll < 15 && balance > 0 && threshold > 0) {
        p.kind += " (the threshold or the balance)";
        amount = std::min(balance, threshold);
      } else if (roll < 45 && balance > 0 && threshold > 0) {
        p.kind += " (at most the threshold)";
        amount = Uniform(1, std::min(balance, threshold));
      } else if (roll < 85 && balance > threshold) {
        p.kind += " (over the threshold)";
        amount = Uniform(threshold + 1, balance);
      } else if (roll < 95) {
        p.kind += " (over the balance)";
        amount = balance + Uniform(1, 10);
      } else {
        p.kind += " (amount 0)";
        amount = 0;
      }
    }
    v1::RequestRedemption* r = p.body.mutable_request_redemption();
    r->set_initiative_id(initiative);
    r->set_amount(amount);
    r->set_purpose("Materials");
    if (Chance(0.15)) {
      // A named round: mostly a closed one, else the open one or none.
      std::vector<uint64_t> closed;
      for (const auto& [id, round] : model_.rounds()) {
        if (round.closed) closed.push_back(id);
      }
      if (!closed.empty() && Chance(0.8)) {
        p.kind += " (named round)";
        r->set_round_id(Pick(closed));
      } else if (model_.open_round() != 0 && Chance(0.5)) {
        p.kind += " (named open round)";
        r->set_round_id(model_.open_round());
      } else {
        p.kind += " (named unknown round)";
        r->set_round_id(BogusId());
      }
    }
    if (auto bad = MaybeBadText(0.03, 500)) {
      p.kind += " (bad purpose)";
      r->set_purpose(*bad);
    }
    return p;
  }

  Planned PlanDecide() {
    std::vector<uint64_t> pending, decided;
    for (const auto& [id, r] : model_.redemptions()) {
      (r.status == v1::REDEMPTION_PENDING ? pending : decided).push_back(id);
    }
    uint64_t id;
    std::string which;
    if (!pending.empty() && Chance(0.8)) {
      id = Pick(pending);
    } else if (!decided.empty() && Chance(0.7)) {
      id = Pick(decided);
      which = " (decided already)";
    } else {
      id = BogusId();
      which = " (unknown request)";
    }
    if (Chance(0.6)) {
      Planned p{"settle" + which, StewardSigner(), {}};
      p.body.mutable_settle_redemption()->set_request_id(id);
      p.body.mutable_settle_redemption()->set_payment_reference(
          Chance(0.1) ? TextOfSize(140) : "FI-2031-0042");
      if (auto bad = MaybeBadText(0.03, 140)) {
        p.kind += " (bad reference)";
        p.body.mutable_settle_redemption()->set_payment_reference(*bad);
      }
      return p;
    }
    Planned p{"reject" + which, StewardSigner(), {}};
    p.body.mutable_reject_redemption()->set_request_id(id);
    p.body.mutable_reject_redemption()->set_reason(Reason());
    if (auto bad = MaybeBadText(0.03, 500)) {
      p.kind += " (bad reason)";
      p.body.mutable_reject_redemption()->set_reason(*bad);
    }
    return p;
  }

  Planned PlanReport() {
    std::vector<uint64_t> initiatives = InitiativeIds();
    Planned p{"report", nullptr, {}};
    uint64_t initiative =
        !initiatives.empty() && Chance(0.95) ? Pick(initiatives) : BogusId();
    p.signer = OwnerSigner(initiative, p.kind);
    v1::PostReport* r = p.body.mutable_post_report();
    r->set_initiative_id(initiative);
    r->set_text(Chance(0.03) ? TextOfSize(10000) : "Done.\nReceipts attached.");
    if (Chance(0.5)) r->set_attachments_sha256(std::string(32, '\x5a'));
    if (Chance(0.08)) {
      switch (Uniform(0, 3)) {
        case 0:
          p.kind += " (empty text)";
          r->set_text("");
          break;
        case 1:
          p.kind += " (text 10001 bytes)";
          r->set_text(TextOfSize(10001));
          break;
        case 2:
          p.kind += " (attachments 31 bytes)";
          r->set_attachments_sha256(std::string(31, '\x5a'));
          break;
        default:
          // Over the envelope limit of step 1, whatever else is wrong.
          p.kind += " (envelope over 60,000 bytes)";
          r->set_text(TextOfSize(61000));
          break;
      }
    }
    return p;
  }

  Planned PlanKeyChange() {
    Planned p{"key change", nullptr, {}};
    if (Chance(0.94)) {
      p.signer = Chance(0.5) ? AnySteward() : AnyCouncil();
    } else {
      p.kind += " (no office)";
      p.signer = Chance(0.5) ? FormerOffice() : ResidentSigner();
    }
    v1::ProposeKeyChange* k = p.body.mutable_propose_key_change();
    const bool steward = Chance(0.5);
    k->set_role(steward ? v1::OFFICE_STEWARD : v1::OFFICE_COUNCIL);
    const std::vector<std::string>& list =
        steward ? model_.stewards() : model_.council();
    const std::vector<std::string>& other =
        steward ? model_.council() : model_.stewards();
    // Lists stay small: adding to a long list is rare, removing from a
    // short one rarer (and refused for the last steward or below quorum).
    uint64_t roll = Uniform(0, 2);
    if (roll == 0 && list.size() >= 4 && Chance(0.8)) roll = 1;
    if (roll == 1 && list.size() <= 2 && Chance(0.6)) roll = 2;
    if (list.empty() && roll != 0) roll = Chance(0.8) ? 0 : roll;
    auto fresh = [&]() {
      const SecretKey& key = NewKey();
      office_keys_.push_back(key.public_key());
      return KeyString(key.public_key());
    };
    auto resident_key = [&]() -> std::string {
      if (model_.keys().empty()) return fresh();
      auto it = model_.keys().begin();
      std::advance(it, Uniform(0, model_.keys().size() - 1));
      return KeyString(it->first);
    };
    auto office_key = [&]() {
      const std::vector<std::string>& from =
          other.empty() || (!list.empty() && Chance(0.5)) ? list : other;
      return Pick(from);
    };
    auto listed_key = [&]() -> std::string {
      if (!list.empty() && Chance(0.93)) return Pick(list);
      p.kind += " (unlisted key)";
      return !other.empty() && Chance(0.5) ? Pick(other) : fresh();
    };
    if (roll == 0) {
      k->set_action(v1::KEY_CHANGE_ADD);
      p.kind += " add";
      uint64_t which = Uniform(0, 19);
      if (which == 0) {
        p.kind += " (office key)";
        k->set_key(office_key());
      } else if (which == 1) {
        p.kind += " (resident key)";
        k->set_key(resident_key());
      } else {
        k->set_key(fresh());
      }
    } else if (roll == 1) {
      k->set_action(v1::KEY_CHANGE_REMOVE);
      p.kind += " remove";
      k->set_key(listed_key());
    } else {
      k->set_action(v1::KEY_CHANGE_REPLACE);
      p.kind += " replace";
      k->set_key(listed_key());
      uint64_t which = Uniform(0, 19);
      if (which == 0) {
        p.kind += " (office replacement)";
        k->set_replacement_key(office_key());
        if (k->replacement_key() == k->key()) {
          k->set_replacement_key(fresh());
        }
      } else if (which == 1) {
        p.kind += " (resident replacement)";
        k->set_replacement_key(resident_key());
      } else {
        k->set_replacement_key(fresh());
      }
    }
    if (Chance(0.05)) {
      switch (Uniform(0, 4)) {
        case 0:
          p.kind += " (role 0)";
          k->set_role(v1::OFFICE_ROLE_UNSPECIFIED);
          break;
        case 1:
          p.kind += " (action 0)";
          k->set_action(v1::KEY_CHANGE_ACTION_UNSPECIFIED);
          break;
        case 2:
          p.kind += " (key 31 bytes)";
          k->set_key(k->key().substr(0, 31));
          break;
        case 3:
          if (k->action() == v1::KEY_CHANGE_REPLACE) {
            p.kind += " (replacement is the key)";
            k->set_replacement_key(k->key());
          } else {
            p.kind += " (replacement without replace)";
            k->set_replacement_key(fresh());
          }
          break;
        default:
          p.kind += " (replacement 33 bytes)";
          k->set_replacement_key(fresh() + "x");
          break;
      }
    }
    return p;
  }

  Planned PlanEarlyClose() {
    Planned p{"early close", StewardSigner(), {}};
    v1::ProposeEarlyClose* c = p.body.mutable_propose_early_close();
    std::vector<uint64_t> closed;
    for (const auto& [id, round] : model_.rounds()) {
      if (round.closed) closed.push_back(id);
    }
    if (model_.open_round() != 0 && Chance(0.85)) {
      c->set_round_id(model_.open_round());
      const ModelRound& round = model_.rounds().at(model_.open_round());
      if (now_ms_ >= round.rules.closes_at_ms()) p.kind += " (past closing)";
    } else if (!closed.empty() && Chance(0.6)) {
      p.kind += " (closed round)";
      c->set_round_id(Pick(closed));
    } else if (Chance(0.9)) {
      p.kind += " (unknown round)";
      c->set_round_id(std::max<uint64_t>(1, BogusId()));
    } else {
      p.kind += " (round 0)";
      c->set_round_id(0);
    }
    c->set_reason(Chance(0.1) ? TextOfSize(500)
                              : "Spending stopped: the call was misprinted.");
    if (auto bad = MaybeBadText(0.04, 500)) {
      p.kind += " (bad reason)";
      c->set_reason(*bad);
    }
    return p;
  }

  Planned PlanApproveProposal() {
    std::vector<uint64_t> pending, enacted;
    for (const auto& [id, proposal] : model_.proposals()) {
      (proposal.enacted ? enacted : pending).push_back(id);
    }
    Planned p{"approve proposal", nullptr, {}};
    uint64_t id;
    if (!pending.empty() && Chance(0.85)) {
      id = Pick(pending);
    } else if (!enacted.empty() && Chance(0.7)) {
      p.kind += " (enacted already)";
      id = Pick(enacted);
    } else if (Chance(0.9)) {
      p.kind += " (unknown proposal)";
      id = BogusId();
    } else {
      p.kind += " (proposal 0)";
      id = 0;
    }
    p.body.mutable_approve_proposal()->set_proposal_id(id);
    // Mostly a council key that has not approved it yet.
    std::vector<std::string> fresh;
    if (auto it = model_.proposals().find(id); it != model_.proposals().end()) {
      for (const std::string& k : model_.council()) {
        const auto& a = it->second.approvals;
        if (std::find(a.begin(), a.end(), k) == a.end()) fresh.push_back(k);
      }
    }
    if (!fresh.empty() && Chance(0.85)) {
      p.signer = &Secret(ToKey(Pick(fresh)));
    } else {
      p.signer = CouncilSigner();
      if (auto it = model_.proposals().find(id);
          it != model_.proposals().end()) {
        const auto& a = it->second.approvals;
        if (std::find(a.begin(), a.end(), KeyString(p.signer->public_key())) !=
            a.end()) {
          p.kind += " (approved already)";
        }
      }
    }
    return p;
  }

  Planned PlanTransfer() {
    std::vector<uint64_t> initiatives = InitiativeIds();
    std::vector<uint64_t> holding;
    for (uint64_t id : initiatives) {
      if (model_.Balance(id) > 0) holding.push_back(id);
    }
    Planned p{"transfer", nullptr, {}};
    uint64_t from;
    if (!holding.empty() && Chance(0.85)) {
      from = Pick(holding);
    } else if (!initiatives.empty() && Chance(0.9)) {
      from = Pick(initiatives);
    } else {
      p.kind += " (unknown sender)";
      from = std::max<uint64_t>(1, BogusId());
    }
    p.signer = OwnerSigner(from, p.kind);
    std::vector<uint64_t> others, same;
    auto sender = model_.initiatives().find(from);
    for (uint64_t id : initiatives) {
      if (id == from) continue;
      bool same_owner =
          sender != model_.initiatives().end() &&
          model_.initiatives().at(id).owner == sender->second.owner;
      (same_owner ? same : others).push_back(id);
    }
    uint64_t to;
    uint64_t roll = Uniform(0, 99);
    if (roll < 82 && !others.empty()) {
      to = Pick(others);
    } else if (roll < 90 && !same.empty()) {
      p.kind += " (same owner)";
      to = Pick(same);
    } else if (roll < 93) {
      p.kind += " (to itself)";
      to = from;
    } else if (roll < 98) {
      p.kind += " (unknown receiver)";
      to = std::max<uint64_t>(1, BogusId());
    } else {
      p.kind += " (receiver 0)";
      to = 0;
    }
    uint64_t balance =
        sender != model_.initiatives().end() ? model_.Balance(from) : 0;
    uint64_t amount;
    roll = Uniform(0, 99);
    if (roll < 70 && balance > 0) {
      amount = Uniform(1, std::max<uint64_t>(1, balance / 2));
    } else if (roll < 80 && balance > 0) {
      p.kind += " (all)";
      amount = balance;
    } else if (roll < 96) {
      p.kind += " (over the balance)";
      amount = balance + Uniform(1, 10);
    } else {
      p.kind += " (amount 0)";
      amount = 0;
    }
    v1::TransferCredits* t = p.body.mutable_transfer_credits();
    t->set_from_initiative_id(from);
    t->set_to_initiative_id(to);
    t->set_amount(amount);
    t->set_note("Workshop time for the bike racks");
    if (Chance(0.2)) {
      std::vector<uint64_t> closed;
      for (const auto& [id, round] : model_.rounds()) {
        if (round.closed) closed.push_back(id);
      }
      if (!closed.empty() && Chance(0.8)) {
        p.kind += " (named round)";
        t->set_round_id(Pick(closed));
      } else if (model_.open_round() != 0 && Chance(0.5)) {
        p.kind += " (named open round)";
        t->set_round_id(model_.open_round());
      } else {
        p.kind += " (named unknown round)";
        t->set_round_id(std::max<uint64_t>(1, BogusId()));
      }
    }
    if (auto bad = MaybeBadText(0.03, 500)) {
      p.kind += " (bad note)";
      t->set_note(*bad);
    }
    return p;
  }

  // --- Running -------------------------------------------------------------

  v1::Genesis GenesisPayload() {
    v1::Genesis g;
    g.set_origin(kPropertyOrigin);
    g.set_fund_name("Property fund");
    g.set_currency_name("I-coin");
    for (const SecretKey* steward : stewards_) {
      g.add_steward_keys(KeyString(steward->public_key()));
    }
    for (const SecretKey* council : council_) {
      g.add_council_keys(KeyString(council->public_key()));
    }
    g.set_format_version(fund::kFormatVersion);
    g.set_council_quorum(quorum_);
    g.set_min_district_size(2);
    for (int i = 0; i < 4; ++i) g.add_districts(kDistricts[i]);
    auto verifier = MakeVerifier(kPropertyOrigin, log_key_.public_key());
    if (!verifier.ok()) std::abort();
    g.set_log_verifier_key(FormatVerifierKey(*verifier));
    return g;
  }

  void Genesis() {
    v1::TxBody body;
    body.set_origin(kPropertyOrigin);
    body.set_nonce(0);
    body.set_expires_at_ms(now_ms_ + 3'600'000);
    *body.mutable_genesis() = GenesisPayload();
    Bytes envelope = fund::SignEnvelope(log_key_, body);
    auto tx = fund::DecodeEnvelope(envelope);
    ASSERT_TRUE(tx.ok()) << tx.status();
    auto result = applier_->Apply(*tx, now_ms_);
    ASSERT_TRUE(result.ok()) << result.status();
    ModelTx mtx;
    mtx.envelope_size = envelope.size();
    mtx.envelope_hash = Sha256(envelope);
    mtx.signer = log_key_.public_key();
    mtx.body = body;
    mtx.time_ms = now_ms_;
    Prediction predicted = model_.Apply(mtx);
    ASSERT_EQ(predicted.code, Code::kOk);
    Commit();
  }

  void Step(uint64_t i) {
    now_ms_ += Uniform(0, 1500);
    if (Chance(0.002)) now_ms_ += round_ms_ / 3;  // A quiet spell.
    Planned p = Plan();
    Bytes envelope;
    ModelTx mtx;
    mtx.time_ms = now_ms_;
    if (p.signer == nullptr) {
      // An identical resubmission of an accepted envelope.
      if (accepted_.empty()) return;
      const Accepted& a = Pick(accepted_);
      envelope = a.envelope;
      mtx.signer = a.signer;
      mtx.body = a.body;
    } else {
      const PublicKey& signer = p.signer->public_key();
      v1::TxBody& body = p.body;
      body.set_origin(kPropertyOrigin);
      uint64_t next = model_.NextNonce(signer);
      body.set_nonce(next);
      body.set_expires_at_ms(now_ms_ + (Chance(0.02) ? 1 : 3'600'000));
      double fault = Uniform(0, 9999) / 10000.0;
      if (fault < 0.010) {
        p.kind += " + nonce ahead";
        body.set_nonce(next + Uniform(1, 3));
      } else if (fault < 0.025 && next > 0) {
        p.kind += " + used nonce";
        body.set_nonce(Uniform(0, next - 1));
      } else if (fault < 0.035) {
        p.kind += " + expired";
        body.set_expires_at_ms(now_ms_ - Uniform(0, 5000));
      } else if (fault < 0.038) {
        p.kind += " + no expiry";
        body.set_expires_at_ms(0);
      } else if (fault < 0.042) {
        p.kind += " + other origin";
        body.set_origin("other.uuro.example/fund");
      } else if (fault < 0.044) {
        p.kind += " + no payload";
        body.clear_payload();
      }
      envelope = fund::SignEnvelope(*p.signer, body);
      double damage = Uniform(0, 9999) / 10000.0;
      if (damage < 0.003) {
        p.kind += " + bad signature";
        v1::Envelope e;
        ASSERT_TRUE(e.ParseFromArray(envelope.data(), envelope.size()));
        std::string signature = e.signature();
        signature[0] ^= 1;
        e.set_signature(signature);
        envelope = ToBytes(e.SerializeAsString());
        mtx.signature_valid = false;
      } else if (damage < 0.0045) {
        // The same signed envelope in other bytes that decode to it: not
        // the one encoding step 1 accepts.
        mtx.canonical = false;
        switch (Uniform(0, 2)) {
          case 0:
            p.kind += " + unknown field after";
            envelope.insert(envelope.end(), {0x20, 0x01});
            break;
          case 1:
            p.kind += " + unknown field before";
            envelope.insert(envelope.begin(), {0x20, 0x01});
            break;
          default: {
            // The signer field again: parsers keep the last one.
            p.kind += " + signer field twice";
            Bytes again = {0x12, static_cast<uint8_t>(kPublicKeySize)};
            again.insert(again.end(), signer.begin(), signer.end());
            envelope.insert(envelope.end(), again.begin(), again.end());
            break;
          }
        }
      } else if (damage < 0.0055) {
        p.kind += " + undecodable";
        envelope = Bytes{0xff, 0xff, 0x01, 0x02};
        mtx.decodes = false;
      }
      mtx.signer = signer;
      mtx.body = body;
    }
    mtx.envelope_size = envelope.size();
    mtx.envelope_hash = Sha256(envelope);

    absl::Status status;
    fund::ApplyResult result;
    auto tx = fund::DecodeEnvelope(envelope);
    if (!tx.ok()) {
      status = tx.status();
    } else {
      auto applied = applier_->Apply(*tx, now_ms_);
      status = applied.status();
      if (applied.ok()) result = *applied;
    }
    Prediction predicted = model_.Apply(mtx);
    context_ = "transaction " + std::to_string(i) + " (" + p.kind + ")";
    ASSERT_EQ(status.code(), predicted.code)
        << context_ << ": applier says " << status << ", the model "
        << absl::StatusCodeToString(predicted.code) << "; seed " << seed_;
    std::string base = p.kind.substr(0, p.kind.find_first_of("(+"));
    ++outcomes_[base][status.code()];
    if (!status.ok()) {
      ++refusals_[status.code()];
      // A refusal changes nothing; the touched records are compared again
      // whenever a later entry touches them, and all of them at the end.
      CheckFund(applier_->state());
    } else {
      ASSERT_EQ(result.duplicate, predicted.duplicate) << context_;
      ASSERT_EQ(result.index, predicted.index) << context_;
      if (result.duplicate) {
        ++duplicates_;
      } else {
        if (accepted_.size() < 400) {
          accepted_.push_back({envelope, mtx.signer, mtx.body});
        } else {
          accepted_[Uniform(0, accepted_.size() - 1)] = {envelope, mtx.signer,
                                                         mtx.body};
        }
        CheckEntry(mtx.signer, mtx.body, result.index);
      }
    }
    if (--batch_left_ == 0) {
      Commit();
      batch_left_ = Uniform(1, 64);
    }
  }

  void Commit() {
    AppendBatch batch = applier_->TakeBatch();
    if (!batch.entries.empty() || !batch.state.empty()) {
      absl::Status appended = store_->Append(batch, nullptr);
      ASSERT_TRUE(appended.ok()) << appended;
    }
    ASSERT_EQ(store_->size(), model_.next_index());
    applier_ = std::make_unique<fund::BatchApplier>(*reader_, store_->size());
  }

  // --- Checks --------------------------------------------------------------

  void CheckFund(const fund::StateReader& state) {
    auto fund = fund::ReadFund(state);
    ASSERT_TRUE(fund.ok()) << fund.status();
    const v1::RedemptionTotals& t = fund->redemptions();
    EXPECT_EQ(t.requested(), t.settled() + t.pending() + t.rejected())
        << context_ << ": redemption totals do not add up";
    // A district left without active residents may keep a zero count.
    v1::FundRecord real = *fund;
    real.clear_districts();
    for (const v1::DistrictCount& d : fund->districts()) {
      if (d.residents() != 0) *real.add_districts() = d;
    }
    v1::FundRecord expected = model_.ExpectedFund();
    // An empty submessage may be present or not.
    real.mutable_redemptions();
    expected.mutable_redemptions();
    EXPECT_TRUE(Same(real, expected))
        << context_ << ": fund record\n  real:  " << real.ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  // Conservation from independent sums: the fund's and every round's
  // redemption totals against the draws of the redemption records, and each
  // initiative's redeemed and pending against its per-round records.
  void CheckRedemptionSums(const fund::StateReader& state) {
    auto records = state.Scan("redemption/");
    ASSERT_TRUE(records.ok()) << records.status();
    std::map<uint64_t, v1::RedemptionTotals> by_round;
    std::map<uint64_t, std::pair<uint64_t, uint64_t>> by_initiative;
    v1::RedemptionTotals all;
    for (const auto& [key, value] : *records) {
      v1::RedemptionRecord r;
      ASSERT_TRUE(
          r.ParseFromArray(value.data(), static_cast<int>(value.size())));
      uint64_t credits = 0;
      for (const v1::RedemptionDraw& d : r.draws()) {
        credits += d.credits();
        AddDraw(r.status(), d, by_round[d.round_id()]);
        AddDraw(r.status(), d, all);
      }
      EXPECT_EQ(credits, r.amount()) << context_ << ": draws of " << r.id();
    }
    auto fund = fund::ReadFund(state);
    ASSERT_TRUE(fund.ok());
    v1::RedemptionTotals real = fund->redemptions();
    EXPECT_EQ(real.SerializeAsString(), all.SerializeAsString())
        << context_ << ": fund redemption totals " << real.ShortDebugString()
        << " != sums of the records' draws " << all.ShortDebugString();
    for (const auto& [round, sum] : by_round) {
      auto record = fund::ReadRound(state, round);
      ASSERT_TRUE(record.ok());
      EXPECT_EQ(record->redemptions().SerializeAsString(),
                sum.SerializeAsString())
          << context_ << ": round " << round << " redemption totals";
    }
  }

  static void AddDraw(v1::RedemptionStatus status, const v1::RedemptionDraw& d,
                      v1::RedemptionTotals& t) {
    t.set_requested(t.requested() + d.credits());
    t.set_requested_cents(t.requested_cents() + d.cents());
    if (status == v1::REDEMPTION_SETTLED) {
      t.set_settled(t.settled() + d.credits());
      t.set_settled_cents(t.settled_cents() + d.cents());
    } else if (status == v1::REDEMPTION_REJECTED) {
      t.set_rejected(t.rejected() + d.credits());
      t.set_rejected_cents(t.rejected_cents() + d.cents());
    } else {
      t.set_pending(t.pending() + d.credits());
      t.set_pending_cents(t.pending_cents() + d.cents());
    }
  }

  // The round's conservation rules, each side summed independently: the
  // residents' spent records (against the model's allowances), the
  // initiatives' per-round records, and the model's own per-initiative sums.
  void CheckRound(const fund::StateReader& state, uint64_t id) {
    auto round = fund::ReadRound(state, id);
    ASSERT_TRUE(round.ok())
        << context_ << ": round " << id << ": " << round.status();
    const ModelRound& modelled = model_.rounds().at(id);
    const uint64_t issued = fund::RoundIssued(*round);
    const uint64_t net = round->awarded() - round->withdrawn();
    EXPECT_EQ(issued, model_.Issued(id))
        << context_ << ": round " << id
        << ": issued != the sum of the residents' allowances";

    // Net awarded is the sum of what each resident spent in the round; what
    // each resident left unspent, summed, is the rest of what was issued.
    std::string spent_prefix = fund::keys::Spent(id, 0);
    spent_prefix.resize(spent_prefix.size() - 8);
    auto spent = state.Scan(spent_prefix);
    ASSERT_TRUE(spent.ok()) << spent.status();
    uint64_t spent_sum = 0;
    std::map<uint64_t, uint64_t> spent_by;
    for (const auto& [key, value] : *spent) {
      v1::SpentRecord record;
      ASSERT_TRUE(
          record.ParseFromArray(value.data(), static_cast<int>(value.size())));
      uint64_t resident = fund::keys::TrailingId(key);
      EXPECT_TRUE(modelled.given.count(resident))
          << context_ << ": round " << id << ": resident " << resident
          << " spent without an allowance";
      spent_by[resident] = record.amount();
      spent_sum += record.amount();
    }
    uint64_t unspent = 0;
    for (uint64_t resident : modelled.given) {
      uint64_t allowance = model_.Allowance(id, resident);
      EXPECT_LE(spent_by[resident], allowance)
          << context_ << ": round " << id << ": resident " << resident;
      unspent += allowance - spent_by[resident];
    }
    EXPECT_EQ(net, spent_sum)
        << context_ << ": round " << id
        << ": net awarded != the sum of the residents' spent records";
    EXPECT_EQ(spent_sum + unspent, issued)
        << context_ << ": round " << id
        << ": issued != spent + unspent, summed per resident";
    if (round->closed()) {
      EXPECT_EQ(round->lapsed(), unspent)
          << context_ << ": round " << id
          << ": lapsed != the residents' unspent allowances";
    }

    // The initiatives' per-round records: awards, transfers, redemptions.
    auto held = state.Scan(fund::keys::InitiativeRoundPrefix(id));
    ASSERT_TRUE(held.ok()) << held.status();
    uint64_t received = 0, moved_in = 0, moved_out = 0, drawn = 0;
    for (const auto& [key, value] : *held) {
      v1::InitiativeRoundRecord record;
      ASSERT_TRUE(
          record.ParseFromArray(value.data(), static_cast<int>(value.size())));
      received += record.awarded() - record.withdrawn();
      moved_in += record.transferred_in();
      moved_out += record.transferred_out();
      drawn += record.redeemed() + record.pending();
    }
    EXPECT_EQ(received, net)
        << context_ << ": round " << id
        << ": net awarded != the sum over initiatives of awarded - withdrawn";
    EXPECT_EQ(moved_in, moved_out)
        << context_ << ": round " << id
        << ": credits transferred in != credits transferred out";
    EXPECT_EQ(round->transferred(), moved_in)
        << context_ << ": round " << id
        << ": transferred != the initiatives' transferred_in";
    EXPECT_EQ(round->redemptions().settled() + round->redemptions().pending(),
              drawn)
        << context_ << ": round " << id
        << ": settled + pending != the initiatives' redeemed + pending";
    if (round->closed()) {
      EXPECT_EQ(received + moved_in - moved_out, net)
          << context_ << ": round " << id;
      uint64_t left = 0;
      for (const auto& [initiative, n] : model_.LeftIn(id)) left += n;
      EXPECT_EQ(drawn + left, net)
          << context_ << ": round " << id
          << ": net awarded != redeemed + pending + left";
    }
    v1::RoundRecord expected = model_.ExpectedRound(id);
    EXPECT_TRUE(Same(*round, expected))
        << context_ << ": round " << id
        << "\n  real:  " << round->ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  void CheckInitiative(const fund::StateReader& state, uint64_t id) {
    auto initiative = fund::ReadInitiative(state, id);
    ASSERT_TRUE(initiative.ok())
        << context_ << ": initiative " << id << ": " << initiative.status();
    v1::InitiativeRecord real = *initiative;
    // What it holds, from the model's per-round sums over closed rounds.
    uint64_t left = 0;
    for (const auto& [rid, round] : model_.rounds()) {
      if (round.closed) left += model_.Left(rid, id);
    }
    EXPECT_EQ(fund::InitiativeBalance(real), left)
        << context_ << ": initiative " << id
        << ": balance != what it has left of the closed rounds";
    EXPECT_EQ(real.received_final() + real.transferred_in(),
              real.redeemed() + real.pending() + left + real.transferred_out())
        << context_ << ": initiative " << id
        << ": received_final + in - out != redeemed + pending + left";
    EXPECT_EQ(real.received_final() + real.received_open(),
              model_.NetAwardedTo(id))
        << context_ << ": initiative " << id
        << ": received != the sum of its net awards";
    // The same identities from the real per-round records: what the closed
    // rounds gave, what was passed on, redeemed and held pending.
    uint64_t received = 0, redeemed = 0, pending = 0, cents = 0, moved_in = 0,
             moved_out = 0;
    for (const auto& [rid, round] : model_.rounds()) {
      auto held = fund::ReadInitiativeRound(state, rid, id);
      ASSERT_TRUE(held.ok()) << held.status();
      if (round.closed) received += held->awarded() - held->withdrawn();
      redeemed += held->redeemed();
      pending += held->pending();
      cents += held->redeemed_cents();
      moved_in += held->transferred_in();
      moved_out += held->transferred_out();
    }
    EXPECT_EQ(real.received_final(), received) << context_ << ": " << id;
    EXPECT_EQ(real.redeemed(), redeemed) << context_ << ": " << id;
    EXPECT_EQ(real.pending(), pending) << context_ << ": " << id;
    EXPECT_EQ(real.redeemed_cents(), cents) << context_ << ": " << id;
    EXPECT_EQ(real.transferred_in(), moved_in) << context_ << ": " << id;
    EXPECT_EQ(real.transferred_out(), moved_out) << context_ << ": " << id;
    v1::InitiativeRecord expected = model_.ExpectedInitiative(id);
    EXPECT_TRUE(Same(real, expected))
        << context_ << ": initiative " << id
        << "\n  real:  " << real.ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  void CheckProposal(const fund::StateReader& state, uint64_t id) {
    auto record = fund::ReadProposal(state, id);
    ASSERT_TRUE(record.ok())
        << context_ << ": proposal " << id << ": " << record.status();
    v1::ProposalRecord expected = model_.ExpectedProposal(id);
    EXPECT_TRUE(Same(*record, expected))
        << context_ << ": proposal " << id
        << "\n  real:  " << record->ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  void CheckTransfer(const fund::StateReader& state, uint64_t id) {
    v1::TransferRecord record;
    auto found = fund::ReadRecord(state, fund::keys::Transfer(id), record);
    ASSERT_TRUE(found.ok() && *found) << context_ << ": transfer " << id;
    v1::TransferRecord expected = model_.ExpectedTransfer(id);
    EXPECT_TRUE(Same(record, expected))
        << context_ << ": transfer " << id
        << "\n  real:  " << record.ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  // Conservation of transfers from the transfer records themselves: each
  // round's `transferred` and each initiative's transferred_in and
  // transferred_out are the sums of the records' draws.
  void CheckTransferSums(const fund::StateReader& state) {
    auto records = state.Scan(fund::keys::TransferPrefix());
    ASSERT_TRUE(records.ok()) << records.status();
    std::map<uint64_t, uint64_t> by_round, in, out;
    for (const auto& [key, value] : *records) {
      v1::TransferRecord t;
      ASSERT_TRUE(
          t.ParseFromArray(value.data(), static_cast<int>(value.size())));
      uint64_t credits = 0, cents = 0;
      for (const v1::RedemptionDraw& d : t.draws()) {
        credits += d.credits();
        cents += d.cents();
        by_round[d.round_id()] += d.credits();
      }
      EXPECT_EQ(credits, t.amount()) << context_ << ": transfer " << t.id();
      EXPECT_EQ(cents, t.cents()) << context_ << ": transfer " << t.id();
      in[t.to_initiative_id()] += t.amount();
      out[t.from_initiative_id()] += t.amount();
    }
    for (const auto& [round, sum] : by_round) {
      auto record = fund::ReadRound(state, round);
      ASSERT_TRUE(record.ok());
      EXPECT_EQ(record->transferred(), sum)
          << context_ << ": round " << round << " transferred";
    }
    for (const auto& [id, initiative] : model_.initiatives()) {
      auto record = fund::ReadInitiative(state, id);
      ASSERT_TRUE(record.ok());
      EXPECT_EQ(record->transferred_in(), in[id])
          << context_ << ": initiative " << id << " transferred_in";
      EXPECT_EQ(record->transferred_out(), out[id])
          << context_ << ": initiative " << id << " transferred_out";
    }
  }

  void CheckDistrictRound(const fund::StateReader& state, uint64_t round,
                          const std::string& district) {
    auto record = fund::ReadDistrictRound(state, round, district);
    ASSERT_TRUE(record.ok()) << record.status();
    v1::DistrictRoundRecord expected =
        model_.ExpectedDistrictRound(round, district);
    // A record first written after the opening (a resident enrolled in a
    // district that had none) may carry the district's allowance or none:
    // the specification names only the records written at opening.
    if (!model_.rounds().at(round).opened_districts.count(district)) {
      uint64_t allowance = model_.rounds().at(round).rules.allowance();
      for (const v1::DistrictAllowance& d :
           model_.rounds().at(round).rules.district_allowances()) {
        if (d.district() == district) allowance = d.allowance();
      }
      if (record->allowance() == allowance) expected.set_allowance(allowance);
    }
    EXPECT_TRUE(Same(*record, expected))
        << context_ << ": district " << district << " in round " << round
        << "\n  real:  " << record->ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  void CheckInitiativeRound(const fund::StateReader& state, uint64_t round,
                            uint64_t initiative) {
    auto record = fund::ReadInitiativeRound(state, round, initiative);
    ASSERT_TRUE(record.ok()) << record.status();
    v1::InitiativeRoundRecord expected =
        model_.ExpectedInitiativeRound(round, initiative);
    EXPECT_TRUE(Same(*record, expected))
        << context_ << ": initiative " << initiative << " in round " << round
        << "\n  real:  " << record->ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  void CheckRedemption(const fund::StateReader& state, uint64_t id) {
    auto record = fund::ReadRedemption(state, id);
    ASSERT_TRUE(record.ok())
        << context_ << ": redemption " << id << ": " << record.status();
    v1::RedemptionRecord expected = model_.ExpectedRedemption(id);
    // The document does not say when a request settled by rule is decided.
    if (expected.settled_by_rule()) {
      expected.set_decided_at_ms(record->decided_at_ms());
    }
    EXPECT_TRUE(Same(*record, expected))
        << context_ << ": redemption " << id
        << "\n  real:  " << record->ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  void CheckResident(const fund::StateReader& state, uint64_t id) {
    v1::ResidentRecord record;
    auto found = fund::ReadRecord(state, fund::keys::Resident(id), record);
    ASSERT_TRUE(found.ok() && *found) << context_ << ": resident " << id;
    v1::ResidentRecord expected = model_.ExpectedResident(id);
    // A replaced key's reason is not part of the resident.
    if (!expected.revoked()) record.clear_revoke_reason();
    EXPECT_TRUE(Same(record, expected))
        << context_ << ": resident " << id
        << "\n  real:  " << record.ShortDebugString()
        << "\n  model: " << expected.ShortDebugString();
  }

  // The conservation rules and the records of what `body` (accepted as entry
  // `index`) touched, read from the staged state.
  void CheckEntry(const PublicKey& signer, const v1::TxBody& body,
                  uint64_t index) {
    const fund::StateReader& state = applier_->state();
    CheckFund(state);
    std::set<uint64_t> rounds, initiatives;
    std::set<std::pair<uint64_t, std::string>> district_rounds;
    std::set<std::pair<uint64_t, uint64_t>> initiative_rounds;
    switch (body.payload_case()) {
      case v1::TxBody::kEnrollResident:
        CheckResident(state, index);
        if (model_.open_round() != 0) {
          rounds.insert(model_.open_round());
          district_rounds.insert(
              {model_.open_round(), body.enroll_resident().district()});
        }
        break;
      case v1::TxBody::kRevokeResident: {
        uint64_t id =
            model_.keys().at(ToKey(body.revoke_resident().key())).resident;
        CheckResident(state, id);
        if (model_.open_round() != 0) rounds.insert(model_.open_round());
        break;
      }
      case v1::TxBody::kOpenRound:
        rounds.insert(index);
        for (const std::string& d : model_.Districts()) {
          district_rounds.insert({index, d});
        }
        break;
      case v1::TxBody::kCloseRound: {
        uint64_t round = body.close_round().round_id();
        rounds.insert(round);
        for (auto it = model_.awards().lower_bound({round, 0, 0});
             it != model_.awards().end() && std::get<0>(it->first) == round;
             ++it) {
          initiatives.insert(std::get<2>(it->first));
        }
        break;
      }
      case v1::TxBody::kProposeInitiative:
        initiatives.insert(index);
        break;
      case v1::TxBody::kSuspendInitiative:
        initiatives.insert(body.suspend_initiative().initiative_id());
        break;
      case v1::TxBody::kReinstateInitiative:
        initiatives.insert(body.reinstate_initiative().initiative_id());
        break;
      case v1::TxBody::kAward:
      case v1::TxBody::kWithdrawAward: {
        bool award = body.has_award();
        uint64_t round =
            award ? body.award().round_id() : body.withdraw_award().round_id();
        uint64_t initiative = award ? body.award().initiative_id()
                                    : body.withdraw_award().initiative_id();
        rounds.insert(round);
        initiatives.insert(initiative);
        initiative_rounds.insert({round, initiative});
        district_rounds.insert(
            {round, model_.ActiveResident(signer)->district});
        district_rounds.insert(
            {round, model_.initiatives().at(initiative).proposal.district()});
        break;
      }
      case v1::TxBody::kRequestRedemption:
      case v1::TxBody::kApproveRedemption:
      case v1::TxBody::kSettleRedemption:
      case v1::TxBody::kRejectRedemption: {
        uint64_t id = body.has_request_redemption() ? index
                      : body.has_approve_redemption()
                          ? body.approve_redemption().request_id()
                      : body.has_settle_redemption()
                          ? body.settle_redemption().request_id()
                          : body.reject_redemption().request_id();
        const ModelRedemption& r = model_.redemptions().at(id);
        initiatives.insert(r.initiative);
        for (const ModelDraw& d : r.draws) {
          rounds.insert(d.round);
          initiative_rounds.insert({d.round, r.initiative});
        }
        CheckRedemption(state, id);
        CheckRedemptionSums(state);
        break;
      }
      case v1::TxBody::kPostReport:
        initiatives.insert(body.post_report().initiative_id());
        break;
      case v1::TxBody::kProposeKeyChange:
      case v1::TxBody::kProposeEarlyClose:
      case v1::TxBody::kApproveProposal: {
        uint64_t id = body.has_approve_proposal()
                          ? body.approve_proposal().proposal_id()
                          : index;
        CheckProposal(state, id);
        const ModelProposal& proposal = model_.proposals().at(id);
        if (proposal.early_close && proposal.enacted) {
          // Closed as CloseRound closes: awards final, the rest lapsed.
          uint64_t round = proposal.close.round_id();
          rounds.insert(round);
          for (auto it = model_.awards().lower_bound({round, 0, 0});
               it != model_.awards().end() && std::get<0>(it->first) == round;
               ++it) {
            initiatives.insert(std::get<2>(it->first));
          }
        }
        break;
      }
      case v1::TxBody::kTransferCredits: {
        const ModelTransfer& t = model_.transfers().at(index);
        CheckTransfer(state, index);
        initiatives.insert(t.from);
        initiatives.insert(t.to);
        for (const ModelDraw& d : t.draws) {
          rounds.insert(d.round);
          initiative_rounds.insert({d.round, t.from});
          initiative_rounds.insert({d.round, t.to});
        }
        CheckTransferSums(state);
        break;
      }
      default:
        break;
    }
    for (uint64_t round : rounds) CheckRound(state, round);
    for (uint64_t initiative : initiatives) CheckInitiative(state, initiative);
    for (const auto& [round, district] : district_rounds) {
      CheckDistrictRound(state, round, district);
    }
    for (const auto& [round, initiative] : initiative_rounds) {
      CheckInitiativeRound(state, round, initiative);
    }
  }

  void CheckFinal() {
    const fund::StateReader& state = *reader_;
    context_ = "final state";
    CheckFund(state);
    for (const auto& [id, resident] : model_.residents()) {
      CheckResident(state, id);
    }
    for (const auto& [key, k] : model_.keys()) {
      v1::KeyRecord record;
      auto found = fund::ReadRecord(state, fund::keys::Key(key), record);
      ASSERT_TRUE(found.ok() && *found) << "key of resident " << k.resident;
      EXPECT_EQ(record.resident_id(), k.resident);
      EXPECT_EQ(record.revoked(), k.revoked)
          << "key of resident " << k.resident;
    }
    for (const auto& [key, next] : model_.signers()) {
      v1::SignerRecord record;
      auto found = fund::ReadRecord(state, fund::keys::Signer(key), record);
      ASSERT_TRUE(found.ok() && *found);
      EXPECT_EQ(record.next_nonce(), next);
    }
    for (const auto& [id, initiative] : model_.initiatives()) {
      CheckInitiative(state, id);
    }
    for (const auto& [id, redemption] : model_.redemptions()) {
      CheckRedemption(state, id);
    }
    for (const auto& [id, round] : model_.rounds()) {
      CheckRound(state, id);
      // Every record the store holds for the round, and every one the model
      // implies, must agree.
      std::set<std::string> districts = model_.Districts();
      std::string prefix = fund::keys::DistrictRoundPrefix(id);
      auto scanned = state.Scan(prefix);
      ASSERT_TRUE(scanned.ok()) << scanned.status();
      for (const auto& [key, value] : *scanned) {
        districts.insert(key.substr(prefix.size()));
      }
      for (const std::string& d : districts) CheckDistrictRound(state, id, d);

      std::set<uint64_t> initiatives;
      for (const auto& [iid, initiative] : model_.initiatives()) {
        initiatives.insert(iid);
      }
      scanned = state.Scan(fund::keys::InitiativeRoundPrefix(id));
      ASSERT_TRUE(scanned.ok()) << scanned.status();
      for (const auto& [key, value] : *scanned) {
        initiatives.insert(fund::keys::TrailingId(key));
      }
      for (uint64_t iid : initiatives) CheckInitiativeRound(state, id, iid);

      for (uint64_t resident : round.given) {
        auto spent = fund::ReadSpent(state, id, resident);
        ASSERT_TRUE(spent.ok()) << spent.status();
        EXPECT_EQ(*spent, model_.Spent(id, resident))
            << "spent of resident " << resident << " in round " << id;
      }
    }
    for (const auto& [key, net] : model_.awards()) {
      const auto& [round, resident, initiative] = key;
      auto award = fund::ReadAward(state, round, resident, initiative);
      ASSERT_TRUE(award.ok()) << award.status();
      EXPECT_EQ(*award, net) << "award of resident " << resident << " to "
                             << initiative << " in round " << round;
    }
    // Proposals and transfers: every record the store holds and every one
    // the model implies.
    auto scanned_proposals = state.Scan(fund::keys::ProposalPrefix());
    ASSERT_TRUE(scanned_proposals.ok()) << scanned_proposals.status();
    EXPECT_EQ(scanned_proposals->size(), model_.proposals().size());
    for (const auto& [key, value] : *scanned_proposals) {
      EXPECT_TRUE(model_.proposals().count(fund::keys::TrailingId(key)))
          << "proposal " << fund::keys::TrailingId(key) << " not in the model";
    }
    for (const auto& [id, proposal] : model_.proposals()) {
      CheckProposal(state, id);
    }
    auto scanned_transfers = state.Scan(fund::keys::TransferPrefix());
    ASSERT_TRUE(scanned_transfers.ok()) << scanned_transfers.status();
    EXPECT_EQ(scanned_transfers->size(), model_.transfers().size());
    for (const auto& [id, transfer] : model_.transfers()) {
      CheckTransfer(state, id);
    }
    CheckTransferSums(state);
    // Reports, in key (= index) order per initiative.
    for (const auto& [id, initiative] : model_.initiatives()) {
      auto scanned = state.Scan(fund::keys::ReportPrefix(id));
      ASSERT_TRUE(scanned.ok()) << scanned.status();
      std::vector<ModelReport> expected;
      for (const ModelReport& report : model_.reports()) {
        if (report.initiative == id) expected.push_back(report);
      }
      ASSERT_EQ(scanned->size(), expected.size()) << "reports of " << id;
      size_t k = 0;
      for (const auto& [key, value] : *scanned) {
        const ModelReport& want = expected[k++];
        v1::ReportRecord report;
        ASSERT_TRUE(report.ParseFromArray(value.data(), value.size()));
        EXPECT_EQ(fund::keys::TrailingId(key), want.index);
        EXPECT_EQ(report.initiative_id(), id);
        EXPECT_EQ(report.text(), want.text);
        EXPECT_EQ(report.attachments_sha256(), want.attachments_sha256);
        EXPECT_EQ(report.posted_at_ms(), want.posted_at_ms);
      }
    }
  }

  void CheckReplay() {
    auto fresh = CreateRocksLogStore(dir_.Sub("replay"));
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    absl::Status replayed = fund::ReplayLog(*store_, **fresh);
    ASSERT_TRUE(replayed.ok()) << replayed;
    EXPECT_EQ((*fresh)->size(), store_->size());
    EXPECT_EQ((*fresh)->root(), store_->root());
    auto original = fund::StateDigest(*store_);
    auto again = fund::StateDigest(**fresh);
    ASSERT_TRUE(original.ok()) << original.status();
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(ToHex(*original), ToHex(*again));
  }

  const uint64_t seed_;
  const uint64_t transactions_;
  const uint32_t quorum_;  // Of the three genesis council keys.
  std::mt19937_64 rng_;
  TempDir dir_;
  std::unique_ptr<LogStore> store_;
  std::unique_ptr<fund::StoreStateReader> reader_;
  std::unique_ptr<fund::BatchApplier> applier_;
  ReferenceModel model_;

  std::map<PublicKey, SecretKey> secrets_;
  SecretKey log_key_;
  std::vector<const SecretKey*> council_;   // At genesis.
  std::vector<const SecretKey*> stewards_;  // At genesis.
  // Every key ever proposed to an office list.
  std::vector<PublicKey> office_keys_;
  std::vector<const SecretKey*> outsiders_;  // Never enrolled.

  uint64_t now_ms_ = kGenesisMs;
  uint64_t round_ms_ = 0;
  uint64_t resident_target_ = 0;
  uint64_t batch_left_ = 1;
  std::vector<Accepted> accepted_;
  std::string context_;
  std::map<absl::StatusCode, uint64_t> refusals_;
  std::map<std::string, std::map<absl::StatusCode, uint64_t>> outcomes_;
  uint64_t duplicates_ = 0;
};

// Both sequences derive from one base seed, which the environment may set.
uint64_t SeedFor(uint64_t offset) {
  std::optional<uint64_t> env = SeedFromEnv();
  uint64_t base = env ? *env : 20240601;
  uint64_t seed = base + offset;
  std::cout << "seed " << seed << " (rerun with UURO_PROPERTY_SEED=" << base
            << ")\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

TEST(FundPropertyTest, TwentyThousandTransactionsAgreeWithTheModel) {
  InitCrypto();
  PropertyRun run(SeedFor(0), 20000);
  run.Run();
}

TEST(FundPropertyTest, TwoThousandTransactionsWithAnotherSeed) {
  InitCrypto();
  PropertyRun run(SeedFor(1), 2000, /*quorum=*/1);
  run.Run();
}

TEST(FundPropertyTest, TwoThousandTransactionsWithoutCouncilQuorum) {
  InitCrypto();
  PropertyRun run(SeedFor(2), 2000, /*quorum=*/0);
  run.Run();
}

}  // namespace
}  // namespace uuro::testing
