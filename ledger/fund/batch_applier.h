// The fund rules applied in log order: the sequencer's one state machine.
#ifndef LEDGER_FUND_BATCH_APPLIER_H_
#define LEDGER_FUND_BATCH_APPLIER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ledger/fund/state_view.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/log_store.h"

namespace uuro::fund {

struct ApplyResult {
  uint64_t index =
      0;  // The entry's log index (the first one's, if a duplicate).
  bool duplicate = false;  // An identical resubmission: nothing new to log.
};

// A stored entry, decoded, canonically encoded and with its signature
// checked. Needs no state, so a replay decodes many at once on every core and
// then applies them in order.
struct DecodedEntry {
  uint64_t index = 0;
  uint64_t time_ms = 0;
  VerifiedTx tx;
};

// Decodes `entry` as the sequencer encodes it and verifies its envelope.
// INVALID_ARGUMENT or UNAUTHENTICATED for an entry no sequencer could have
// written.
absl::StatusOr<DecodedEntry> DecodeEntry(ByteView entry);

// Applies transactions one after another on top of the committed state and
// collects the entries and state changes for one LogStore::Append. Not
// thread-safe: only the sequencer (or a replay) drives one. `committed` must
// be the state of a store of `next_index` entries and not change meanwhile.
class BatchApplier {
 public:
  BatchApplier(const StateReader& committed, uint64_t next_index);
  BatchApplier(const BatchApplier&) = delete;
  BatchApplier& operator=(const BatchApplier&) = delete;

  // Applies `tx` as the entry at next_index() with time `time_ms`, which must
  // not be earlier than the previous entry's. A refusal returns the status of
  // docs/fund-rules.md and changes nothing.
  absl::StatusOr<ApplyResult> Apply(const VerifiedTx& tx, uint64_t time_ms);

  // Replays a stored entry: decodes it, checks its index and that it is
  // encoded as the sequencer encodes it, then applies it. Any refusal means
  // the log is not one the rules produced.
  absl::Status ApplyEntry(ByteView entry);
  // The same for an entry already decoded with DecodeEntry.
  absl::Status ApplyEntry(const DecodedEntry& entry);

  uint64_t next_index() const { return next_index_; }
  // The state as staged so far, for reads between applies.
  const StateReader& state() const { return batch_; }

  // The entries accepted since construction or the last call, and the state
  // they changed. Commit it before applying more.
  AppendBatch TakeBatch();

 private:
  StateOverlay batch_;
  uint64_t next_index_;
  std::vector<Bytes> entries_;
};

}  // namespace uuro::fund

#endif  // LEDGER_FUND_BATCH_APPLIER_H_
