// Open data through a real uurod and the uuro command line: a round with
// redemptions of every status and a revoked-and-replaced resident, exported
// as CSV, pabulib and JSON, read back by readers written here from the
// formats' descriptions, equal to `uuro audit totals`, and checked against
// the log by `uuro audit check-export`, which must fail after one changed
// byte in a figure.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/testing/uuro_cli_fixture.h"

namespace uuro {
namespace {

using testing::CommandResult;
using Rows = std::vector<std::vector<std::string>>;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// RFC 4180: CRLF records, fields quoted when they hold a comma, a quote or
// a line break, a quote in a quoted field doubled.
Rows ParseRfc4180(const std::string& text) {
  Rows rows(1);
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else if (c == '"' || c == '\r' || c == '\n' || was_quoted) {
      // A quote inside an unquoted field, a bare line break, or text after
      // a closing quote.
      ADD_FAILURE() << "not RFC 4180 at byte " << i << ": " << c;
      return {};
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(rows.back().empty() && field.empty())
      << "the last record must end with CRLF";
  rows.pop_back();
  return rows;
}

// The rows of a CSV file as maps from its header's column names.
std::vector<std::map<std::string, std::string>> Table(const std::string& path) {
  Rows rows = ParseRfc4180(ReadText(path));
  std::vector<std::map<std::string, std::string>> table;
  if (rows.empty()) {
    ADD_FAILURE() << path << " has no header";
    return table;
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), rows[0].size()) << path << " row " << r;
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) {
      row[rows[0][c]] = rows[r][c];
    }
    table.push_back(row);
  }
  return table;
}

uint64_t Num(const std::string& text) {
  uint64_t n = 0;
  EXPECT_TRUE(absl::SimpleAtoi(text, &n)) << "not a number: " << text;
  return n;
}

// A strict reader of pabulib's .pb format (pabulib.org/format): sections
// META, PROJECTS and VOTES in that order, each starting with its header
// row, semicolon-separated; META's required keys; counts and points that
// add up.
struct Pabulib {
  std::map<std::string, std::string> meta;
  std::map<uint64_t, std::map<std::string, std::string>> projects;
  std::vector<std::map<std::string, std::string>> votes;
};

// One pabulib row: fields separated by semicolons, a field holding one
// quoted in double quotes, as Python's csv module (which pabulib's own
// tools use) reads them.
std::vector<std::string> SplitRow(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"' && (quoted || fields.back().empty())) {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  EXPECT_FALSE(quoted) << "an unclosed quote: " << line;
  return fields;
}

Pabulib ReadPabulib(const std::string& text) {
  Pabulib pb;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_TRUE(!lines.empty() && lines.back().empty()) << "no final newline";
  if (!lines.empty()) lines.pop_back();
  const std::vector<std::string> sections = {"META", "PROJECTS", "VOTES"};
  size_t section = 0, i = 0;
  while (i < lines.size()) {
    EXPECT_LT(section, sections.size());
    if (section >= sections.size()) break;
    EXPECT_EQ(lines[i], sections[section]) << "line " << i + 1;
    std::vector<std::string> header = SplitRow(lines[i + 1]);
    for (i += 2; i < lines.size() && std::find(sections.begin(), sections.end(),
                                               lines[i]) == sections.end();
         ++i) {
      std::vector<std::string> fields = SplitRow(lines[i]);
      EXPECT_EQ(fields.size(), header.size()) << "line " << i + 1;
      std::map<std::string, std::string> row;
      for (size_t c = 0; c < header.size() && c < fields.size(); ++c) {
        row[header[c]] = fields[c];
      }
      if (section == 0) {
        pb.meta[row["key"]] = row["value"];
      } else if (section == 1) {
        pb.projects[Num(row["project_id"])] = row;
      } else {
        pb.votes.push_back(row);
      }
    }
    ++section;
  }
  EXPECT_EQ(section, 3u) << "missing sections";
  for (const char* key :
       {"description", "country", "unit", "instance", "num_projects",
        "num_votes", "budget", "vote_type", "rule", "date_begin", "date_end"}) {
    EXPECT_TRUE(pb.meta.contains(key)) << "META lacks " << key;
  }
  EXPECT_EQ(Num(pb.meta["num_projects"]), pb.projects.size());
  EXPECT_EQ(Num(pb.meta["num_votes"]), pb.votes.size());
  EXPECT_EQ(pb.meta["vote_type"], "cumulative");
  std::map<uint64_t, uint64_t> score, voters;
  for (auto& vote : pb.votes) {
    std::vector<std::string> ids = absl::StrSplit(vote["vote"], ',');
    std::vector<std::string> points = absl::StrSplit(vote["points"], ',');
    EXPECT_EQ(ids.size(), points.size());
    uint64_t sum = 0;
    for (size_t k = 0; k < ids.size() && k < points.size(); ++k) {
      EXPECT_TRUE(pb.projects.contains(Num(ids[k]))) << ids[k];
      score[Num(ids[k])] += Num(points[k]);
      voters[Num(ids[k])] += 1;
      sum += Num(points[k]);
    }
    EXPECT_LE(sum, Num(pb.meta["max_sum_points"]));
  }
  for (auto& [id, p] : pb.projects) {
    EXPECT_EQ(Num(p["score"]), score[id]) << "project " << id;
    EXPECT_EQ(Num(p["votes"]), voters[id]) << "project " << id;
  }
  return pb;
}

