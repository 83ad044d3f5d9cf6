// A council witness: C2SP tlog-witness add-checkpoint
// (https://c2sp.org/tlog-witness). It cosigns a log's checkpoint only if the
// log signed it and it is consistent with the last checkpoint this witness
// cosigned for that log, so that the operator cannot show two histories to
// two audiences that both trust the council's cosignatures.
//
// Its whole state is the last cosigned checkpoint of each log, one file per
// origin in its state folder (see CheckpointStore), replaced atomically
// before the answer goes out. Refused requests that prove the log
// misbehaved (a fork, a bad proof for a signed checkpoint) are kept in
// <state>/evidence/.
#ifndef CLIENTS_WITNESS_H_
#define CLIENTS_WITNESS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "clients/checkpoint_store.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/note.h"

namespace uuro::client {

struct WitnessResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class Witness {
 public:
  // `logs`: the verifier keys of the logs it witnesses; each key's name is
  // its log's origin (as uurod names its key). Takes an exclusive lock on
  // `state_dir` (creating it, mode 0700), so that two witness processes can
  // never share one state: FAILED_PRECONDITION if another holds it.
  static absl::StatusOr<std::unique_ptr<Witness>> Open(
      Cosigner cosigner, std::vector<NoteVerifier> logs,
      const std::string& state_dir);
  ~Witness();

  // Handles the body of POST /add-checkpoint. Status codes as the
  // specification sets them: 200 with the cosignature line; 400 malformed or
  // an old size beyond the checkpoint; 403 no trusted signature; 404 unknown
  // origin; 409 (text/x.tlog.size, "<size>\n") when the old size is not the
  // last cosigned size, or the same size with another root; 422 a
  // consistency proof that does not verify; 500 if the state cannot be
  // read or saved (nothing is cosigned then).
  WitnessResponse AddCheckpoint(std::string_view body);

  const Cosigner& cosigner() const { return cosigner_; }

  // The clock for timestamps, in POSIX seconds; tests may fix it.
  void set_clock(std::function<uint64_t()> clock) { clock_ = std::move(clock); }

 private:
  Witness(Cosigner cosigner, std::vector<NoteVerifier> logs,
          std::string state_dir, int lock_fd);
  void KeepEvidence(std::string_view why, std::string_view body);

  const Cosigner cosigner_;
  const std::vector<NoteVerifier> logs_;
  const std::string state_dir_;
  const int lock_fd_;
  std::function<uint64_t()> clock_;
  // Held from reading the stored size to saving the new checkpoint, so two
  // requests can never both pass the check against the same old size.
  absl::Mutex mu_;
  CheckpointStore store_ ABSL_GUARDED_BY(mu_);
};

}  // namespace uuro::client

#endif  // CLIENTS_WITNESS_H_
