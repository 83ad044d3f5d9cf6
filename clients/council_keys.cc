#include "clients/council_keys.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "clients/log_fetch.h"
#include "ledger/fund/transaction.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"
#include "uuro/v1/transaction.pb.h"
#include "uuro/v1/transparency.grpc.pb.h"

namespace uuro::client {

absl::StatusOr<std::vector<PublicKey>> CouncilKeysOfGenesis(
    ByteView entry, const NoteVerifier& log_key) {
  v1::LogEntry log_entry;
  if (!log_entry.ParseFromArray(entry.data(), static_cast<int>(entry.size()))) {
    return absl::DataLossError("entry 0 is not a log entry");
  }
  UURO_ASSIGN_OR_RETURN(fund::VerifiedTx tx,
                        fund::DecodeEnvelope(AsBytes(log_entry.envelope())));
  if (!tx.body.has_genesis() || tx.signer != log_key.key()) {
    return absl::DataLossError(
        "entry 0 is not a genesis signed by the pinned log key");
  }
  std::vector<PublicKey> keys;
  for (const std::string& k : tx.body.genesis().council_keys()) {
    if (k.size() != kPublicKeySize) {
      return absl::DataLossError("genesis names a malformed council key");
    }
    PublicKey key;
    std::copy(k.begin(), k.end(), key.begin());
    keys.push_back(key);
  }
  return keys;
}

absl::StatusOr<std::vector<PublicKey>> FetchCouncilKeys(
    LedgerClient& client, const Checkpoint& cp, const NoteVerifier& log_key) {
  if (cp.size == 0) return absl::DataLossError("the log is empty");
  UURO_ASSIGN_OR_RETURN(std::vector<std::string> entries,
                        FetchEntries(client, 0, 1));
  UURO_ASSIGN_OR_RETURN(std::vector<Hash> hashes,
                        FetchInclusionProof(client, 0, cp.size));
  const std::string& entry = entries[0];
  absl::Status included =
      VerifyInclusion(HashLeaf(AsBytes(entry)), 0, cp.size, hashes, cp.root);
  if (!included.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the server's entry 0 is not the one the checkpoint commits to: ",
        included.message()));
  }
  return CouncilKeysOfGenesis(AsBytes(entry), log_key);
}

absl::StatusOr<std::vector<Cosignature>> RequireCosignatures(
    std::string_view note, const NoteVerifier& log_key,
    const std::vector<PublicKey>& council, size_t required) {
  UURO_ASSIGN_OR_RETURN(Note opened, OpenNote(note, {log_key}));
  std::vector<Cosignature> valid =
      VerifyCosignatures(opened.text, opened.unverified, council,
                         CosignatureClock{WallClockMs() / 1000});
  if (valid.size() < required) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the checkpoint carries ", valid.size(), " valid council cosignature",
        valid.size() == 1 ? "" : "s", "; ", required,
        " required (the council "
        "names ",
        council.size(), " key", council.size() == 1 ? "" : "s", ")"));
  }
  return valid;
}

}  // namespace uuro::client
