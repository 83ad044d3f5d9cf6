#include "clients/log_fetch.h"

#include <grpcpp/grpcpp.h>

#include <iterator>

#include "absl/strings/str_cat.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {

namespace {

absl::StatusOr<std::vector<Hash>> ProofHashes(const v1::ProofResponse& response,
                                              const std::string& what) {
  std::vector<Hash> proof;
  proof.reserve(response.hashes_size());
  for (const std::string& h : response.hashes()) {
    if (h.size() != kHashSize) {
      return absl::DataLossError(absl::StrCat(
          "the server's ", what, " holds a hash of ", h.size(), " bytes"));
    }
    Hash& hash = proof.emplace_back();
    std::copy(h.begin(), h.end(), hash.begin());
  }
  return proof;
}

}  // namespace

// Entries [start, end) as the server sends them (fewer is fine, none is not).
absl::StatusOr<std::vector<std::string>> FetchEntries(LedgerClient& client,
                                                      uint64_t start,
                                                      uint64_t end) {
  grpc::ClientContext context;
  v1::GetEntriesRequest request;
  request.set_start(start);
  request.set_end(end);
  v1::GetEntriesResponse response;
  absl::Status status =
      FromGrpc(client.transparency().GetEntries(&context, request, &response));
  if (!status.ok()) {
    return absl::Status(status.code(),
                        absl::StrCat("cannot get entries from ", start, ": ",
                                     status.message()));
  }
  const uint64_t got = static_cast<uint64_t>(response.entries_size());
  if (got == 0 || got > end - start) {
    return absl::DataLossError(absl::StrCat("asked for entries ", start, " to ",
                                            end - 1, ", the server sent ", got,
                                            " entries"));
  }
  return std::vector<std::string>(
      std::make_move_iterator(response.mutable_entries()->begin()),
      std::make_move_iterator(response.mutable_entries()->end()));
}

absl::StatusOr<std::vector<Hash>> FetchConsistencyProof(LedgerClient& client,
                                                        uint64_t old_size,
                                                        uint64_t new_size) {
  grpc::ClientContext context;
  v1::GetConsistencyProofRequest request;
  request.set_old_size(old_size);
  request.set_new_size(new_size);
  v1::ProofResponse response;
  UURO_RETURN_IF_ERROR(FromGrpc(
      client.transparency().GetConsistencyProof(&context, request, &response)));
  return ProofHashes(response, absl::StrCat("consistency proof from ", old_size,
                                            " to ", new_size));
}

absl::StatusOr<std::vector<Hash>> FetchInclusionProof(LedgerClient& client,
                                                      uint64_t index,
                                                      uint64_t tree_size) {
  grpc::ClientContext context;
  v1::GetInclusionProofRequest request;
  request.set_index(index);
  request.set_tree_size(tree_size);
  v1::ProofResponse response;
  UURO_RETURN_IF_ERROR(FromGrpc(
      client.transparency().GetInclusionProof(&context, request, &response)));
  return ProofHashes(response, absl::StrCat("inclusion proof of entry ", index,
                                            " in ", tree_size));
}

}  // namespace uuro::client
