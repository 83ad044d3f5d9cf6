#include "services/transparency_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/tlog/merkle.h"
#include "services/grpc_status.h"
#include "services/limits.h"

namespace uuro::server {
namespace {

void SetHashes(const std::vector<Hash>& hashes, v1::ProofResponse* response) {
  for (const Hash& h : hashes) response->add_hashes(std::string(AsString(h)));
}

}  // namespace

absl::StatusOr<uint64_t> TransparencyService::TreeSize(uint64_t asked) const {
  uint64_t latest = node_.checkpoint()->size;
  if (asked == 0) return latest;
  if (asked > latest) {
    return absl::OutOfRangeError(absl::StrCat(
        "tree size ", asked, " is beyond the latest checkpoint, ", latest));
  }
  return asked;
}

grpc::Status TransparencyService::GetCheckpoint(
    grpc::ServerContext*, const v1::GetCheckpointRequest* request,
    v1::CheckpointResponse* response) {
  auto cp = node_.latest_checkpoint();
  if (request->cosigned()) {
    cp = node_.cosigned_checkpoint();
    if (cp == nullptr) {
      return ToGrpcStatus(absl::UnavailableError(
          "no witness has cosigned a checkpoint of this log yet (uurod needs "
          "--witness, and a witness that answers)"));
    }
  }
  response->set_checkpoint(cp->note);
  response->set_tree_size(cp->size);
  response->set_log_verifier_key(FormatVerifierKey(node_.verifier()));
  return grpc::Status::OK;
}

grpc::Status TransparencyService::GetInclusionProof(
    grpc::ServerContext*, const v1::GetInclusionProofRequest* request,
    v1::ProofResponse* response) {
  auto size = TreeSize(request->tree_size());
  if (!size.ok()) return ToGrpcStatus(size.status());
  if (request->index() >= *size) {
    return ToGrpcStatus(absl::OutOfRangeError(absl::StrCat(
        "entry ", request->index(), " is not in a tree of ", *size)));
  }
  auto proof = InclusionProof(node_.store(), request->index(), *size);
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  SetHashes(*proof, response);
  response->set_tree_size(*size);
  return grpc::Status::OK;
}

grpc::Status TransparencyService::GetConsistencyProof(
    grpc::ServerContext*, const v1::GetConsistencyProofRequest* request,
    v1::ProofResponse* response) {
  auto size = TreeSize(request->new_size());
  if (!size.ok()) return ToGrpcStatus(size.status());
  if (request->old_size() == 0 || request->old_size() > *size) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "the old size must be 1 to ", *size, ", not ", request->old_size())));
  }
  auto proof = ConsistencyProof(node_.store(), request->old_size(), *size);
  if (!proof.ok()) return ToGrpcStatus(proof.status());
  SetHashes(*proof, response);
  response->set_tree_size(*size);
  return grpc::Status::OK;
}

grpc::Status TransparencyService::GetEntries(
    grpc::ServerContext*, const v1::GetEntriesRequest* request,
    v1::GetEntriesResponse* response) {
  uint64_t size = node_.checkpoint()->size;
  uint64_t start = request->start();
  if (request->end() < start) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("the end must not be before the start"));
  }
  if (start >= size) {
    return ToGrpcStatus(
        absl::OutOfRangeError(absl::StrCat("the log has ", size, " entries")));
  }
  uint64_t end = std::min({request->end(), size, start + kMaxEntriesPerCall});
  auto entries = node_.store().ReadEntries(start, end);
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  for (const Bytes& e : *entries)
    response->add_entries(std::string(AsString(e)));
  return grpc::Status::OK;
}

}  // namespace uuro::server
