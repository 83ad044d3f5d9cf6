// The configuration file of `uurod serve`: TOML, one key per command-line
// option, named as the option without its leading dashes:
//
//   data = "/var/lib/uuro"
//   grpc-listen = "0.0.0.0:50051"
//   rate-limit = 50
//
// Options given on the command line win over the file. Every option of the
// command is a key, including ones added later, so the file and the flags
// cannot drift apart. Keys the command does not know are errors, not
// silently ignored: a typo must not leave a limit unset.
#ifndef SERVICES_CONFIG_H_
#define SERVICES_CONFIG_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"

namespace uuro::server {

class ConfigFile {
 public:
  // Adds --config FILE and --print-config to `command`, which must outlive
  // this object.
  explicit ConfigFile(CLI::App& command);
  ConfigFile(const ConfigFile&) = delete;
  ConfigFile& operator=(const ConfigFile&) = delete;

  // After parsing: if --config named a file, sets every option the command
  // line left unset to the file's value. INVALID_ARGUMENT names the file,
  // and the line or key, that is wrong; NOT_FOUND if it cannot be read.
  absl::Status Apply();

  // Whether --print-config was given: print Effective() and exit.
  bool print_requested() const { return print_; }

  // The settings in effect, as a TOML file that Apply() reads back.
  std::string Effective() const;

 private:
  CLI::App& command_;
  std::string path_;
  bool print_ = false;
};

// Applies the TOML text `text` (from `source`, for messages) to the options
// of `command` that are unset. Exposed for tests.
absl::Status ApplyTomlConfig(const std::string& text, const std::string& source,
                             CLI::App& command);

}  // namespace uuro::server

#endif  // SERVICES_CONFIG_H_
