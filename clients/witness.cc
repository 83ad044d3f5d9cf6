#include "clients/witness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/wall_clock.h"
#include "ledger/tlog/witness_protocol.h"

namespace uuro::client {
namespace {

WitnessResponse Answer(int status, const std::string& message) {
  WitnessResponse r;
  r.status = status;
  r.body = message + "\n";
  return r;
}

WitnessResponse Answer(int status, const absl::Status& why) {
  return Answer(status, std::string(why.message()));
}

WitnessResponse Conflict(uint64_t size) {
  WitnessResponse r;
  r.status = 409;
  r.content_type = kTlogSizeContentType;
  r.body = absl::StrCat(size, "\n");
  return r;
}

// The checkpoint last cosigned for `origin`, nullopt before the first.
// INTERNAL (answered as 500) if it cannot be read or no longer verifies.
absl::StatusOr<std::optional<Checkpoint>> LoadLast(
    const CheckpointStore& store, const std::string& origin,
    const std::vector<NoteVerifier>& trusted) {
  absl::StatusOr<std::optional<std::string>> stored = store.Load(origin);
  if (!stored.ok()) return absl::InternalError("cannot read the witness state");
  if (!stored->has_value()) return std::nullopt;
  absl::StatusOr<Note> last_note = OpenNote(**stored, trusted);
  absl::StatusOr<Checkpoint> parsed =
      last_note.ok() ? ParseCheckpoint(last_note->text)
                     : absl::StatusOr<Checkpoint>(last_note.status());
  if (!parsed.ok()) {
    return absl::InternalError(
        "the stored checkpoint of this log no longer verifies with its key");
  }
  return std::optional<Checkpoint>(*parsed);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Witness>> Witness::Open(
    Cosigner cosigner, std::vector<NoteVerifier> logs,
    const std::string& state_dir) {
  if (logs.empty()) {
    return absl::InvalidArgumentError("a witness needs at least one log key");
  }
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the witness state folder ", state_dir, ": ",
                     ec.message()));
  }
  ::chmod(state_dir.c_str(), 0700);
  std::string lock_path = state_dir + "/LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", lock_path));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("another witness is using the state folder ", state_dir));
  }
  return std::unique_ptr<Witness>(
      new Witness(std::move(cosigner), std::move(logs), state_dir, fd));
}

Witness::Witness(Cosigner cosigner, std::vector<NoteVerifier> logs,
                 std::string state_dir, int lock_fd)
    : cosigner_(std::move(cosigner)),
      logs_(std::move(logs)),
      state_dir_(std::move(state_dir)),
      lock_fd_(lock_fd),
      clock_([] { return WallClockMs() / 1000; }),
      store_(state_dir_ + "/checkpoints") {}

Witness::~Witness() { ::close(lock_fd_); }

WitnessResponse Witness::AddCheckpoint(std::string_view body) {
  absl::StatusOr<AddCheckpointRequest> request = ParseAddCheckpoint(body);
  if (!request.ok()) return Answer(400, request.status());
  std::string_view note = request->note;
  std::string origin(note.substr(0, note.find('\n')));
  std::vector<NoteVerifier> trusted;
  for (const NoteVerifier& log : logs_) {
    if (log.name() == origin) trusted.push_back(log);
  }
  if (trusted.empty()) {
    return Answer(404, absl::StrCat("this witness does not witness the log \"",
                                    origin, "\""));
  }
  absl::StatusOr<Note> opened = OpenNote(note, trusted);
  if (!opened.ok()) {
    if (absl::IsUnauthenticated(opened.status())) {
      return Answer(403,
                    "the checkpoint carries no valid signature of the log");
    }
    return Answer(400, opened.status());
  }
  absl::StatusOr<Checkpoint> cp = ParseCheckpoint(opened->text);
  if (!cp.ok()) return Answer(400, cp.status());
  if (request->old_size > cp->size) {
    return Answer(400,
                  absl::StrCat("the old size ", request->old_size,
                               " is beyond the checkpoint's size ", cp->size));
  }

  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<Checkpoint>> loaded =
      LoadLast(store_, origin, trusted);
  if (!loaded.ok()) return Answer(500, loaded.status());
  const std::optional<Checkpoint>& last = *loaded;
  uint64_t last_size = last ? last->size : 0;
  if (request->old_size != last_size) return Conflict(last_size);
  if (last && cp->size == last->size) {
    if (cp->root != last->root || !request->proof.empty()) {
      KeepEvidence("same size, another root", body);
      return Conflict(last_size);
    }
  } else if (last) {
    absl::Status consistent = VerifyConsistency(
        last->size, cp->size, request->proof, last->root, cp->root);
    if (!consistent.ok()) {
      KeepEvidence("consistency proof does not verify", body);
      return Answer(422, absl::StrCat("the consistency proof from ", last->size,
                                      " to ", cp->size, " does not verify"));
    }
  } else if (!request->proof.empty()) {
    return Answer(422, "the proof must be empty when the old size is 0");
  }
  // Only a checkpoint at least as large replaces the stored one, and it is
  // on disk before anyone sees the cosignature.
  absl::Status saved = store_.Save(origin, note);
  if (!saved.ok()) return Answer(500, "cannot save the witness state");
  WitnessResponse ok;
  ok.body = cosigner_.CosignatureLine(opened->text, clock_());
  return ok;
}

void Witness::KeepEvidence(std::string_view why, std::string_view body) {
  std::string dir = state_dir_ + "/evidence";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path =
      absl::StrCat(dir, "/", WallClockMs(), "-", ::getpid(), ".txt");
  std::ofstream out(path, std::ios::binary);
  out << "# refused: " << why << "\n" << body;
}

}  // namespace uuro::client
