#include "ledger/fund/transaction.h"

#include "absl/strings/str_cat.h"
#include "ledger/fund/canonical.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {

absl::StatusOr<VerifiedTx> DecodeEnvelope(ByteView envelope) {
  if (envelope.size() > kMaxEnvelopeSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("the envelope is ", envelope.size(),
                     " bytes; the limit is ", kMaxEnvelopeSize));
  }
  v1::Envelope decoded;
  if (!decoded.ParseFromArray(envelope.data(),
                              static_cast<int>(envelope.size()))) {
    return absl::InvalidArgumentError("the envelope does not decode");
  }
  // One encoding per envelope: otherwise anyone could wrap a signed body in
  // other bytes (an unknown field, say) and have it logged first, so that
  // the signer's own resubmission no longer matches its entry.
  UURO_RETURN_IF_ERROR(
      CheckCanonical(decoded, AsString(envelope), "the envelope"));
  if (decoded.signer().size() != kPublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("the signer key is ", decoded.signer().size(),
                     " bytes; an Ed25519 key is ", kPublicKeySize));
  }
  if (decoded.signature().size() != kSignatureSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("the signature is ", decoded.signature().size(),
                     " bytes; an Ed25519 signature is ", kSignatureSize));
  }
  VerifiedTx tx;
  if (!tx.body.ParseFromString(decoded.body())) {
    return absl::InvalidArgumentError("the transaction body does not decode");
  }
  // The same for the body: its bytes are signed and logged as they came.
  UURO_RETURN_IF_ERROR(
      CheckCanonical(tx.body, decoded.body(), "the transaction body"));
  if (tx.body.payload_case() == v1::TxBody::PAYLOAD_NOT_SET) {
    return absl::InvalidArgumentError(
        "the transaction body has no payload this ledger knows");
  }
  std::copy(decoded.signer().begin(), decoded.signer().end(),
            tx.signer.begin());
  Signature signature;
  std::copy(decoded.signature().begin(), decoded.signature().end(),
            signature.begin());
  if (!VerifySignature(tx.signer, kTxContext, AsBytes(decoded.body()),
                       signature)) {
    return absl::UnauthenticatedError(
        "the signature does not verify for the signer key and body");
  }
  tx.envelope.assign(envelope.begin(), envelope.end());
  tx.envelope_hash = Sha256(envelope);
  return tx;
}

Bytes SignEnvelope(const SecretKey& key, const v1::TxBody& body) {
  v1::Envelope envelope;
  envelope.set_body(body.SerializeAsString());
  const PublicKey& pub = key.public_key();
  envelope.set_signer(std::string(pub.begin(), pub.end()));
  Signature signature = key.Sign(kTxContext, AsBytes(envelope.body()));
  envelope.set_signature(std::string(signature.begin(), signature.end()));
  return ToBytes(envelope.SerializeAsString());
}

}  // namespace uuro::fund
