// Helpers shared by the uurod integration tests (tests/services/uurod_*):
// transaction bodies, envelopes signed exactly as asked, a fund with an open
// round, and what a stopped ledger holds on disk.
#ifndef TESTS_TESTING_UUROD_HELPERS_H_
#define TESTS_TESTING_UUROD_HELPERS_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::testing {

// A channel with its own connection: channels to one address otherwise share
// a subchannel, and "many clients" would be one TCP connection.
std::shared_ptr<grpc::Channel> OwnChannel(const std::string& address);

// Payloads, with every other field of the body left for the signer to set.
v1::TxBody EnrollBody(const PublicKey& key, const std::string& district);
v1::TxBody OpenRoundBody(uint64_t allowance, uint32_t max_share_percent,
                         uint64_t opens_at_ms, uint64_t closes_at_ms);
v1::TxBody ProposeBody(const std::string& title, const std::string& district);
v1::TxBody AwardBody(uint64_t round_id, uint64_t initiative_id,
                     uint64_t amount);

// Signs `body` with exactly the origin, nonce and expiry given, so tests can
// build what a well-behaved client (LedgerClient::Sign) never sends.
Bytes SignTx(const SecretKey& key, const std::string& origin, uint64_t nonce,
             uint64_t expires_at_ms, v1::TxBody body);

// Appends `n` enrollments of fresh keys signed by `steward`, in batches of
// up to 1,000 (SubmitBatch); fails if any is refused.
absl::Status EnrollMany(client::LedgerClient& client, const SecretKey& steward,
                        uint64_t n);

// The key's next nonce as the server counts it.
absl::StatusOr<uint64_t> ServerNextNonce(client::LedgerClient& client,
                                         const PublicKey& key);

// The fund every test starts from: residents enrolled (district "harbour"),
// one open round of a day, and initiatives proposed by `owner`, who is
// enrolled too.
struct RoundSetup {
  uint64_t allowance = 100;
  uint32_t max_share_percent = 50;
  int initiatives = 1;
};
struct OpenFund {
  uint64_t round_id = 0;
  std::vector<uint64_t> initiative_ids;
};
absl::StatusOr<OpenFund> SetUpOpenRound(
    client::LedgerClient& client, const SecretKey& steward,
    const std::vector<const SecretKey*>& residents, const SecretKey& owner,
    const RoundSetup& setup);

// OK if `proof` (as served) proves that `newer` extends `older`.
absl::Status CheckConsistency(client::LedgerClient& client,
                              const Checkpoint& older, const Checkpoint& newer);

// What a stopped ledger holds: uurod keeps the RocksDB lock while it runs.
struct LedgerSnapshot {
  uint64_t size = 0;
  Hash root{};
  Hash state_digest{};
  std::string checkpoint;  // The stored signed note.
};
absl::StatusOr<LedgerSnapshot> SnapshotLedger(const std::string& db_dir);

// Replays onto `prefix_db` (a copy of a stopped ledger saved earlier; it is
// changed) the entries that `db` added since, and returns the state digest of
// the result: what `db`'s state must be if only logged entries changed it.
absl::StatusOr<Hash> DigestOfReplay(const std::string& prefix_db,
                                    const std::string& db);

// The hashes of a proof as served.
std::vector<Hash> ToHashes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes);

}  // namespace uuro::testing

#endif  // TESTS_TESTING_UUROD_HELPERS_H_
