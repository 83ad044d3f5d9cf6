// A read follower: a verified local copy of a log, kept current by polling
// its tiles on any mirror, served read-only so that read load spreads over
// many machines while one sequencer writes.
//
// Every checkpoint it adopts is signed by the pinned log key and consistent
// with the one before (services/rebuild.h: SyncToCheckpoint). A checkpoint
// that is not (a fork, a rollback) makes it stop following for good: it
// keeps serving the last verified state, reports the evidence through
// on_stop, and adopts nothing more until an operator looks.
#ifndef SERVICES_FOLLOWER_H_
#define SERVICES_FOLLOWER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/fund/state_view.h"
#include "ledger/net/tile_log_reader.h"
#include "services/data_dir.h"
#include "services/ledger_view.h"
#include "services/rebuild.h"

namespace uuro::server {

class Follower final : public LedgerView {
 public:
  struct Options {
    std::string url;   // The tiles mirror.
    std::string vkey;  // The log's verifier key text.
    std::chrono::milliseconds poll{1000};
    uint64_t commit_entries = 4096;
    // Called once, on the polling thread, when it stops following because
    // the log showed an inconsistent checkpoint (DATA_LOSS, with evidence).
    std::function<void(const absl::Status&)> on_stop;
    // Called after every checkpoint it adopts.
    std::function<void(const SignedCheckpoint&)> on_advance;
  };

  // Opens (or creates) the copy in `dir` and brings it up to the mirror's
  // latest checkpoint before returning, showing `progress`. If the mirror
  // does not answer, a copy that holds a verified checkpoint is served as it
  // is; an empty one is UNAVAILABLE. `dir` must not hold a log key.
  static absl::StatusOr<std::unique_ptr<Follower>> Open(
      const DataDir& dir, Options options, const SyncProgress& progress);
  ~Follower() override;  // Stop().
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Starts polling in its own thread.
  void Start();
  // Stops polling; a sync in progress finishes its current commit first.
  void Stop();

  // OK while following; the DATA_LOSS that stopped it otherwise.
  absl::Status stopped_because() const;

  // LedgerView.
  const LogStore& store() const override { return *store_; }
  const fund::StateReader& state() const override { return state_; }
  std::shared_ptr<const SignedCheckpoint> checkpoint() const override;
  std::shared_ptr<const SignedCheckpoint> latest_checkpoint() const override {
    return checkpoint();
  }
  std::shared_ptr<const SignedCheckpoint> cosigned_checkpoint() const override;
  std::shared_ptr<const SignedCheckpoint> published_checkpoint()
      const override {
    return checkpoint();
  }
  const NoteVerifier& verifier() const override { return reader_->log_key(); }
  const std::string& origin() const override { return origin_; }

 private:
  Follower(std::unique_ptr<LogStore> store,
           std::unique_ptr<client::TileLogReader> reader, Options options);
  // Fetches the mirror's checkpoint and syncs to it; adopts it if all is
  // well. DATA_LOSS means the log is inconsistent.
  absl::Status Poll(const SyncProgress& progress);
  void Run();

  std::unique_ptr<LogStore> store_;
  fund::StoreStateReader state_;
  std::unique_ptr<client::TileLogReader> reader_;  // Used by one thread.
  const Options options_;
  const std::string origin_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const SignedCheckpoint> checkpoint_ ABSL_GUARDED_BY(mu_);
  absl::Status stopped_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// The writer of a follower: every write is refused with FAILED_PRECONDITION
// naming the primary, so that clients know where to send it.
class RefusingWriter final : public LedgerWriter {
 public:
  explicit RefusingWriter(std::string primary) : primary_(std::move(primary)) {}
  absl::StatusOr<v1::Receipt> Submit(ByteView) override;
  std::vector<absl::StatusOr<v1::Receipt>> SubmitMany(
      const std::vector<ByteView>& envelopes) override;

 private:
  absl::Status Refusal() const;
  const std::string primary_;
};

}  // namespace uuro::server

#endif  // SERVICES_FOLLOWER_H_
