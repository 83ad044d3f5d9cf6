// A client of uurod for programs and tests: typed stubs, and submission that
// signs transactions with the right origin, nonce and expiry.
#ifndef CLIENTS_LEDGER_CLIENT_H_
#define CLIENTS_LEDGER_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/tlog/keys.h"
#include "uuro/v1/audit.grpc.pb.h"
#include "uuro/v1/ledger.grpc.pb.h"
#include "uuro/v1/transparency.grpc.pb.h"

namespace uuro::client {

// grpc::Status to absl::Status, keeping code and message.
absl::Status FromGrpc(const grpc::Status& status);

class LedgerClient {
 public:
  // Thread-safe; one client may serve many threads.
  explicit LedgerClient(std::shared_ptr<grpc::Channel> channel);

  v1::Ledger::Stub& ledger() { return *ledger_; }
  v1::Transparency::Stub& transparency() { return *transparency_; }
  v1::Audit::Stub& audit() { return *audit_; }

  // The fund record; its origin is fetched once and kept.
  absl::StatusOr<v1::FundRecord> Fund();

  // Signs `body` as `signer` and submits it. Unless set, the origin is the
  // fund's, the nonce the signer's next (asked of the server once, then
  // counted here) and the expiry ten minutes ahead.
  absl::StatusOr<v1::Receipt> Submit(const SecretKey& signer, v1::TxBody body);

  // Signs `body` as Submit would, without sending it.
  absl::StatusOr<Bytes> Sign(const SecretKey& signer, v1::TxBody body);

  // Sends an already signed envelope as it is.
  absl::StatusOr<v1::Receipt> SubmitEnvelope(const Bytes& envelope);

  // The latest checkpoint; with `cosigned`, the newest one that witnesses
  // cosigned (UNAVAILABLE if none has).
  absl::StatusOr<v1::CheckpointResponse> Checkpoint(bool cosigned = false);

 private:
  absl::StatusOr<uint64_t> NextNonce(const PublicKey& key);

  std::unique_ptr<v1::Ledger::Stub> ledger_;
  std::unique_ptr<v1::Transparency::Stub> transparency_;
  std::unique_ptr<v1::Audit::Stub> audit_;

  absl::Mutex mu_;
  std::optional<std::string> origin_ ABSL_GUARDED_BY(mu_);
  std::map<PublicKey, uint64_t> next_nonce_ ABSL_GUARDED_BY(mu_);
};

}  // namespace uuro::client

#endif  // CLIENTS_LEDGER_CLIENT_H_
