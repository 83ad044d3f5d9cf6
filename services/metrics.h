// What uurod counts and measures, in the Prometheus text format at GET
// /metrics on the HTTP listener (docs/operations.md lists every series).
//
// prometheus-cpp's core only: its Registry holds the series and its
// TextSerializer renders them; the page is served by uurod's own HTTP server
// (services/tile_http.h), not by prometheus-cpp's embedded civetweb.
#ifndef SERVICES_METRICS_H_
#define SERVICES_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/rocks_log_store.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace uuro::server {

// Thread-safe: request threads, the sequencer and scrapes use it at once.
class ServerMetrics {
 public:
  ServerMetrics();
  ~ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // One submission and how it ended. `payload_case` is the TxBody payload
  // field number (0: the envelope did not decode, counted as "unknown").
  void CountSubmission(int payload_case, const absl::Status& status,
                       bool duplicate);

  // One sequencer batch, committed: transactions taken, entries appended,
  // seconds from taking the batch to durable, seconds in the synced write.
  void ObserveBatch(size_t transactions, size_t entries, double commit_seconds,
                    double fsync_seconds);

  // When the latest checkpoint was signed (ms since the epoch); batches
  // that append set it themselves.
  void SetCheckpointTime(uint64_t time_ms);

  // The sequencer's reading of the wall clock: how many seconds it ran ahead
  // of the monotonic clock beyond the bound (0 when within it), and whether
  // the reading was refused (services/sequencing_clock.h).
  void ObserveClockJump(double ahead_seconds, bool refused);

  // For witnesses: `witness` cosigned the checkpoint of `tree_size`.
  // Shown as that size, the lag behind the log, and the age of the latest.
  // Repeating a size already recorded changes nothing, so callers may
  // report what they see at every scrape.
  void RecordWitnessCosignature(const std::string& witness, uint64_t tree_size);

  // Values read at scrape time from the ledger.
  struct Sample {
    uint64_t tree_size = 0;
    uint64_t queue_depth = 0;
    std::optional<RocksFigures> rocks;
  };
  // The page: every series, in the Prometheus text format 0.0.4.
  std::string Render(const Sample& sample);

 private:
  void RegisterClockMetrics(prometheus::Registry& r);

  struct Witness {
    uint64_t tree_size = 0;
    uint64_t time_ms = 0;
  };

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* submissions_;
  prometheus::Histogram* batch_transactions_;
  prometheus::Histogram* batch_entries_;
  prometheus::Histogram* commit_seconds_;
  prometheus::Histogram* fsync_seconds_;
  prometheus::Gauge* tree_size_;
  prometheus::Gauge* queue_depth_;
  prometheus::Gauge* checkpoint_age_;
  prometheus::Gauge* clock_jump_seconds_;
  prometheus::Counter* clock_jump_refusals_;
  prometheus::Gauge* sst_bytes_;
  prometheus::Gauge* pending_compaction_bytes_;
  prometheus::Gauge* compaction_pending_;
  prometheus::Gauge* running_compactions_;
  prometheus::Gauge* memtable_bytes_;
  prometheus::Family<prometheus::Gauge>* witness_size_;
  prometheus::Family<prometheus::Gauge>* witness_lag_;
  prometheus::Family<prometheus::Gauge>* witness_age_;

  std::atomic<uint64_t> checkpoint_time_ms_{0};
  absl::Mutex mu_;
  std::map<std::string, Witness> witnesses_ ABSL_GUARDED_BY(mu_);
};

}  // namespace uuro::server

#endif  // SERVICES_METRICS_H_
