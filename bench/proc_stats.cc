#include "bench/proc_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace uuro::bench {

ProcStats ReadProcStats(pid_t pid) {
  ProcStats stats;
  if (pid <= 0) return stats;
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat(dir + "/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14 and stime 15.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    stats.cpu_seconds = static_cast<double>(utime + stime) /
                        static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status(dir + "/status");
  while (std::getline(status, line)) {
    auto kib = [&](const char* name) -> uint64_t {
      return std::stoull(line.substr(std::string(name).size())) * 1024;
    };
    if (line.starts_with("VmRSS:")) stats.rss_bytes = kib("VmRSS:");
    if (line.starts_with("VmHWM:")) stats.peak_rss_bytes = kib("VmHWM:");
  }
  return stats;
}

double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  in >> load;
  return load;
}

}  // namespace uuro::bench
