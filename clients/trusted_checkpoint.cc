#include "clients/trusted_checkpoint.h"

#include "absl/strings/str_cat.h"
#include "clients/log_fetch.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {
namespace {

// A checkpoint opened with the pinned key, as an error that says which one.
absl::StatusOr<Checkpoint> OpenNamed(std::string_view note,
                                     const NoteVerifier& log_key,
                                     std::string_view what) {
  auto cp = OpenCheckpoint(note, log_key, log_key.name());
  if (!cp.ok()) {
    return absl::Status(
        cp.status().code(),
        absl::StrCat(std::string(what), " does not verify with the log key ",
                     FormatVerifierKey(log_key), ": ", cp.status().message()));
  }
  return cp;
}

absl::Status Forked(const Checkpoint& old_cp, const Checkpoint& new_cp,
                    std::string_view why) {
  return absl::DataLossError(
      absl::StrCat("the server's checkpoint of ", new_cp.size,
                   " entries is not consistent with the checkpoint of ",
                   old_cp.size, " entries verified before (", std::string(why),
                   "): the log was rolled back or forked"));
}

}  // namespace

absl::Status AdvanceTrustedCheckpoint(LedgerClient& client,
                                      const CheckpointStore& store,
                                      const NoteVerifier& log_key,
                                      std::string_view new_note,
                                      std::optional<Checkpoint>* previous) {
  const std::string& origin = log_key.name();
  if (previous != nullptr) previous->reset();
  UURO_ASSIGN_OR_RETURN(
      Checkpoint new_cp,
      OpenNamed(new_note, log_key, "the server's checkpoint"));
  UURO_ASSIGN_OR_RETURN(std::optional<std::string> stored, store.Load(origin));
  if (!stored) return store.Save(origin, new_note);

  auto old_cp =
      OpenNamed(*stored, log_key,
                absl::StrCat("the checkpoint kept in ", store.PathFor(origin)));
  if (!old_cp.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        old_cp.status().message(),
        "; if the log key was replaced on purpose, remove that file"));
  }
  if (previous != nullptr) *previous = *old_cp;

  if (new_cp.size < old_cp->size) {
    return Forked(*old_cp, new_cp, "it has fewer entries");
  }
  if (new_cp.size == old_cp->size) {
    if (new_cp.root != old_cp->root) {
      return Forked(*old_cp, new_cp, "same size, different root");
    }
  } else if (old_cp->size > 0) {
    // An empty tree is a prefix of every tree; nothing to prove for it.
    auto proof = FetchConsistencyProof(client, old_cp->size, new_cp.size);
    if (!proof.ok()) {
      return absl::Status(proof.status().code(),
                          absl::StrCat("cannot get the consistency proof from ",
                                       old_cp->size, " to ", new_cp.size,
                                       " entries: ", proof.status().message()));
    }
    absl::Status consistent = VerifyConsistency(
        old_cp->size, new_cp.size, *proof, old_cp->root, new_cp.root);
    if (!consistent.ok()) {
      return Forked(*old_cp, new_cp,
                    absl::StrCat("the server's consistency proof does not "
                                 "verify: ",
                                 consistent.message()));
    }
  }
  // Same tree or a proven extension: keep the newer note (it may also carry
  // more cosignatures).
  return store.Save(origin, new_note);
}

}  // namespace uuro::client
