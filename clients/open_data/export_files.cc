#include "clients/open_data/export_files.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/open_data/render.h"
#include "ledger/tlog/atomic_file.h"
#include "nlohmann/json.hpp"

namespace uuro::open_data {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// key -> value of "key<sep>value" lines, up to a line `stop`.
std::map<std::string, std::string> KeyValues(const std::string& text, char sep,
                                             const std::string& stop) {
  std::map<std::string, std::string> values;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::string l(line);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l == stop) break;
    size_t at = l.find(sep);
    if (at != std::string::npos) values[l.substr(0, at)] = l.substr(at + 1);
  }
  return values;
}

absl::StatusOr<ExportHeader> HeaderFrom(
    Format format, const std::map<std::string, std::string>& v,
    const std::string& prefix) {
  auto get = [&](const std::string& key) {
    auto it = v.find(prefix + key);
    return it == v.end() ? std::string() : it->second;
  };
  ExportHeader h;
  h.format = format;
  h.origin = get("origin");
  h.root_hex = get("root");
  if (get("format") != kFormatTag ||
      !absl::SimpleAtoi(get("tree_size"), &h.tree_size) ||
      !absl::SimpleAtoi(get("round"), &h.round_id) || h.origin.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an Uuro export (", kFormatTag, ")"));
  }
  for (auto [key, out] : {std::pair{"period_from", &h.period.from_ms},
                          std::pair{"period_to", &h.period.to_ms}}) {
    if (std::string date = get(key); !date.empty()) {
      auto ms = ParseDate(date);
      if (!ms.ok()) return ms.status();
      *out = *ms;
    }
  }
  return h;
}

}  // namespace

absl::StatusOr<Format> ParseFormat(const std::string& name) {
  if (name == "csv") return Format::kCsv;
  if (name == "pabulib") return Format::kPabulib;
  if (name == "json") return Format::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown format \"", name, "\": csv, pabulib or json"));
}

std::string FormatName(Format format) {
  switch (format) {
    case Format::kCsv:
      return "csv";
    case Format::kPabulib:
      return "pabulib";
    default:
      return "json";
  }
}

absl::StatusOr<uint64_t> ParseDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') {
    tm = std::tm{};
    end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  }
  if (end == nullptr || *end != '\0') {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text,
        "\" is not a date like 2027-01-31 or 2027-01-31T12:00:00Z"));
  }
  const time_t seconds = timegm(&tm);
  if (seconds < 0) {
    return absl::InvalidArgumentError(absl::StrCat(text, " is before 1970"));
  }
  return static_cast<uint64_t>(seconds) * 1000;
}

std::map<std::string, std::string> RenderExport(const v1::RoundExport& e,
                                                Format format,
                                                const Period& period) {
  switch (format) {
    case Format::kCsv:
      return RenderCsv(e, period);
    case Format::kPabulib:
      return RenderPabulib(e, period);
    default:
      return RenderJson(e, period);
  }
}

absl::Status WriteExport(const v1::RoundExport& e, Format format,
                         const Period& period, const std::string& path) {
  const Files files = RenderExport(e, format, period);
  if (format == Format::kCsv) {
    std::error_code error;
    fs::create_directories(path, error);
    if (error) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot make the folder ", path, ": ", error.message()));
    }
  }
  for (const auto& [name, text] : files) {
    const std::string target = name.empty() ? path : path + "/" + name;
    if (absl::Status written = WriteFileAtomically(target, text, 0644);
        !written.ok()) {
      return written;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ExportHeader> ReadExportHeader(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    auto text = ReadWhole(path + "/checkpoint.csv");
    if (!text.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " has no checkpoint.csv: not a CSV export"));
    }
    return HeaderFrom(Format::kCsv, KeyValues(*text, ',', ""), "");
  }
  auto text = ReadWhole(path);
  if (!text.ok()) return text.status();
  if (text->starts_with("META\n")) {
    return HeaderFrom(Format::kPabulib, KeyValues(*text, ';', "PROJECTS"),
                      "uuro_");
  }
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is neither a CSV folder, a pabulib file nor JSON"));
  }
  std::map<std::string, std::string> v;
  auto text_of = [](const nlohmann::json& j) {
    return j.is_string() ? j.get<std::string>() : j.dump();
  };
  v["format"] = text_of(doc.value("format", nlohmann::json("")));
  const nlohmann::json cp = doc.value("checkpoint", nlohmann::json::object());
  for (const char* key : {"origin", "tree_size", "root"}) {
    if (cp.contains(key)) v[key] = text_of(cp[key]);
  }
  if (doc.contains("round")) v["round"] = text_of(doc["round"]);
  const nlohmann::json period = doc.value("period", nlohmann::json::object());
  if (period.contains("from")) v["period_from"] = text_of(period["from"]);
  if (period.contains("to")) v["period_to"] = text_of(period["to"]);
  return HeaderFrom(Format::kJson, v, "");
}

absl::StatusOr<std::map<std::string, std::string>> ReadExportFiles(
    const std::string& path, Format format) {
  std::map<std::string, std::string> files;
  if (format != Format::kCsv) {
    auto text = ReadWhole(path);
    if (!text.ok()) return text.status();
    files[""] = *std::move(text);
    return files;
  }
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(path, error)) {
    if (!entry.is_regular_file()) continue;
    auto text = ReadWhole(entry.path().string());
    if (!text.ok()) return text.status();
    files[entry.path().filename().string()] = *std::move(text);
  }
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the folder ", path, ": ", error.message()));
  }
  return files;
}

}  // namespace uuro::open_data
