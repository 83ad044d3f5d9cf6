// The single writer of the ledger. Request threads verify signatures in
// parallel and hand verified transactions here; one thread takes them in
// batches, applies the fund rules in order, and commits each batch (entries,
// tree, state, signed checkpoint) as one synced write. Only then does any
// request of the batch get its answer.
#ifndef SERVICES_SEQUENCER_H_
#define SERVICES_SEQUENCER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/cached_state.h"
#include "ledger/tlog/log_store.h"
#include "ledger/tlog/note.h"
#include "services/metrics.h"
#include "services/sequencing_clock.h"

namespace uuro::server {

// A signed checkpoint and what it says, as last committed.
struct SignedCheckpoint {
  std::string note;  // The signed note text.
  uint64_t size = 0;
  Hash root{};
};

class Sequencer {
 public:
  struct Options {
    size_t max_batch = 2048;   // Transactions per commit at most.
    size_t max_queue = 20000;  // Waiting beyond this: RESOURCE_EXHAUSTED.
    // Group commit: a batch is committed once its first transaction has
    // waited this long (or max_batch are waiting), so that the fsync and the
    // checkpoint signature of a commit serve more than one or two awards
    // when many residents submit one at a time. Zero commits at once.
    std::chrono::microseconds commit_delay{0};
    ServerMetrics* metrics = nullptr;  // Not owned; may be null.
    size_t cached_records = 1 << 16;   // State records kept in memory.
    const WallClock* clock = nullptr;  // Not owned; null: the system clock.
    // Called after a commit and before its checkpoint is handed out (to
    // readers, receipts, the listener): makes it durable outside the store
    // (services/published_checkpoint.h). If it fails, the batch's answers
    // are UNAVAILABLE and the checkpoint is handed out only once a later
    // call succeeds.
    std::function<absl::Status(const SignedCheckpoint&)> record_checkpoint;
  };
  // Called after every commit, on the sequencer thread.
  using CommitListener = std::function<void(const SignedCheckpoint&)>;

  // `store` and `signer` must outlive the sequencer. Starts its thread.
  Sequencer(LogStore& store, const NoteSigner& signer, std::string origin,
            Options options);
  ~Sequencer();  // Stop(), then joins.
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  using Answer = absl::StatusOr<fund::ApplyResult>;
  using Done = std::function<void(Answer)>;

  // Queues `tx` and returns a future that is ready once its entry is durable
  // (or it was refused). RESOURCE_EXHAUSTED when the queue is full,
  // UNAVAILABLE after Stop().
  std::future<Answer> Enqueue(fund::VerifiedTx tx);
  // The same, calling `done` with the answer instead: on the sequencer
  // thread after the commit, or on this one if it is refused at once. It
  // must be quick; nothing waits on a thread meanwhile.
  void Enqueue(fund::VerifiedTx tx, Done done);

  // Stops taking work, finishes everything queued, and returns.
  void Stop();

  // The latest committed checkpoint. Safe from any thread.
  std::shared_ptr<const SignedCheckpoint> checkpoint() const;
  // Transactions waiting. Safe from any thread.
  size_t queue_depth() const {
    absl::MutexLock lock(&mu_);
    return queue_.size();
  }

  void set_commit_listener(CommitListener listener);

 private:
  struct Pending {
    fund::VerifiedTx tx;
    Done done;
    std::chrono::steady_clock::time_point queued;
  };

  void Run();
  void ProcessBatch(std::deque<Pending>& batch);
  // Appends `batch` under a checkpoint signed over it, which
  // `signed_checkpoint` receives.
  absl::Status CommitSigned(
      const AppendBatch& batch,
      std::shared_ptr<const SignedCheckpoint>& signed_checkpoint);
  // After a commit: records the checkpoint, then readers and the listener
  // see it. False if it could not be recorded; it is kept in unrecorded_.
  bool Publish(std::shared_ptr<const SignedCheckpoint> checkpoint);
  // After a failed commit: has the store recover, and takes the failed
  // commit as done if the store holds it now. Not OK while it cannot write.
  absl::Status RecoverFromFailedCommit();

  LogStore& store_;
  const NoteSigner& signer_;
  const std::string origin_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<const SignedCheckpoint> checkpoint_ ABSL_GUARDED_BY(mu_);
  CommitListener listener_ ABSL_GUARDED_BY(mu_);

  // Only the sequencer thread touches these.
  fund::CachedState committed_;
  std::unique_ptr<SequencingClock> clock_;
  // A committed checkpoint not handed out yet because recording it failed.
  std::shared_ptr<const SignedCheckpoint> unrecorded_;
  // The last commit, if the store refused it: the store must recover
  // before the next, and may find it committed after all.
  struct FailedCommit {
    uint64_t first_index = 0;
    AppendBatch batch;
    uint64_t last_time_ms = 0;  // The clock after its entries.
    std::shared_ptr<const SignedCheckpoint> checkpoint;
  };
  std::optional<FailedCommit> failed_;

  std::thread thread_;  // Last: starts after everything above exists.
};

// Splits a signed note into its checkpoint without checking signatures; for
// notes this process signed itself and stored.
absl::StatusOr<SignedCheckpoint> ParseOwnCheckpoint(const std::string& note);

}  // namespace uuro::server

#endif  // SERVICES_SEQUENCER_H_
