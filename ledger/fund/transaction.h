// Signed transactions: building, decoding and checking envelopes.
#ifndef LEDGER_FUND_TRANSACTION_H_
#define LEDGER_FUND_TRANSACTION_H_

#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/keys.h"
#include "uuro/v1/transaction.pb.h"

namespace uuro::fund {

// Prefixed to the body bytes before signing, so that a transaction signature
// can never be taken for a note signature or anything else.
inline constexpr char kTxContext[] = "uuro/v1 transaction\n";
// Leaves room in an entry (kMaxEntrySize) for the sequencer's fields.
inline constexpr size_t kMaxEnvelopeSize = 60000;

// An envelope whose signature verified, with its body decoded.
struct VerifiedTx {
  Bytes envelope;      // The bytes as received; they go into the log as is.
  Hash envelope_hash;  // SHA-256 of `envelope`, to recognize resubmissions.
  PublicKey signer;
  v1::TxBody body;
};

// Checks steps 1 and 2 of docs/fund-rules.md: INVALID_ARGUMENT for bytes that
// do not decode (or a body without payload), UNAUTHENTICATED for a signature
// that does not verify. Needs no state, so request threads run it in parallel.
absl::StatusOr<VerifiedTx> DecodeEnvelope(ByteView envelope);

// Serializes `body`, signs it with `key` and returns the serialized Envelope.
Bytes SignEnvelope(const SecretKey& key, const v1::TxBody& body);

}  // namespace uuro::fund

#endif  // LEDGER_FUND_TRANSACTION_H_
