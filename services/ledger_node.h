// A ledger opened for serving: the store, the log key, the sequencer and the
// submission path shared by every gRPC method that writes.
#ifndef SERVICES_LEDGER_NODE_H_
#define SERVICES_LEDGER_NODE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/fund/state_view.h"
#include "ledger/tlog/log_store.h"
#include "ledger/tlog/note.h"
#include "services/data_dir.h"
#include "services/ledger_view.h"
#include "services/published_checkpoint.h"
#include "services/rate_limiter.h"
#include "services/sequencer.h"
#include "uuro/v1/ledger.pb.h"

namespace rocksdb {
class Env;
}

namespace uuro::server {

class LedgerNode final : public LedgerView, public LedgerWriter {
 public:
  struct Options {
    Sequencer::Options sequencer;  // Its metrics count submissions too.
    double rate_per_second = 50;   // Per signer; 0 disables the limit.
    double rate_burst = 200;
    // If set, wraps the opened store (fault-injection tests cut here).
    std::function<std::unique_ptr<LogStore>(std::unique_ptr<LogStore>)>
        wrap_store;
    // If set, the store does its file work through it (not owned; tests
    // simulate power loss with it).
    rocksdb::Env* store_env = nullptr;
  };

  // Opens the ledger in `dir` and checks that its log key is the one genesis
  // names. NOT_FOUND if there is no ledger; FAILED_PRECONDITION on a mismatch,
  // and if the store is behind or not consistent with the checkpoint this log
  // already published (DIR/published-checkpoint): then serving would sign a
  // fork, and the message says how to rebuild.
  static absl::StatusOr<std::unique_ptr<LedgerNode>> Open(
      const DataDir& dir, const Options& options);
  ~LedgerNode() override;

  // Verifies `envelope` on the calling thread, then waits until the sequencer
  // made its entry durable, and returns the receipt.
  absl::StatusOr<v1::Receipt> Submit(ByteView envelope) override;
  // The same, answering `done` on the sequencer thread after the commit.
  void SubmitAsync(ByteView envelope, ReceiptCallback done) override;
  // The same for many envelopes, verified here and sequenced together.
  std::vector<absl::StatusOr<v1::Receipt>> SubmitMany(
      const std::vector<ByteView>& envelopes) override;

  // A receipt for the committed entry `index` against the latest checkpoint.
  absl::StatusOr<v1::Receipt> MakeReceipt(uint64_t index, bool duplicate) const;

  const LogStore& store() const override { return *store_; }
  const fund::StateReader& state() const override { return state_; }
  std::shared_ptr<const SignedCheckpoint> checkpoint() const override {
    return sequencer_->checkpoint();
  }
  // The newest checkpoint that witnesses cosigned, with their lines after
  // the log's signature; null until one did. It is kept in the data folder
  // (cosigned-checkpoint, replaced atomically) and read back on Open, after
  // checking the log's signature, at least one council cosignature not
  // dated in the future, and that the store holds that very tree.
  std::shared_ptr<const SignedCheckpoint> cosigned_checkpoint() const override;
  void set_cosigned_checkpoint(std::shared_ptr<const SignedCheckpoint> cp);
  // The latest checkpoint, carrying cosignatures if witnesses cosigned
  // exactly it.
  std::shared_ptr<const SignedCheckpoint> latest_checkpoint() const override;
  // The checkpoint shown at /checkpoint: latest_checkpoint(), except that
  // once witnesses are configured (set_publish_witnessed) and one cosigned,
  // the newest cosigned one, as logs do that publish only witnessed
  // checkpoints. It lags the log by one witness round at most.
  std::shared_ptr<const SignedCheckpoint> published_checkpoint() const override;
  void set_publish_witnessed(bool on) { publish_witnessed_ = on; }

  const std::string& origin() const override { return origin_; }
  const NoteVerifier& verifier() const override { return verifier_; }
  Sequencer& sequencer() { return *sequencer_; }

  // Finishes the work in flight and stops taking more.
  void Shutdown() { sequencer_->Stop(); }

 private:
  LedgerNode(std::unique_ptr<LogStore> store, NoteSigner signer,
             std::string origin,
             std::unique_ptr<PublishedCheckpointFile> published,
             const Options& options);
  absl::StatusOr<fund::VerifiedTx> Admit(ByteView envelope);
  // Reads back the cosigned checkpoint kept in `path` (see above). A file
  // that does not verify is set aside with a warning; one that verifies but
  // names a tree the store does not hold is FAILED_PRECONDITION.
  absl::Status LoadCosignedCheckpoint(const std::string& path);
  // Counts a submission of payload `kind` (0: unknown) in metrics_.
  void Count(int kind, const absl::StatusOr<fund::ApplyResult>& result);

  std::unique_ptr<LogStore> store_;
  fund::StoreStateReader state_;
  NoteSigner signer_;
  NoteVerifier verifier_;
  const std::string origin_;
  RateLimiter limiter_;
  ServerMetrics* const metrics_;  // Not owned; may be null.
  mutable absl::Mutex cosigned_mu_;
  std::shared_ptr<const SignedCheckpoint> cosigned_
      ABSL_GUARDED_BY(cosigned_mu_);
  std::string cosigned_file_;  // Empty: kept in memory only.
  std::atomic<bool> publish_witnessed_{false};
  std::unique_ptr<PublishedCheckpointFile> published_;
  std::unique_ptr<Sequencer> sequencer_;  // Last: stops before the rest goes.
};

}  // namespace uuro::server

#endif  // SERVICES_LEDGER_NODE_H_
