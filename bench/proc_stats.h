// What the kernel knows about another process: CPU time and memory, read from
// /proc so that the benchmark can measure a real uurod from outside.
#ifndef BENCH_PROC_STATS_H_
#define BENCH_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>

namespace uuro::bench {

struct ProcStats {
  double cpu_seconds = 0;       // User plus system time so far.
  uint64_t rss_bytes = 0;       // Resident set now (VmRSS).
  uint64_t peak_rss_bytes = 0;  // Highest resident set so far (VmHWM).
};

// Zeros if `pid` is 0 or cannot be read.
ProcStats ReadProcStats(pid_t pid);

// One-minute load average of the machine.
double LoadAverage();

}  // namespace uuro::bench

#endif  // BENCH_PROC_STATS_H_
