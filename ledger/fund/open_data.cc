#include "ledger/fund/open_data.h"

#include <algorithm>
#include <map>
#include <utility>

#include "ledger/fund/queries.h"
#include "ledger/fund/small_districts.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/totals.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

template <typename Record>
absl::StatusOr<std::vector<Record>> ScanRecords(const StateReader& state,
                                                const std::string& prefix) {
  UURO_ASSIGN_OR_RETURN(auto found, state.Scan(prefix));
  std::vector<Record> records;
  records.reserve(found.size());
  for (const auto& [key, value] : found) {
    Record record;
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("a state record does not decode: " + prefix);
    }
    records.push_back(std::move(record));
  }
  return records;
}

// Credits times the round's credit value, saturating: a figure that large
// is already a broken fund, and the identities say so.
uint64_t Cents(uint64_t credits, uint64_t value) {
  uint64_t cents = 0;
  return __builtin_mul_overflow(credits, value, &cents) ? UINT64_MAX : cents;
}

uint64_t DrawOn(
    const google::protobuf::RepeatedPtrField<v1::RedemptionDraw>& draws,
    uint64_t round, uint64_t* cents) {
  uint64_t credits = 0;
  for (const v1::RedemptionDraw& d : draws) {
    if (d.round_id() != round) continue;
    credits += d.credits();
    *cents += d.cents();
  }
  return credits;
}

void AddEuro(v1::RoundExport& out, const std::string& name, uint64_t credits,
             uint64_t cents) {
  v1::EuroFigure* f = out.add_euros();
  f->set_name(name);
  f->set_credits(credits);
  f->set_cents(cents);
}

void AddIdentity(v1::RoundExport& out, const std::string& name,
                 const std::string& left_source, uint64_t left,
                 const std::string& right_source, uint64_t right) {
  v1::Identity* i = out.add_identities();
  i->set_name(name);
  i->set_left_source(left_source);
  i->set_left(left);
  i->set_right_source(right_source);
  i->set_right(right);
  i->set_holds(left == right);
}

// The residents' side of the round: awards per initiative and district,
// and per resident for the votes.
absl::Status AddAwards(const StateReader& state, const std::string& origin,
                       uint64_t round_id,
                       const std::map<std::string, std::string>& published,
                       v1::RoundExport& out, uint64_t* award_sum) {
  UURO_ASSIGN_OR_RETURN(auto awards,
                        state.Scan(keys::AwardRoundPrefix(round_id)));
  std::map<std::pair<uint64_t, std::string>, uint64_t> by_district;
  std::map<uint64_t, v1::VoterAwards> voters;  // By resident id.
  for (const auto& [key, value] : awards) {
    v1::AwardRecord award;
    if (!award.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("an award record does not decode");
    }
    *award_sum += award.amount();
    if (award.amount() == 0) continue;  // Withdrawn in full.
    const uint64_t initiative = keys::TrailingId(key);
    const uint64_t resident_id =
        keys::TrailingId(std::string_view(key).substr(0, key.size() - 8));
    v1::VoterAwards& voter = voters[resident_id];
    if (voter.key_hash().empty()) {
      v1::ResidentRecord resident;
      UURO_ASSIGN_OR_RETURN(
          bool found, ReadRecord(state, keys::Resident(resident_id), resident));
      if (!found) return absl::DataLossError("an award of no resident");
      Hash hash = VoterHash(origin, resident.key());
      voter.set_key_hash(std::string(AsString(hash)));
      auto name = published.find(resident.district());
      voter.set_district(name == published.end() ? kMergedDistricts
                                                 : name->second);
    }
    v1::DistrictAward* line = voter.add_awards();
    line->set_initiative_id(initiative);
    line->set_amount(award.amount());
    by_district[{initiative, voter.district()}] += award.amount();
  }
  for (const auto& [where, amount] : by_district) {
    v1::DistrictAward* line = out.add_district_awards();
    line->set_initiative_id(where.first);
    line->set_district(where.second);
    line->set_amount(amount);
  }
  std::vector<v1::VoterAwards> sorted;
  for (auto& [id, voter] : voters) sorted.push_back(std::move(voter));
  // By hash, so that the order tells nothing about who enrolled when.
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.key_hash() < b.key_hash();
  });
  for (auto& voter : sorted) *out.add_voters() = std::move(voter);
  return absl::OkStatus();
}

