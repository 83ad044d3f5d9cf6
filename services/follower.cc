#include "services/follower.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::server {
namespace {

namespace fs = std::filesystem;

// The checkpoint stored with a copy, if it verifies and commits to the
// stored tree; null otherwise (a copy that never finished a sync).
std::shared_ptr<const SignedCheckpoint> StoredCheckpoint(
    const LogStore& store, const NoteVerifier& key) {
  auto cp = OpenCheckpoint(store.checkpoint(), key, key.name());
  if (!cp.ok() || cp->size > store.size()) return nullptr;
  auto root = RootAt(store, cp->size);
  if (!root.ok() || *root != cp->root) return nullptr;
  return std::make_shared<const SignedCheckpoint>(
      SignedCheckpoint{store.checkpoint(), cp->size, cp->root});
}

}  // namespace

absl::StatusOr<std::unique_ptr<Follower>> Follower::Open(
    const DataDir& dir, Options options, const SyncProgress& progress) {
  std::error_code ec;
  if (fs::exists(dir.log_key(), ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir.root,
                     " holds a log signing key: it is a primary's data folder; "
                     "a follower needs a folder of its own"));
  }
  UURO_ASSIGN_OR_RETURN(NoteVerifier key, ParseVerifierKey(options.vkey));
  UURO_ASSIGN_OR_RETURN(auto reader,
                        client::TileLogReader::Create(options.url, key));
  UURO_ASSIGN_OR_RETURN(std::unique_ptr<LogStore> store,
                        OpenOrCreateCopy(dir, options.vkey));
  std::unique_ptr<Follower> follower(
      new Follower(std::move(store), std::move(reader), std::move(options)));
  absl::Status first = follower->Poll(progress);
  if (absl::IsDataLoss(first)) return first;
  if (!first.ok() && follower->checkpoint() == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "the copy is empty and the mirror cannot be read: ", first.message()));
  }
  return follower;
}

Follower::Follower(std::unique_ptr<LogStore> store,
                   std::unique_ptr<client::TileLogReader> reader,
                   Options options)
    : store_(std::move(store)),
      state_(*store_),
      reader_(std::move(reader)),
      options_(std::move(options)),
      origin_(reader_->log_key().name()) {
  absl::MutexLock lock(&mu_);
  checkpoint_ = StoredCheckpoint(*store_, reader_->log_key());
}

Follower::~Follower() { Stop(); }

std::shared_ptr<const SignedCheckpoint> Follower::checkpoint() const {
  absl::MutexLock lock(&mu_);
  return checkpoint_;
}

std::shared_ptr<const SignedCheckpoint> Follower::cosigned_checkpoint() const {
  std::shared_ptr<const SignedCheckpoint> cp = checkpoint();
  if (cp == nullptr) return nullptr;
  // Cosigned if the mirror published it with more than the log's signature.
  auto note = OpenNote(cp->note, {reader_->log_key()});
  return note.ok() && !note->unverified.empty() ? cp : nullptr;
}

absl::Status Follower::stopped_because() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

absl::Status Follower::Poll(const SyncProgress& progress) {
  UURO_ASSIGN_OR_RETURN(client::VerifiedCheckpoint cp,
                        reader_->FetchCheckpoint());
  std::shared_ptr<const SignedCheckpoint> held = checkpoint();
  if (held != nullptr && cp.note == held->note) return absl::OkStatus();
  if (held != nullptr && cp.checkpoint.size < held->size) {
    return absl::DataLossError(absl::StrCat(
        options_.url, " now shows a checkpoint of ", cp.checkpoint.size,
        " entries, older than the verified one of ", held->size,
        ": the log was rolled back. Checkpoint seen:\n", cp.note,
        "Checkpoint held:\n", held->note));
  }
  absl::Status synced = SyncToCheckpoint(*reader_, *store_, cp,
                                         options_.commit_entries, progress);
  if (absl::IsDataLoss(synced) && held != nullptr) {
    return absl::DataLossError(absl::StrCat(synced.message(),
                                            "\nCheckpoint seen:\n", cp.note,
                                            "Checkpoint held:\n", held->note));
  }
  UURO_RETURN_IF_ERROR(synced);
  auto adopted = std::make_shared<const SignedCheckpoint>(
      SignedCheckpoint{cp.note, cp.checkpoint.size, cp.checkpoint.root});
  {
    absl::MutexLock lock(&mu_);
    checkpoint_ = adopted;
  }
  if (options_.on_advance) options_.on_advance(*adopted);
  return absl::OkStatus();
}

void Follower::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
}

void Follower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Follower::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                           absl::FromChrono(options_.poll));
      if (stopping_) return;
    }
    absl::Status polled = Poll(nullptr);
    if (absl::IsDataLoss(polled)) {
      {
        absl::MutexLock lock(&mu_);
        stopped_ = polled;
      }
      if (options_.on_stop) options_.on_stop(polled);
      return;
    }
    // Anything else (the mirror down, a bad signature) may pass: keep the
    // verified state and try again at the next poll.
  }
}

absl::Status RefusingWriter::Refusal() const {
  return absl::FailedPreconditionError(absl::StrCat(
      "this uurod is a read-only follower; send writes to the primary at ",
      primary_));
}

absl::StatusOr<v1::Receipt> RefusingWriter::Submit(ByteView) {
  return Refusal();
}

std::vector<absl::StatusOr<v1::Receipt>> RefusingWriter::SubmitMany(
    const std::vector<ByteView>& envelopes) {
  return std::vector<absl::StatusOr<v1::Receipt>>(envelopes.size(), Refusal());
}

}  // namespace uuro::server