class OpenDataExportTest : public testing::UuroCliFixture {
 protected:
  void SetUp() override {
    StartLedger({"--council-quorum", "1", "--min-district-size", "2"});
  }

  // Runs a verb expected to succeed; the entry's index if it made one.
  std::string Ok(const std::vector<std::string>& args, const std::string& key) {
    auto r = Json(args, key);
    return r.contains("index") ? std::to_string(r["index"].get<uint64_t>())
                               : "";
  }

  // Round 1 with awards, a withdrawal, a revoked-and-replaced resident, and
  // redemptions settled by rule, settled by the office, pending and
  // rejected; round 2 open with an award. Returns round 1's id.
  std::string MakeHistory() {
    std::map<std::string, std::string> k;
    for (const char* n : {"a", "b", "c", "d", "e", "e2"}) k[n] = NewKey(n);
    for (const char* n : {"a", "b", "c"}) {
      Ok({"enroll", k[n], "--district", "harbour"}, steward_);
    }
    for (const char* n : {"d", "e"}) {
      Ok({"enroll", k[n], "--district", "north"}, steward_);
    }
    i1_ = Ok({"propose", "--title", "Tool library, \"De Schuur\"", "--district",
              "harbour", "--amount", "150"},
             k["a"]);
    i2_ = Ok({"propose", "--title", "Bench; by the canal", "--district",
              "north", "--amount", "150"},
             k["d"]);
    const std::string round =
        Ok({"round", "open", "--allowance", "100", "--credit-value-cents", "50",
            "--closes-in", "4s", "--trust-threshold", "30"},
           steward_);
    const auto opened = std::chrono::steady_clock::now();
    Ok({"award", i1_, "60"}, k["b"]);
    Ok({"award", i1_, "40"}, k["c"]);
    Ok({"withdraw", i1_, "10"}, k["c"]);
    Ok({"award", i1_, "10"}, k["e"]);
    Ok({"award", i2_, "50"}, k["a"]);
    Ok({"award", i2_, "20"}, k["b"]);
    Ok({"revoke", k["e"], "--reason", "lost", "--replacement", k["e2"]},
       steward_);
    std::this_thread::sleep_until(opened + std::chrono::milliseconds(4200));
    Ok({"round", "close"}, steward_);

    // I1 holds 100; threshold 30, cumulative per initiative.
    Ok({"redeem", i1_, "20", "--purpose", "Shelves"}, k["a"]);  // By rule.
    const std::string office =
        Ok({"redeem", i1_, "50", "--purpose", "Drills, saws"}, k["a"]);
    const std::string rejected =
        Ok({"redeem", i1_, "10", "--purpose", "Snacks"}, k["a"]);
    Ok({"redeem", i1_, "5", "--purpose", "Paint"}, k["a"]);  // Pending.
    Ok({"approve", office}, council_);
    Ok({"settle", office, "--reference", "SEPA-2027-1"}, steward_);
    Ok({"reject", rejected, "--reason", "Not in the plan"}, steward_);
    Ok({"report", i1_, "--text", "Open on Saturdays,\nwith 40 tools"}, k["a"]);

    Ok({"round", "open", "--allowance", "100", "--credit-value-cents", "60",
        "--closes-in", "1h"},
       steward_);
    Ok({"award", i2_, "5"}, k["c"]);
    keys_ = k;
    return round;
  }

