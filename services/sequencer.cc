#include "services/sequencer.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/fund/queries.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::server {
absl::StatusOr<SignedCheckpoint> ParseOwnCheckpoint(const std::string& note) {
  size_t split = note.find("\n\n");
  if (split == std::string::npos) {
    return absl::DataLossError("the stored checkpoint is not a signed note");
  }
  UURO_ASSIGN_OR_RETURN(
      Checkpoint cp,
      ParseCheckpoint(std::string_view(note).substr(0, split + 1)));
  return SignedCheckpoint{note, cp.size, cp.root};
}

Sequencer::Sequencer(LogStore& store, const NoteSigner& signer,
                     std::string origin, Options options)
    : store_(store),
      signer_(signer),
      origin_(std::move(origin)),
      options_(options),
      committed_(store, options.cached_records) {
  auto stored = ParseOwnCheckpoint(store_.checkpoint());
  checkpoint_ = std::make_shared<const SignedCheckpoint>(
      stored.ok() ? *stored
                  : SignedCheckpoint{"", store_.size(), store_.root()});
  fund::StoreStateReader state(store_);
  uint64_t last_time_ms = 0;
  if (auto fund = fund::ReadFund(state); fund.ok()) {
    last_time_ms = fund->last_time_ms();
  }
  clock_ = std::make_unique<SequencingClock>(options.clock, last_time_ms,
                                             options.metrics);
  thread_ = std::thread([this] { Run(); });
}

Sequencer::~Sequencer() { Stop(); }

std::future<Sequencer::Answer> Sequencer::Enqueue(fund::VerifiedTx tx) {
  auto promise = std::make_shared<std::promise<Answer>>();
  auto future = promise->get_future();
  Enqueue(std::move(tx),
          [promise](Answer answer) { promise->set_value(std::move(answer)); });
  return future;
}

void Sequencer::Enqueue(fund::VerifiedTx tx, Done done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("the ledger is shutting down");
    } else if (queue_.size() >= options_.max_queue) {
      refused = absl::ResourceExhaustedError(
          "the ledger is overloaded; retry with backoff");
    } else {
      queue_.push_back(Pending{std::move(tx), std::move(done),
                               std::chrono::steady_clock::now()});
      return;
    }
  }
  done(std::move(refused));  // Outside the lock: it may take a while.
}

void Sequencer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const SignedCheckpoint> Sequencer::checkpoint() const {
  absl::MutexLock lock(&mu_);
  return checkpoint_;
}

void Sequencer::set_commit_listener(CommitListener listener) {
  absl::MutexLock lock(&mu_);
  listener_ = std::move(listener);
}

void Sequencer::Run() {
  while (true) {
    std::deque<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Sequencer* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
            return s->stopping_ || !s->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // Stopping, and nothing left to do.
      if (options_.commit_delay.count() > 0) {
        // Waits only what the first transaction has not waited already:
        // under load the queue fills during a commit and nothing waits.
        const auto due = queue_.front().queued + options_.commit_delay;
        mu_.AwaitWithTimeout(
            absl::Condition(
                +[](Sequencer* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
                  return s->stopping_ ||
                         s->queue_.size() >= s->options_.max_batch;
                },
                this),
            absl::FromChrono(due - std::chrono::steady_clock::now()));
      }
      size_t n = std::min(queue_.size(), options_.max_batch);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ProcessBatch(batch);
  }
}

absl::Status Sequencer::CommitSigned(
    const AppendBatch& batch,
    std::shared_ptr<const SignedCheckpoint>& signed_checkpoint) {
  return store_.Append(
      batch,
      [&](uint64_t size, const Hash& root) -> absl::StatusOr<std::string> {
        UURO_ASSIGN_OR_RETURN(
            std::string note,
            SignCheckpoint({origin_, size, root, {}}, signer_));
        signed_checkpoint = std::make_shared<const SignedCheckpoint>(
            SignedCheckpoint{note, size, root});
        return note;
      });
}

bool Sequencer::Publish(std::shared_ptr<const SignedCheckpoint> checkpoint) {
  if (options_.record_checkpoint) {
    if (!options_.record_checkpoint(*checkpoint).ok()) {
      unrecorded_ = std::move(checkpoint);
      return false;
    }
  }
  unrecorded_ = nullptr;
  CommitListener listener;
  {
    absl::MutexLock lock(&mu_);
    checkpoint_ = checkpoint;
    listener = listener_;
  }
  if (listener) listener(*checkpoint);
  return true;
}

