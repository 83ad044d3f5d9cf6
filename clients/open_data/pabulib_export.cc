// pabulib (pabulib.org/format): sections META, PROJECTS and VOTES of
// semicolon-separated rows, each section with a header row. A round is a
// cumulative vote: each resident spreads their allowance as points over
// initiatives. Residents appear as hashes of their keys, never the keys.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/open_data/render.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/iso_time.h"

namespace uuro::open_data {
namespace {

std::string Field(const std::string& text) {
  if (text.find_first_of(";\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += (c == '\r' || c == '\n') ? ' ' : c;
  }
  return quoted + "\"";
}

void Row(std::string& out, const std::vector<std::string>& fields) {
  std::vector<std::string> escaped;
  for (const std::string& f : fields) escaped.push_back(Field(f));
  absl::StrAppend(&out, absl::StrJoin(escaped, ";"), "\n");
}

// "dd.mm.yyyy", as pabulib writes dates.
std::string PabulibDate(uint64_t ms) {
  const std::string iso = FormatIsoTime(ms);  // "2027-03-01T00:00:00Z"
  if (iso.size() < 10) return iso;
  return absl::StrCat(iso.substr(8, 2), ".", iso.substr(5, 2), ".",
                      iso.substr(0, 4));
}

std::string N(uint64_t n) { return std::to_string(n); }

}  // namespace

Files RenderPabulib(const v1::RoundExport& e, const Period& period) {
  const v1::RoundRecord& round = e.round();
  const v1::OpenRound& rules = round.rules();
  uint64_t max_points = rules.allowance();
  for (const v1::DistrictAllowance& d : rules.district_allowances()) {
    max_points = std::max(max_points, d.allowance());
  }
  // Per initiative: voters who gave it points, and the points.
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> tally;
  for (const v1::VoterAwards& v : e.voters()) {
    for (const v1::DistrictAward& a : v.awards()) {
      tally[a.initiative_id()].first += 1;
      tally[a.initiative_id()].second += a.amount();
    }
  }
  std::string out;
  out += "META\n";
  Row(out, {"key", "value"});
  Row(out, {"description", absl::StrCat("Round ", round.id(), " of ",
                                        e.fund_name(), " (Uuro)")});
  Row(out, {"country", "unknown"});
  Row(out, {"unit", e.fund_name()});
  Row(out, {"instance", N(round.id())});
  Row(out, {"num_projects", N(static_cast<uint64_t>(e.initiatives_size()))});
  Row(out, {"num_votes", N(static_cast<uint64_t>(e.voters_size()))});
  Row(out, {"budget", N(round.issued())});
  Row(out, {"vote_type", "cumulative"});
  // No selection rule: every initiative keeps what residents awarded it.
  Row(out, {"rule", "none"});
  Row(out, {"date_begin", PabulibDate(rules.opens_at_ms())});
  Row(out,
      {"date_end", PabulibDate(round.closed_at_ms() ? round.closed_at_ms()
                                                    : rules.closes_at_ms())});
  Row(out, {"max_sum_points", N(max_points)});
  Row(out, {"currency", e.currency()});
  Row(out, {"credit_value_cents", N(rules.credit_value_cents())});
  Row(out, {"uuro_format", kFormatTag});
  Row(out, {"uuro_origin", e.checkpoint().origin()});
  Row(out, {"uuro_tree_size", N(e.checkpoint().tree_size())});
  Row(out, {"uuro_root", RootHex(e)});
  Row(out, {"uuro_round", N(round.id())});
  Row(out, {"uuro_period_from", PeriodEnd(period.from_ms)});
  Row(out, {"uuro_period_to", PeriodEnd(period.to_ms)});

  out += "PROJECTS\n";
  Row(out, {"project_id", "cost", "votes", "score", "name", "district"});
  for (const v1::InitiativeRecord& i : e.initiatives()) {
    auto [voters, points] = tally[i.id()];
    Row(out, {N(i.id()), N(i.proposal().amount_asked()), N(voters), N(points),
              i.proposal().title(), i.proposal().district()});
  }

  out += "VOTES\n";
  Row(out, {"voter_id", "vote", "points", "district"});
  for (const v1::VoterAwards& v : e.voters()) {
    std::vector<std::string> vote, points;
    for (const v1::DistrictAward& a : v.awards()) {
      vote.push_back(N(a.initiative_id()));
      points.push_back(N(a.amount()));
    }
    Row(out, {ToHex(AsBytes(v.key_hash())), absl::StrJoin(vote, ","),
              absl::StrJoin(points, ","), v.district()});
  }
  return {{"", out}};
}

}  // namespace uuro::open_data
