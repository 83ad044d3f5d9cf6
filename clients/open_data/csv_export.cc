// CSV: one RFC 4180 file per table (UTF-8, CRLF, fields quoted when they
// hold a comma, a quote or a line break), and a README.txt of the columns.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/open_data/render.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/iso_time.h"

namespace uuro::open_data {
namespace {

std::string Field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

class Csv {
 public:
  explicit Csv(const std::vector<std::string>& header) { Row(header); }
  void Row(const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) text_ += ',';
      text_ += Field(fields[i]);
    }
    text_ += "\r\n";
  }
  std::string text() const { return text_; }

 private:
  std::string text_;
};

std::string N(uint64_t n) { return std::to_string(n); }
std::string Time(uint64_t ms) { return ms ? FormatIsoTime(ms) : ""; }

constexpr char kReadme[] =
    "Open data of one round of an Uuro innovation micro-fund\r\n"
    "(uuro-open-data/1). Every file is RFC 4180 CSV in UTF-8 with a header\r\n"
    "row. Amounts are whole credits; euro amounts are in euro cents.\r\n"
    "Times are ISO 8601 in UTC. Districts with fewer residents than the\r\n"
    "fund's minimum district size are merged into one row, named\r\n"
    "\"(merged small districts)\". docs/open-data.md describes every\r\n"
    "column; `uuro audit check-export FOLDER` checks this folder against\r\n"
    "the fund's public log.\r\n"
    "\r\n"
    "checkpoint.csv   what the export reflects: origin, tree_size, root\r\n"
    "                 (the log's Merkle root), round, period\r\n"
    "round.csv        the round's rules: one row of key,value per rule\r\n"
    "figures.csv      figure,credits,euro_cents: issued, awarded, unspent,\r\n"
    "                 lapsed, redemptions by status\r\n"
    "identities.csv   identity,left_source,left,right_source,right,holds:\r\n"
    "                 conservation checks, each side from other records\r\n"
    "initiatives.csv  id,title,district,status,amount_asked,received_final,\r\n"
    "                 received_open,redeemed,pending,transferred_in,\r\n"
    "                 transferred_out (fund-wide, all rounds)\r\n"
    "districts.csv    district,residents,allowance,awarded,withdrawn,\r\n"
    "                 received (awarded and withdrawn by the district's\r\n"
    "                 residents; received by its initiatives)\r\n"
    "awards.csv       initiative_id,district,amount: net awards to each\r\n"
    "                 initiative by the residents of each district\r\n"
    "redemptions.csv  id,initiative_id,status,credits,euro_cents,purpose,\r\n"
    "                 payment_reference,requested_at,decided_at (credits\r\n"
    "                 and cents of this round only)\r\n"
    "transfers.csv    id,from_initiative_id,to_initiative_id,credits,\r\n"
    "                 euro_cents,note,transferred_at (of this round)\r\n"
    "reports.csv      initiative_id,posted_at,text,attachments_sha256\r\n";

}  // namespace

