// Gets uurod's checkpoints cosigned by the council's witnesses (C2SP
// tlog-witness), off the write path: the sequencer only wakes this thread,
// which pushes the newest checkpoint to every witness at once, keeps the
// cosignatures that verify under a council key named in genesis, and hands
// the cosigned checkpoint to the node for readers. A witness that is down or
// slow delays only its own cosignature, never a write.
#ifndef SERVICES_WITNESS_PUSHER_H_
#define SERVICES_WITNESS_PUSHER_H_

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/tlog/keys.h"
#include "services/ledger_node.h"

namespace uuro::server {

class WitnessPusher {
 public:
  struct Options {
    // Per request; a witness slower than this misses the round.
    std::chrono::milliseconds timeout{5000};
    // Rounds start at most this often, however fast the log grows.
    std::chrono::milliseconds min_interval{100};
  };

  // `urls` are witness submission prefixes ("http://host:port[/path]");
  // "/add-checkpoint" is appended. `council` holds the keys whose
  // cosignatures count. InvalidArgument for a URL that cannot be used.
  // Starts its thread; `node` must outlive it.
  static absl::StatusOr<std::unique_ptr<WitnessPusher>> Start(
      LedgerNode& node, const std::vector<std::string>& urls,
      std::vector<PublicKey> council, Options options);
  ~WitnessPusher();  // Stop().

  // Wakes the pusher: there is a new checkpoint. Never blocks for long, so
  // the sequencer may call it after every commit.
  void Notify();
  void Stop();

 private:
  struct Peer;
  WitnessPusher(LedgerNode& node, std::vector<std::unique_ptr<Peer>> peers,
                std::vector<PublicKey> council, Options options);
  void Run();
  void Round(const SignedCheckpoint& cp);
  // The cosignature lines of `peer` on `cp` that verify, or none.
  std::string Push(Peer& peer, const SignedCheckpoint& cp);
  // Logs why `peer` did not cosign `cp` (as an error if `loud`, else once as
  // a warning) and backs off; returns no lines.
  std::string Failed(Peer& peer, const SignedCheckpoint& cp,
                     const std::string& why, bool loud);
  // The lines of `answer` that are cosignatures of `cp` by council keys.
  absl::StatusOr<std::string> CouncilLines(const SignedCheckpoint& cp,
                                           const std::string& answer) const;

  LedgerNode& node_;
  std::vector<std::unique_ptr<Peer>> peers_;
  const std::vector<PublicKey> council_;
  const Options options_;

  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = true;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// The council keys named in the genesis of the ledger `node` serves.
absl::StatusOr<std::vector<PublicKey>> CouncilKeys(const LedgerNode& node);

}  // namespace uuro::server

#endif  // SERVICES_WITNESS_PUSHER_H_
