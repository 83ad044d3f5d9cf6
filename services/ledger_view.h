// What the read services (Ledger reads, Transparency, Audit, the tiles over
// HTTP) need of a ledger, and what the Ledger service needs to write. The
// primary (LedgerNode) provides both; a read follower (services/follower.h)
// provides the view over its verified copy, and a writer that refuses.
#ifndef SERVICES_LEDGER_VIEW_H_
#define SERVICES_LEDGER_VIEW_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "ledger/tlog/log_store.h"
#include "ledger/tlog/note.h"
#include "services/sequencer.h"
#include "uuro/v1/ledger.pb.h"

namespace uuro::server {

// Thread-safe: every method may be called from any request thread.
class LedgerView {
 public:
  virtual ~LedgerView() = default;

  // The committed log and the fund state. Reads must stay within
  // checkpoint()->size: the store may already hold more.
  virtual const LogStore& store() const = 0;
  virtual const fund::StateReader& state() const = 0;
  // The latest checkpoint, by the log key alone; never null.
  virtual std::shared_ptr<const SignedCheckpoint> checkpoint() const = 0;
  // The latest checkpoint with witness cosignatures if it has them.
  virtual std::shared_ptr<const SignedCheckpoint> latest_checkpoint() const = 0;
  // The newest checkpoint witnesses cosigned; null if none.
  virtual std::shared_ptr<const SignedCheckpoint> cosigned_checkpoint()
      const = 0;
  // The checkpoint served at /checkpoint.
  virtual std::shared_ptr<const SignedCheckpoint> published_checkpoint()
      const = 0;
  virtual const NoteVerifier& verifier() const = 0;
  virtual const std::string& origin() const = 0;
};

class LedgerWriter {
 public:
  virtual ~LedgerWriter() = default;
  using ReceiptCallback = std::function<void(absl::StatusOr<v1::Receipt>)>;

  // Each returns once the entry is durable (or refused), with its receipt.
  virtual absl::StatusOr<v1::Receipt> Submit(ByteView envelope) = 0;
  // Submit without holding the calling thread while the entry waits for its
  // commit: `done` gets the answer, on whichever thread has it. `envelope`
  // need only live until this returns.
  virtual void SubmitAsync(ByteView envelope, ReceiptCallback done) {
    done(Submit(envelope));
  }
  virtual std::vector<absl::StatusOr<v1::Receipt>> SubmitMany(
      const std::vector<ByteView>& envelopes) = 0;
};

}  // namespace uuro::server

#endif  // SERVICES_LEDGER_VIEW_H_
