#include "services/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace uuro::server {
namespace {

// The options that configure the file itself, not the server.
bool IsConfigOption(const std::string& name) {
  return name == "config" || name == "print-config" || name == "help";
}

// A TOML value as the text a command-line option would receive.
absl::StatusOr<std::string> AsOptionText(const toml::node& node,
                                         const std::string& key) {
  if (auto s = node.value<std::string>()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (node.is_floating_point()) {
    std::ostringstream text;
    text << *node.value<double>();
    return text.str();
  }
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  return absl::InvalidArgumentError(
      absl::StrCat("\"", key, "\" must be a string, a number or true/false"));
}

bool LooksBare(const std::string& value) {
  if (value == "true" || value == "false") return true;
  double number = 0;
  auto [end, ec] =
      std::from_chars(value.data(), value.data() + value.size(), number);
  return !value.empty() && ec == std::errc() &&
         end == value.data() + value.size();
}

std::string TomlValue(const std::string& value) {
  if (LooksBare(value)) return value;
  std::ostringstream quoted;
  quoted << toml::value<std::string>(value);
  return quoted.str();
}

}  // namespace

absl::Status ApplyTomlConfig(const std::string& text, const std::string& source,
                             CLI::App& command) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ":", error.source().begin.line, ":",
        error.source().begin.column, ": ", std::string(error.description())));
  }
  for (auto&& [toml_key, node] : table) {
    const std::string key(toml_key.str());
    CLI::Option* option =
        IsConfigOption(key) ? nullptr : command.get_option_no_throw("--" + key);
    if (option == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": unknown key \"", key, "\"; the keys are the options of `",
          command.get_name(), " --help` without their dashes"));
    }
    std::vector<std::string> values;
    if (const toml::array* list = node.as_array()) {
      for (const toml::node& item : *list) {
        auto value = AsOptionText(item, key);
        if (!value.ok()) return value.status();
        values.push_back(*value);
      }
    } else {
      auto value = AsOptionText(node, key);
      if (!value.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": ", value.status().message()));
      }
      values.push_back(*value);
    }
    if (option->count() > 0) continue;  // The command line wins.
    if (values.size() > 1 && option->get_expected_max() <= 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": \"", key, "\" takes one value, not a list"));
    }
    try {
      option->add_result(values);
      option->run_callback();
    } catch (const CLI::Error& error) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": \"", key, "\": ", error.what()));
    }
  }
  return absl::OkStatus();
}

ConfigFile::ConfigFile(CLI::App& command) : command_(command) {
  command.add_option("--config", path_,
                     "TOML file of options (keys: these options without "
                     "dashes); options given here win over it");
  command.add_flag("--print-config", print_,
                   "print the settings in effect as a configuration file, "
                   "and exit");
}

absl::Status ConfigFile::Apply() {
  if (path_.empty()) return absl::OkStatus();
  std::ifstream in(path_);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path_));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ApplyTomlConfig(text.str(), path_, command_);
}

std::string ConfigFile::Effective() const {
  std::string out = absl::StrCat("# uurod ", command_.get_name(),
                                 ": the settings in effect\n");
  for (const CLI::Option* option : command_.get_options()) {
    std::string key = option->get_lnames().empty()
                          ? std::string()
                          : option->get_lnames().front();
    // Hidden options (no group) are for tests, not for operators' files.
    if (key.empty() || IsConfigOption(key) || option->get_group().empty()) {
      continue;
    }
    std::vector<std::string> values =
        option->count() > 0 ? option->results() : std::vector<std::string>{};
    if (option->count() == 0 && !option->get_default_str().empty()) {
      values.push_back(option->get_default_str());
    }
    if (values.empty()) {
      absl::StrAppend(&out, "# ", key, " is not set\n");
    } else if (option->get_expected_max() > 1) {
      std::vector<std::string> items;
      for (const std::string& v : values) items.push_back(TomlValue(v));
      absl::StrAppend(&out, key, " = [", absl::StrJoin(items, ", "), "]\n");
    } else {
      absl::StrAppend(&out, key, " = ", TomlValue(values.back()), "\n");
    }
  }
  return out;
}

}  // namespace uuro::server
