// The operations subcommands of uurod (backup, restore, rebuild, follow),
// kept apart from uurod_main.cc so that the serving path stays small.
#ifndef SERVICES_UUROD_OPS_H_
#define SERVICES_UUROD_OPS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

namespace uuro::server {

class OpsCommands {
 public:
  // Adds the subcommands to `app`; they run from Run() after parsing.
  explicit OpsCommands(CLI::App& app);
  ~OpsCommands();
  OpsCommands(const OpsCommands&) = delete;
  OpsCommands& operator=(const OpsCommands&) = delete;

  // The exit code of the subcommand that was parsed, if it is one of these.
  std::optional<int> Run();

 private:
  struct Flags;
  int RunRebuild();
  int RunFollow();
  std::unique_ptr<Flags> flags_;
};

}  // namespace uuro::server

#endif  // SERVICES_UUROD_OPS_H_
