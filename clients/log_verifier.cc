#include "clients/log_verifier.h"

#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/log_replica.h"
#include "clients/totals_diff.h"
#include "clients/trusted_checkpoint.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/totals.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {
namespace {

// How often the totals are compared again when the log grew meanwhile, so
// that a busy log still gets verified, and a verifier still ends.
constexpr int kMaxTotalsAttempts = 3;

// The log must be the one the pinned key started: a genesis naming another
// log key would mean that its checkpoints are signed by a stranger.
absl::Status CheckGenesis(const LogStore& replayed,
                          const NoteVerifier& log_key) {
  if (replayed.size() == 0) return absl::OkStatus();
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund,
                        fund::ReadFund(fund::StoreStateReader(replayed)));
  const std::string pinned = FormatVerifierKey(log_key);
  if (fund.log_verifier_key() != pinned) {
    return absl::DataLossError(
        absl::StrCat("entry 0: the genesis names the log key ",
                     fund.log_verifier_key(), ", not the pinned ", pinned));
  }
  return absl::OkStatus();
}

// Ids of every round in the replayed state, in order.
absl::StatusOr<std::vector<uint64_t>> RoundIds(const LogStore& replayed) {
  // Round keys are a fixed prefix followed by the 8-byte id.
  std::string prefix = fund::keys::Round(0);
  prefix.resize(prefix.size() - 8);
  std::vector<uint64_t> ids;
  UURO_RETURN_IF_ERROR(
      replayed.ScanState(prefix, [&](std::string_view key, ByteView) {
        ids.push_back(fund::keys::TrailingId(key));
        return true;
      }));
  return ids;
}

// The outcome of comparing one Audit answer, or of all of them.
enum class Totals { kEqual, kServerMovedOn };

// Compares `server` with `replayed` (both for `what`); DATA_LOSS names the
// first difference.
absl::StatusOr<Totals> CompareOne(const std::string& what,
                                  const google::protobuf::Message& server,
                                  uint64_t server_size,
                                  const google::protobuf::Message& replayed,
                                  uint64_t replayed_size) {
  if (server_size > replayed_size) return Totals::kServerMovedOn;
  if (server_size < replayed_size) {
    return absl::DataLossError(absl::StrCat(
        what, ": the server's totals reflect ", server_size,
        " entries, fewer than the ", replayed_size, " of its checkpoint"));
  }
  if (auto diff = FirstDifference(server, replayed, {"tree_size"})) {
    return absl::DataLossError(absl::StrCat(what, ": ", *diff));
  }
  return Totals::kEqual;
}

absl::StatusOr<Totals> CompareTotals(LedgerClient& client,
                                     const LogStore& replayed,
                                     uint64_t* rounds_compared) {
  fund::StoreStateReader state(replayed);
  UURO_ASSIGN_OR_RETURN(std::vector<uint64_t> rounds, RoundIds(replayed));
  *rounds_compared = 0;
  for (uint64_t id : rounds) {
    const std::string what = absl::StrCat("round ", id);
    UURO_ASSIGN_OR_RETURN(v1::RoundTotals ours,
                          fund::ReadRoundTotals(state, id));
    grpc::ClientContext context;
    v1::GetRoundTotalsRequest request;
    request.set_round_id(id);
    v1::RoundTotals theirs;
    absl::Status status =
        FromGrpc(client.audit().GetRoundTotals(&context, request, &theirs));
    if (absl::IsNotFound(status)) {
      return absl::DataLossError(absl::StrCat(
          what, ": the server has no totals for it (", status.message(), ")"));
    }
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("cannot get the totals of ", what, ": ",
                                       status.message()));
    }
    UURO_ASSIGN_OR_RETURN(
        Totals result,
        CompareOne(what, theirs, theirs.tree_size(), ours, ours.tree_size()));
    if (result == Totals::kServerMovedOn) return result;
    ++*rounds_compared;
  }
  if (replayed.size() == 0) return Totals::kEqual;
  UURO_ASSIGN_OR_RETURN(v1::FundTotals ours, fund::ReadFundTotals(state));
  grpc::ClientContext context;
  v1::FundTotals theirs;
  absl::Status status = FromGrpc(client.audit().GetFundTotals(
      &context, v1::GetFundTotalsRequest(), &theirs));
  if (!status.ok()) {
    return absl::Status(
        status.code(),
        absl::StrCat("cannot get the fund totals: ", status.message()));
  }
  return CompareOne("fund totals", theirs, theirs.tree_size(), ours,
                    ours.tree_size());
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyLog(LedgerClient& client,
                                       const VerifyOptions& options) {
  const NoteVerifier& log_key = options.log_key;
  const CheckpointStore checkpoints(
      options.state_dir.empty() ? DefaultStateDir() : options.state_dir);
  UURO_ASSIGN_OR_RETURN(
      std::unique_ptr<LogReplica> replica,
      LogReplica::Create(options.scratch_dir, options.commit_entries,
                         /*keep_entries=*/false));

  UURO_ASSIGN_OR_RETURN(SignedCheckpoint latest,
                        FetchCheckpoint(client, log_key, options.cosigned));
  UURO_RETURN_IF_ERROR(replica->CatchUp(client, latest.cp, options.progress));
  UURO_RETURN_IF_ERROR(CheckGenesis(replica->store(), log_key));

  // The server answers totals from its newest state; if the log grew since
  // the checkpoint, replay up to a newer one and compare again.
  uint64_t rounds_compared = 0;
  for (int attempt = 1;; ++attempt) {
    UURO_ASSIGN_OR_RETURN(Totals totals, CompareTotals(client, replica->store(),
                                                       &rounds_compared));
    if (totals == Totals::kEqual) break;
    if (attempt == kMaxTotalsAttempts) {
      return absl::UnavailableError(
          absl::StrCat("the log kept growing while its totals were compared (",
                       kMaxTotalsAttempts, " times); entries up to ",
                       replica->store().size(), " verified; try again"));
    }
    UURO_ASSIGN_OR_RETURN(SignedCheckpoint newer,
                          FetchCheckpoint(client, log_key, options.cosigned));
    if (newer.cp.size < latest.cp.size) {
      return absl::DataLossError(
          absl::StrCat("the server's checkpoint went back from ",
                       latest.cp.size, " to ", newer.cp.size,
                       " entries during the verification: the log was "
                       "rolled back or forked"));
    }
    // The replica extends the tree it already checked against `latest`, so
    // matching `newer`'s root also proves the two consistent.
    UURO_RETURN_IF_ERROR(replica->CatchUp(client, newer.cp, options.progress));
    latest = std::move(newer);
  }

  std::optional<Checkpoint> previous;
  UURO_RETURN_IF_ERROR(AdvanceTrustedCheckpoint(client, checkpoints, log_key,
                                                latest.note, &previous));
  VerifyReport report;
  report.origin = latest.cp.origin;
  report.checkpoint = latest.note;
  report.tree_size = latest.cp.size;
  report.root = latest.cp.root;
  report.entries_checked = replica->store().size();
  report.rounds_compared = rounds_compared;
  if (previous) report.previous_size = previous->size;
  return report;
}

}  // namespace uuro::client