// Redemptions and transfers drawing on the round, and their euro figures.
absl::Status AddFlows(const StateReader& state, uint64_t round_id,
                      v1::RoundExport& out) {
  UURO_ASSIGN_OR_RETURN(auto redemptions, ScanRecords<v1::RedemptionRecord>(
                                              state, keys::RedemptionPrefix()));
  uint64_t by_rule = 0, by_rule_cents = 0, by_office = 0, by_office_cents = 0,
           pending = 0, pending_cents = 0, rejected = 0, rejected_cents = 0;
  for (v1::RedemptionRecord& r : redemptions) {
    uint64_t cents = 0;
    const uint64_t credits = DrawOn(r.draws(), round_id, &cents);
    if (credits == 0) continue;
    if (r.status() == v1::REDEMPTION_SETTLED && r.settled_by_rule()) {
      by_rule += credits, by_rule_cents += cents;
    } else if (r.status() == v1::REDEMPTION_SETTLED) {
      by_office += credits, by_office_cents += cents;
    } else if (r.status() == v1::REDEMPTION_PENDING) {
      pending += credits, pending_cents += cents;
    } else {
      rejected += credits, rejected_cents += cents;
    }
    // Approvals name council keys; the count is what the public needs.
    *out.add_redemptions() = std::move(r);
  }
  AddEuro(out, "settled_by_rule", by_rule, by_rule_cents);
  AddEuro(out, "settled_by_office", by_office, by_office_cents);
  AddEuro(out, "pending", pending, pending_cents);
  AddEuro(out, "rejected", rejected, rejected_cents);

  const v1::RedemptionTotals& kept = out.round().redemptions();
  const std::string records = "redemption records' draws on the round";
  const std::string round = "the round record";
  AddIdentity(out, "redemptions settled", round, kept.settled(), records,
              by_rule + by_office);
  AddIdentity(out, "redemptions settled in euro cents", round,
              kept.settled_cents(), records, by_rule_cents + by_office_cents);
  AddIdentity(out, "redemptions pending", round, kept.pending(), records,
              pending);
  AddIdentity(out, "redemptions rejected", round, kept.rejected(), records,
              rejected);
  AddIdentity(out, "redemptions requested", round, kept.requested(), records,
              by_rule + by_office + pending + rejected);

  UURO_ASSIGN_OR_RETURN(auto transfers, ScanRecords<v1::TransferRecord>(
                                            state, keys::TransferPrefix()));
  uint64_t transferred = 0;
  for (v1::TransferRecord& t : transfers) {
    uint64_t cents = 0;
    const uint64_t credits = DrawOn(t.draws(), round_id, &cents);
    if (credits == 0) continue;
    transferred += credits;
    *out.add_transfers() = std::move(t);
  }
  AddIdentity(out, "credits transferred", round, out.round().transferred(),
              "transfer records' draws on the round", transferred);
  return absl::OkStatus();
}

}  // namespace

Hash VoterHash(const std::string& origin, const std::string& key) {
  static constexpr char kContext[] = "uuro/v1 voter\n";
  return Sha256({AsBytes(kContext), AsBytes(origin), AsBytes(key)});
}

absl::StatusOr<v1::RoundExport> BuildRoundExport(const StateReader& state,
                                                 uint64_t round_id) {
  UURO_ASSIGN_OR_RETURN(v1::RoundTotals totals,
                        ReadRoundTotals(state, round_id));
  round_id = totals.round_id();
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, ReadFund(state));
  v1::RoundExport out;
  out.set_fund_name(fund.fund_name());
  out.set_currency(fund.currency_name());
  out.set_min_district_size(fund.min_district_size());
  UURO_ASSIGN_OR_RETURN(*out.mutable_round(), ReadRound(state, round_id));
  *out.mutable_totals() = totals;

  UURO_ASSIGN_OR_RETURN(auto initiatives, ScanRecords<v1::InitiativeRecord>(
                                              state, keys::InitiativePrefix()));
  for (auto& i : initiatives) *out.add_initiatives() = std::move(i);

  // The district records before merging: the residents each was given.
  UURO_ASSIGN_OR_RETURN(auto district_records,
                        state.Scan(keys::DistrictRoundPrefix(round_id)));
  std::map<std::string, uint64_t> residents;
  uint64_t issued_by_district = 0, district_net = 0, district_received = 0;
  const size_t prefix = keys::DistrictRoundPrefix(round_id).size();
  for (const auto& [key, value] : district_records) {
    v1::DistrictRoundRecord d;
    if (!d.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("a district record does not decode");
    }
    residents[key.substr(prefix)] = d.residents();
    issued_by_district += d.residents() * d.allowance();
    district_net += d.awarded() - d.withdrawn();
    district_received += d.received();
  }
  uint64_t award_sum = 0;
  UURO_RETURN_IF_ERROR(
      AddAwards(state, fund.origin(), round_id,
                PublishedDistricts(residents, fund.min_district_size()), out,
                &award_sum));

  uint64_t initiative_net = 0;
  for (const v1::InitiativeTotals& i : totals.initiatives()) {
    initiative_net += i.totals().awarded() - i.totals().withdrawn();
    UURO_ASSIGN_OR_RETURN(auto reports,
                          ScanRecords<v1::ReportRecord>(
                              state, keys::ReportPrefix(i.initiative_id())));
    for (auto& r : reports) *out.add_reports() = std::move(r);
  }
  UURO_ASSIGN_OR_RETURN(
      auto spent,
      ScanRecords<v1::SpentRecord>(state, keys::SpentRoundPrefix(round_id)));
  uint64_t spent_sum = 0;
  for (const v1::SpentRecord& s : spent) spent_sum += s.amount();

  const v1::RoundRecord& round = out.round();
  const uint64_t value = round.rules().credit_value_cents();
  const uint64_t net = round.awarded() - round.withdrawn();
  AddEuro(out, "issued", round.issued(), Cents(round.issued(), value));
  AddEuro(out, "awarded", net, Cents(net, value));
  AddEuro(out, "unspent", round.issued() - net,
          Cents(round.issued() - net, value));
  if (round.closed()) {
    AddEuro(out, "lapsed", round.lapsed(), Cents(round.lapsed(), value));
  }

  AddIdentity(out, "issued", "the round record", round.issued(),
              "district records: residents x allowance", issued_by_district);
  AddIdentity(out, "net awards", "the round record", net,
              "residents' award records", award_sum);
  AddIdentity(out, "net awards by residents", "residents' spent records",
              spent_sum, "district records: awarded - withdrawn", district_net);
  AddIdentity(out, "net awards received", "initiative round records",
              initiative_net, "district records: received", district_received);
  if (round.closed()) {
    AddIdentity(out, "lapsed", "the round record", round.lapsed(),
                "district records' issue - residents' spent records",
                issued_by_district - spent_sum);
  }
  UURO_RETURN_IF_ERROR(AddFlows(state, round_id, out));
  return out;
}

}  // namespace uuro::fund