Files RenderCsv(const v1::RoundExport& all, const Period& period) {
  const v1::RoundExport e = WithinPeriod(all, period);
  const uint64_t round = e.round().id();
  Files files;
  files["README.txt"] = kReadme;

  Csv checkpoint({"key", "value"});
  checkpoint.Row({"format", kFormatTag});
  checkpoint.Row({"origin", e.checkpoint().origin()});
  checkpoint.Row({"tree_size", N(e.checkpoint().tree_size())});
  checkpoint.Row({"root", RootHex(e)});
  checkpoint.Row({"round", N(round)});
  checkpoint.Row({"period_from", PeriodEnd(period.from_ms)});
  checkpoint.Row({"period_to", PeriodEnd(period.to_ms)});
  files["checkpoint.csv"] = checkpoint.text();

  const v1::OpenRound& rules = e.round().rules();
  Csv r({"key", "value"});
  r.Row({"fund_name", e.fund_name()});
  r.Row({"currency", e.currency()});
  r.Row({"allowance", N(rules.allowance())});
  r.Row({"credit_value_cents", N(rules.credit_value_cents())});
  r.Row({"opens_at", Time(rules.opens_at_ms())});
  r.Row({"closes_at", Time(rules.closes_at_ms())});
  r.Row({"closed_at", Time(e.round().closed_at_ms())});
  r.Row({"max_share_percent", N(rules.max_share_percent())});
  r.Row({"trust_threshold", N(rules.trust_threshold())});
  r.Row({"owner_may_award_own", rules.owner_may_award_own() ? "yes" : "no"});
  r.Row({"may_exceed_amount_asked",
         rules.may_exceed_amount_asked() ? "yes" : "no"});
  r.Row({"early_close_reason", e.round().early_close_reason()});
  r.Row({"min_district_size", N(e.min_district_size())});
  files["round.csv"] = r.text();

  Csv figures({"figure", "credits", "euro_cents"});
  for (const v1::EuroFigure& f : e.euros()) {
    figures.Row({f.name(), N(f.credits()), N(f.cents())});
  }
  files["figures.csv"] = figures.text();

  Csv identities(
      {"identity", "left_source", "left", "right_source", "right", "holds"});
  for (const v1::Identity& i : e.identities()) {
    identities.Row({i.name(), i.left_source(), N(i.left()), i.right_source(),
                    N(i.right()), i.holds() ? "yes" : "no"});
  }
  files["identities.csv"] = identities.text();

  Csv initiatives({"id", "title", "district", "status", "amount_asked",
                   "received_final", "received_open", "redeemed", "pending",
                   "transferred_in", "transferred_out"});
  for (const v1::InitiativeRecord& i : e.initiatives()) {
    initiatives.Row(
        {N(i.id()), i.proposal().title(), i.proposal().district(),
         i.status() == v1::INITIATIVE_SUSPENDED ? "suspended" : "active",
         N(i.proposal().amount_asked()), N(i.received_final()),
         N(i.received_open()), N(i.redeemed()), N(i.pending()),
         N(i.transferred_in()), N(i.transferred_out())});
  }
  files["initiatives.csv"] = initiatives.text();

  Csv districts({"district", "residents", "allowance", "awarded", "withdrawn",
                 "received"});
  for (const v1::DistrictTotals& d : e.totals().districts()) {
    const v1::DistrictRoundRecord& t = d.totals();
    districts.Row({d.district(), N(t.residents()), N(t.allowance()),
                   N(t.awarded()), N(t.withdrawn()), N(t.received())});
  }
  files["districts.csv"] = districts.text();

  Csv awards({"initiative_id", "district", "amount"});
  for (const v1::DistrictAward& a : e.district_awards()) {
    awards.Row({N(a.initiative_id()), a.district(), N(a.amount())});
  }
  files["awards.csv"] = awards.text();

  Csv redemptions({"id", "initiative_id", "status", "credits", "euro_cents",
                   "purpose", "payment_reference", "requested_at",
                   "decided_at"});
  for (const v1::RedemptionRecord& x : e.redemptions()) {
    uint64_t credits = 0, cents = 0;
    DrawnFrom(x.draws(), round, &credits, &cents);
    redemptions.Row({N(x.id()), N(x.initiative_id()), RedemptionStatusName(x),
                     N(credits), N(cents), x.purpose(), x.payment_reference(),
                     Time(x.requested_at_ms()), Time(x.decided_at_ms())});
  }
  files["redemptions.csv"] = redemptions.text();

  Csv transfers({"id", "from_initiative_id", "to_initiative_id", "credits",
                 "euro_cents", "note", "transferred_at"});
  for (const v1::TransferRecord& t : e.transfers()) {
    uint64_t credits = 0, cents = 0;
    DrawnFrom(t.draws(), round, &credits, &cents);
    transfers.Row({N(t.id()), N(t.from_initiative_id()),
                   N(t.to_initiative_id()), N(credits), N(cents), t.note(),
                   Time(t.transferred_at_ms())});
  }
  files["transfers.csv"] = transfers.text();

  Csv reports({"initiative_id", "posted_at", "text", "attachments_sha256"});
  for (const v1::ReportRecord& p : e.reports()) {
    reports.Row({N(p.initiative_id()), Time(p.posted_at_ms()), p.text(),
                 ToHex(AsBytes(p.attachments_sha256()))});
  }
  files["reports.csv"] = reports.text();
  return files;
}

}  // namespace uuro::open_data