absl::Status Sequencer::RecoverFromFailedCommit() {
  UURO_RETURN_IF_ERROR(store_.Recover());
  const FailedCommit& failed = *failed_;
  const uint64_t size = store_.size();
  if (size == failed.first_index) {
    failed_.reset();
    return absl::OkStatus();
  }
  if (failed.checkpoint == nullptr ||
      size != failed.first_index + failed.batch.entries.size() ||
      store_.root() != failed.checkpoint->root) {
    // Kept: every later batch is refused too, until a restart, whose fork
    // guard judges the store.
    return absl::DataLossError(
        absl::StrCat("the store reopened at ", size,
                     " entries; the failed commit spanned ", failed.first_index,
                     " to ", failed.first_index + failed.batch.entries.size()));
  }
  // The write reached the disk before it failed: it is committed, with the
  // checkpoint signed over it. Its senders were told to retry, and a retry
  // gets its receipt.
  committed_.Committed(failed.batch.state);
  clock_->Restore(failed.last_time_ms);
  std::shared_ptr<const SignedCheckpoint> checkpoint = failed.checkpoint;
  failed_.reset();
  Publish(std::move(checkpoint));
  return absl::OkStatus();
}

void Sequencer::ProcessBatch(std::deque<Pending>& batch) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point began = Clock::now();
  Clock::time_point append_began = began;
  // A commit whose checkpoint could not be recorded: try again before
  // answering anything that may rest on it (a duplicate's receipt).
  if (unrecorded_ != nullptr) Publish(unrecorded_);
  if (failed_) {
    absl::Status recovered = RecoverFromFailedCommit();
    if (!recovered.ok()) {
      for (Pending& p : batch) {
        p.done(absl::UnavailableError(
            absl::StrCat("the ledger could not commit; nothing was recorded: ",
                         recovered.message())));
      }
      return;
    }
  }
  const uint64_t first_new = store_.size();
  fund::BatchApplier applier(committed_, first_new);
  std::vector<absl::StatusOr<fund::ApplyResult>> results;
  results.reserve(batch.size());
  const uint64_t saved_time = clock_->last_time_ms();
  for (Pending& p : batch) {
    absl::StatusOr<uint64_t> time = clock_->Next();
    results.push_back(time.ok() ? applier.Apply(p.tx, *time) : time.status());
  }
  absl::Status commit = absl::OkStatus();
  std::shared_ptr<const SignedCheckpoint> signed_checkpoint;
  const size_t new_entries = applier.next_index() - first_new;
  AppendBatch appended;
  if (applier.next_index() > first_new) {
    append_began = Clock::now();
    appended = applier.TakeBatch();
    commit = CommitSigned(appended, signed_checkpoint);
  }
  if (!commit.ok()) {
    // Nothing of this batch is durable. Every answer but a duplicate of an
    // entry committed before fails: refusals too, since one may rest on a
    // transaction of this batch that was never recorded (a nonce it used, a
    // balance it spent). Retrying gets the true answer.
    failed_ = FailedCommit{first_new, std::move(appended),
                           clock_->last_time_ms(), signed_checkpoint};
    clock_->Restore(saved_time);
    absl::Status failed = absl::UnavailableError(
        absl::StrCat("the ledger could not commit; nothing was recorded: ",
                     commit.message()));
    for (auto& result : results) {
      if (!result.ok() || result->index >= first_new) result = failed;
    }
  } else if (options_.metrics != nullptr) {
    const Clock::time_point end = Clock::now();
    options_.metrics->ObserveBatch(
        batch.size(), new_entries,
        std::chrono::duration<double>(end - began).count(),
        std::chrono::duration<double>(end - append_began).count());
  }
  if (commit.ok() && signed_checkpoint) {
    committed_.Committed(appended.state);  // The store has it, whatever next.
    if (!Publish(signed_checkpoint)) {
      // Durable in the store, but its checkpoint must not be handed out
      // before it is recorded: the answers fail, and a retry of the same
      // envelope gets its receipt once recording works again.
      absl::Status unrecorded = absl::UnavailableError(
          "the ledger committed this batch but could not record its "
          "checkpoint; retry the same transaction for its receipt");
      for (auto& result : results) result = unrecorded;
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].done(std::move(results[i]));
  }
}

}  // namespace uuro::server