  std::string i1_, i2_;
  std::map<std::string, std::string> keys_;
};

TEST_F(OpenDataExportTest, EveryFormatReadsBackEqualToTheTotalsAndChecks) {
  const std::string round = MakeHistory();
  auto totals = Json({"audit", "totals", "--round", round});
  ASSERT_EQ(totals["issued"], 500) << totals;

  // CSV, read with the RFC 4180 reader above.
  const std::string csv = ledger_->dir.Sub("round-csv");
  auto wrote = Json(
      {"audit", "export", "--round", round, "--format", "csv", "--out", csv});
  EXPECT_EQ(wrote["identities_failing"], 0) << wrote;
  std::map<std::string, std::string> checkpoint;
  for (auto& row : Table(csv + "/checkpoint.csv")) {
    checkpoint[row["key"]] = row["value"];
  }
  EXPECT_EQ(checkpoint["round"], round);
  EXPECT_EQ(checkpoint["root"].size(), 64u);
  std::map<std::string, std::pair<uint64_t, uint64_t>> figures;
  for (auto& row : Table(csv + "/figures.csv")) {
    figures[row["figure"]] = {Num(row["credits"]), Num(row["euro_cents"])};
  }
  EXPECT_EQ(figures["issued"], std::make_pair(uint64_t{500}, uint64_t{25000}));
  EXPECT_EQ(figures["awarded"].first, totals["net_awarded"].get<uint64_t>());
  EXPECT_EQ(figures["lapsed"].first, totals["lapsed"].get<uint64_t>());
  EXPECT_EQ(figures["settled_by_rule"],
            std::make_pair(uint64_t{20}, uint64_t{1000}));
  EXPECT_EQ(figures["settled_by_office"],
            std::make_pair(uint64_t{50}, uint64_t{2500}));
  EXPECT_EQ(figures["pending"].first, 5u);
  EXPECT_EQ(figures["rejected"].first, 10u);
  auto identities = Table(csv + "/identities.csv");
  EXPECT_GE(identities.size(), 8u);
  for (auto& row : identities) {
    EXPECT_EQ(row["holds"], "yes") << row["identity"];
    EXPECT_EQ(row["left"], row["right"]) << row["identity"];
  }
  // The districts as `uuro audit totals` shows them, none below the
  // fund's minimum district size of 2.
  auto districts = Table(csv + "/districts.csv");
  ASSERT_EQ(districts.size(), totals["districts"].size());
  for (size_t i = 0; i < districts.size(); ++i) {
    EXPECT_EQ(districts[i]["district"], totals["districts"][i]["district"]);
    EXPECT_EQ(Num(districts[i]["awarded"]),
              totals["districts"][i]["awarded"].get<uint64_t>());
    EXPECT_EQ(Num(districts[i]["received"]),
              totals["districts"][i]["received"].get<uint64_t>());
  }
  for (auto& row : districts) {
    EXPECT_GE(Num(row["residents"]), 2u) << row["district"];
  }
  std::map<std::string, std::string> statuses;
  for (auto& row : Table(csv + "/redemptions.csv")) {
    statuses[row["status"]] = row["credits"];
  }
  EXPECT_EQ(statuses,
            (std::map<std::string, std::string>{{"settled_by_rule", "20"},
                                                {"settled_by_office", "50"},
                                                {"pending", "5"},
                                                {"rejected", "10"}}));
  auto initiatives = Table(csv + "/initiatives.csv");
  ASSERT_EQ(initiatives.size(), 2u);
  EXPECT_EQ(initiatives[0]["title"], "Tool library, \"De Schuur\"");
  EXPECT_EQ(Table(csv + "/reports.csv")[0]["text"],
            "Open on Saturdays,\nwith 40 tools");
  uint64_t awards = 0;
  for (auto& row : Table(csv + "/awards.csv")) awards += Num(row["amount"]);
  EXPECT_EQ(awards, totals["net_awarded"].get<uint64_t>());

  // pabulib, read with the strict reader above.
  const std::string pb_path = ledger_->dir.Sub("round.pb");
  ASSERT_EQ(Uuro({"audit", "export", "--round", round, "--format", "pabulib",
                  "--out", pb_path})
                .exit_code,
            0);
  Pabulib pb = ReadPabulib(ReadText(pb_path));
  EXPECT_EQ(Num(pb.meta["budget"]), 500u);
  EXPECT_EQ(pb.votes.size(), 4u);  // a, b, c and e (now e2) awarded.
  std::set<std::string> voter_ids;
  for (auto& vote : pb.votes) voter_ids.insert(vote["voter_id"]);
  EXPECT_EQ(voter_ids.size(), pb.votes.size());
  for (const auto& [name, path] : keys_) {
    CommandResult shown = Uuro({"--key", path, "key", "show"});
    std::string hex = shown.output.substr(0, 64);
    EXPECT_FALSE(voter_ids.contains(hex)) << "a key in the votes: " << name;
  }
  EXPECT_EQ(Num(pb.projects[Num(i1_)]["score"]), 100u);
  EXPECT_EQ(pb.projects[Num(i2_)]["name"], "Bench; by the canal");

  // JSON.
  const std::string json_path = ledger_->dir.Sub("round.json");
  ASSERT_EQ(Uuro({"audit", "export", "--round", round, "--format", "json",
                  "--out", json_path})
                .exit_code,
            0);
  auto doc = nlohmann::json::parse(ReadText(json_path));
  EXPECT_EQ(doc["format"], "uuro-open-data/1");
  EXPECT_EQ(doc["checkpoint"]["root"], checkpoint["root"]);
  EXPECT_EQ(doc["export"]["totals"]["issued"], "500");
  EXPECT_EQ(doc["export"]["redemptions"].size(), 4u);

  // Each export matches the log, and fails after one changed byte.
  for (const std::string& path : {csv, pb_path, json_path}) {
    CommandResult checked = Uuro({"audit", "check-export", path});
    EXPECT_EQ(checked.exit_code, 0) << checked.output;
    EXPECT_NE(checked.output.find("matches the log"), std::string::npos)
        << checked.output;
  }
  const std::string figures_csv = csv + "/figures.csv";
  std::string text = ReadText(figures_csv);
  size_t at = text.find("issued,500,25000");
  ASSERT_NE(at, std::string::npos);
  text[at + 7] = '6';  // 500 -> 600
  WriteText(figures_csv, text);
  CommandResult tampered = Uuro({"audit", "check-export", csv});
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_NE(tampered.output.find("figures.csv, line 2"), std::string::npos)
      << tampered.output;

  std::string pb_text = ReadText(pb_path);
  at = pb_text.find("budget;500");
  ASSERT_NE(at, std::string::npos);
  pb_text[at + 7] = '4';
  WriteText(pb_path, pb_text);
  EXPECT_EQ(Uuro({"audit", "check-export", pb_path}).exit_code, 1);

  // A period keeps only the euro flows decided within it.
  const std::string q = ledger_->dir.Sub("period.json");
  ASSERT_EQ(Uuro({"audit", "export", "--round", round, "--format", "json",
                  "--from", "2000-01-01", "--to", "2000-02-01", "--out", q})
                .exit_code,
            0);
  auto period = nlohmann::json::parse(ReadText(q));
  EXPECT_EQ(period["period"]["to"], "2000-02-01T00:00:00Z");
  EXPECT_EQ(period["export"]["redemptions"].size(), 0u);
  CommandResult period_check = Uuro({"audit", "check-export", q});
  EXPECT_EQ(period_check.exit_code, 0) << period_check.output;
}

TEST_F(OpenDataExportTest, RefusesWhatIsNotAnExport) {
  const std::string path = ledger_->dir.Sub("not-an-export.json");
  WriteText(path, "{\"hello\": 1}");
  CommandResult r = Uuro({"audit", "check-export", path});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("not an Uuro export"), std::string::npos) << r.output;
  CommandResult bad =
      Uuro({"audit", "export", "--format", "xls", "--out", path});
  EXPECT_NE(bad.exit_code, 0);
}

}  // namespace
}  // namespace uuro
