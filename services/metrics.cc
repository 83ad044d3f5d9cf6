#include "services/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cctype>

#include "absl/status/status.h"
#include "ledger/tlog/wall_clock.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::server {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Histogram;

const Histogram::BucketBoundaries kSizeBuckets = {
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
// From half a millisecond (a batch on a fast SSD) to seconds (a sick disk).
const Histogram::BucketBoundaries kSecondsBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

std::string KindName(int payload_case) {
  const google::protobuf::FieldDescriptor* field =
      v1::TxBody::descriptor()->FindFieldByNumber(payload_case);
  return field == nullptr || field->containing_oneof() == nullptr
             ? "unknown"
             : field->name();
}

std::string StatusName(const absl::Status& status, bool duplicate) {
  if (status.ok()) return duplicate ? "duplicate" : "ok";
  std::string name = absl::StatusCodeToString(status.code());
  for (char& c : name) c = static_cast<char>(std::tolower(c));
  return name;
}

Histogram* AddHistogram(prometheus::Registry& registry, const char* name,
                        const char* help,
                        const Histogram::BucketBoundaries& buckets) {
  return &BuildHistogram().Name(name).Help(help).Register(registry).Add(
      {}, buckets);
}

prometheus::Gauge* AddGauge(prometheus::Registry& registry, const char* name,
                            const char* help) {
  return &BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::Registry& r = *registry_;
  submissions_ = &BuildCounter()
                      .Name("uuro_submissions_total")
                      .Help(
                          "Transactions submitted, by payload kind and "
                          "outcome (ok, duplicate, or the refusal's code)")
                      .Register(r);
  batch_transactions_ =
      AddHistogram(r, "uuro_batch_transactions",
                   "Transactions per sequencer batch", kSizeBuckets);
  batch_entries_ =
      AddHistogram(r, "uuro_batch_entries",
                   "New log entries per committed batch", kSizeBuckets);
  commit_seconds_ = AddHistogram(
      r, "uuro_commit_seconds",
      "Seconds from taking a batch to having it durable (rules, tree, "
      "signature, synced write)",
      kSecondsBuckets);
  fsync_seconds_ = AddHistogram(
      r, "uuro_fsync_seconds", "Seconds in the synced RocksDB write of a batch",
      kSecondsBuckets);
  tree_size_ = AddGauge(r, "uuro_tree_size",
                        "Entries in the log at the latest checkpoint");
  queue_depth_ = AddGauge(r, "uuro_queue_depth",
                          "Verified transactions waiting for the sequencer");
  checkpoint_age_ = AddGauge(
      r, "uuro_checkpoint_age_seconds",
      "Seconds since the latest checkpoint was signed (grows while idle)");
  sst_bytes_ = AddGauge(r, "uuro_rocksdb_live_sst_bytes",
                        "Bytes of live RocksDB SST files");
  pending_compaction_bytes_ =
      AddGauge(r, "uuro_rocksdb_pending_compaction_bytes",
               "Estimated bytes RocksDB still has to compact");
  compaction_pending_ = AddGauge(r, "uuro_rocksdb_compaction_pending",
                                 "Column families with a compaction due");
  running_compactions_ = AddGauge(r, "uuro_rocksdb_running_compactions",
                                  "Compactions running now");
  memtable_bytes_ =
      AddGauge(r, "uuro_rocksdb_memtable_bytes", "Bytes in RocksDB memtables");
  witness_size_ = &BuildGauge()
                       .Name("uuro_witness_cosigned_tree_size")
                       .Help(
                           "Tree size of the latest checkpoint a witness "
                           "cosigned")
                       .Register(r);
  witness_lag_ = &BuildGauge()
                      .Name("uuro_witness_lag_entries")
                      .Help(
                          "Entries the log is ahead of a witness's latest "
                          "cosignature")
                      .Register(r);
  witness_age_ = &BuildGauge()
                      .Name("uuro_witness_cosignature_age_seconds")
                      .Help("Seconds since a witness last cosigned")
                      .Register(r);
  RegisterClockMetrics(r);
}

void ServerMetrics::RegisterClockMetrics(prometheus::Registry& r) {
  clock_jump_seconds_ = AddGauge(
      r, "uuro_clock_jump_seconds",
      "Seconds the wall clock is ahead of the monotonic clock since start, "
      "when beyond the bound and refused (0 otherwise)");
  clock_jump_refusals_ =
      &BuildCounter()
           .Name("uuro_clock_jump_refusals_total")
           .Help(
               "Transactions refused (UNAVAILABLE) because the wall clock "
               "jumped forward")
           .Register(r)
           .Add({});
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::CountSubmission(int payload_case,
                                    const absl::Status& status,
                                    bool duplicate) {
  submissions_
      ->Add({{"kind", KindName(payload_case)},
             {"status", StatusName(status, duplicate)}})
      .Increment();
}

void ServerMetrics::ObserveBatch(size_t transactions, size_t entries,
                                 double commit_seconds, double fsync_seconds) {
  batch_transactions_->Observe(static_cast<double>(transactions));
  batch_entries_->Observe(static_cast<double>(entries));
  commit_seconds_->Observe(commit_seconds);
  if (entries > 0) {
    fsync_seconds_->Observe(fsync_seconds);
    SetCheckpointTime(WallClockMs());
  }
}

void ServerMetrics::SetCheckpointTime(uint64_t time_ms) {
  checkpoint_time_ms_ = time_ms;
}

void ServerMetrics::ObserveClockJump(double ahead_seconds, bool refused) {
  clock_jump_seconds_->Set(ahead_seconds);
  if (refused) clock_jump_refusals_->Increment();
}

void ServerMetrics::RecordWitnessCosignature(const std::string& witness,
                                             uint64_t tree_size) {
  absl::MutexLock lock(&mu_);
  Witness& w = witnesses_[witness];
  // The same cosignature seen again is not a new one: its age keeps growing.
  if (w.time_ms != 0 && tree_size <= w.tree_size) return;
  w = {tree_size, WallClockMs()};
}

std::string ServerMetrics::Render(const Sample& sample) {
  const uint64_t now = WallClockMs();
  tree_size_->Set(static_cast<double>(sample.tree_size));
  queue_depth_->Set(static_cast<double>(sample.queue_depth));
  const uint64_t signed_at = checkpoint_time_ms_;
  checkpoint_age_->Set(signed_at == 0 || signed_at > now
                           ? 0
                           : static_cast<double>(now - signed_at) / 1000);
  if (sample.rocks) {
    sst_bytes_->Set(static_cast<double>(sample.rocks->live_sst_bytes));
    pending_compaction_bytes_->Set(
        static_cast<double>(sample.rocks->pending_compaction_bytes));
    compaction_pending_->Set(
        static_cast<double>(sample.rocks->compaction_pending));
    running_compactions_->Set(
        static_cast<double>(sample.rocks->running_compactions));
    memtable_bytes_->Set(static_cast<double>(sample.rocks->memtable_bytes));
  }
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, w] : witnesses_) {
      prometheus::Labels labels{{"witness", name}};
      witness_size_->Add(labels).Set(static_cast<double>(w.tree_size));
      witness_lag_->Add(labels).Set(
          sample.tree_size > w.tree_size
              ? static_cast<double>(sample.tree_size - w.tree_size)
              : 0);
      witness_age_->Add(labels).Set(
          w.time_ms > now ? 0 : static_cast<double>(now - w.time_ms) / 1000);
    }
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace uuro::server
