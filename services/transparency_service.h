// uuro.v1.Transparency over a LedgerView (the primary, or a read follower).
#ifndef SERVICES_TRANSPARENCY_SERVICE_H_
#define SERVICES_TRANSPARENCY_SERVICE_H_

#include "services/ledger_view.h"
#include "uuro/v1/transparency.grpc.pb.h"

namespace uuro::server {

class TransparencyService final : public v1::Transparency::Service {
 public:
  explicit TransparencyService(const LedgerView& view) : node_(view) {}

  grpc::Status GetCheckpoint(grpc::ServerContext*,
                             const v1::GetCheckpointRequest*,
                             v1::CheckpointResponse* response) override;
  grpc::Status GetInclusionProof(grpc::ServerContext*,
                                 const v1::GetInclusionProofRequest* request,
                                 v1::ProofResponse* response) override;
  grpc::Status GetConsistencyProof(
      grpc::ServerContext*, const v1::GetConsistencyProofRequest* request,
      v1::ProofResponse* response) override;
  grpc::Status GetEntries(grpc::ServerContext*,
                          const v1::GetEntriesRequest* request,
                          v1::GetEntriesResponse* response) override;

 private:
  // `asked`, or the latest checkpoint's size for 0; OUT_OF_RANGE beyond it.
  absl::StatusOr<uint64_t> TreeSize(uint64_t asked) const;

  const LedgerView& node_;
};

}  // namespace uuro::server

#endif  // SERVICES_TRANSPARENCY_SERVICE_H_
