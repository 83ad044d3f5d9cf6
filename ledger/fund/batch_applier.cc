#include "ledger/fund/batch_applier.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ledger/fund/rules.h"
#include "ledger/fund/state_keys.h"
#include "ledger/fund/validation.h"
#include "ledger/tlog/iso_time.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/status_macros.h"
#include "uuro/v1/state.pb.h"

namespace uuro::fund {
namespace {

// Steps 6 and 7, shared by genesis and every other transaction.
absl::Status CheckExpiryAndFields(const v1::TxBody& body, uint64_t time_ms) {
  if (body.expires_at_ms() == 0) {
    return absl::InvalidArgumentError("the transaction has no expiry");
  }
  if (body.expires_at_ms() <= time_ms) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the transaction expired at ", FormatIsoTime(body.expires_at_ms()),
        "; it is now ", FormatIsoTime(time_ms)));
  }
  if (body.expires_at_ms() - time_ms > kMaxExpiryAheadMs) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the transaction expires at ", FormatIsoTime(body.expires_at_ms()),
        ", more than 24 hours after it is sequenced at ",
        FormatIsoTime(time_ms), "; the latest expiry accepted now is ",
        FormatIsoTime(time_ms + kMaxExpiryAheadMs)));
  }
  return ValidatePayload(body);
}

// Entry 0: creates the fund from the genesis payload.
absl::StatusOr<v1::FundRecord> Genesis(const VerifiedTx& tx, uint64_t index,
                                       uint64_t time_ms) {
  if (tx.body.payload_case() != v1::TxBody::kGenesis) {
    return absl::FailedPreconditionError(
        "the ledger has no genesis yet; entry 0 must be the genesis");
  }
  if (index != 0) {
    return absl::DataLossError("the ledger has entries but no fund state");
  }
  const v1::Genesis& genesis = tx.body.genesis();
  if (tx.body.nonce() != 0) {
    return absl::FailedPreconditionError("the genesis must use nonce 0");
  }
  UURO_RETURN_IF_ERROR(CheckExpiryAndFields(tx.body, time_ms));
  if (tx.body.origin() != genesis.origin()) {
    return absl::InvalidArgumentError(
        "the genesis names a different origin than its transaction");
  }
  auto log_key = ParseVerifierKey(genesis.log_verifier_key());
  if (!log_key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the genesis log key is not a verifier key: ",
                     log_key.status().message()));
  }
  if (log_key->key() != tx.signer) {
    return absl::PermissionDeniedError(
        "the genesis must be signed by the log key it names");
  }
  v1::FundRecord fund;
  fund.set_origin(genesis.origin());
  fund.set_fund_name(genesis.fund_name());
  fund.set_currency_name(
      genesis.currency_name().empty() ? "Uuro" : genesis.currency_name());
  *fund.mutable_steward_keys() = genesis.steward_keys();
  *fund.mutable_council_keys() = genesis.council_keys();
  fund.set_log_verifier_key(genesis.log_verifier_key());
  fund.set_format_version(genesis.format_version());
  fund.set_council_quorum(genesis.council_quorum());
  fund.set_min_district_size(genesis.min_district_size());
  std::vector<std::string> districts(genesis.districts().begin(),
                                     genesis.districts().end());
  std::sort(districts.begin(), districts.end());
  for (std::string& d : districts) fund.add_defined_districts(std::move(d));
  return fund;
}

}  // namespace

BatchApplier::BatchApplier(const StateReader& committed, uint64_t next_index)
    : batch_(committed), next_index_(next_index) {}

absl::StatusOr<ApplyResult> BatchApplier::Apply(const VerifiedTx& tx,
                                                uint64_t time_ms) {
  // Stacked on the batch; the cast picks the base constructor, not the
  // (deleted) copy constructor.
  StateOverlay txn(static_cast<const StateReader&>(batch_));
  v1::FundRecord fund;
  UURO_ASSIGN_OR_RETURN(bool has_fund, ReadRecord(txn, keys::Fund(), fund));
  if (!has_fund) {
    UURO_ASSIGN_OR_RETURN(fund, Genesis(tx, next_index_, time_ms));
  } else {
    if (time_ms < fund.last_time_ms()) {
      return absl::InvalidArgumentError(
          absl::StrCat("entry time ", FormatIsoTime(time_ms),
                       " is before the previous entry's ",
                       FormatIsoTime(fund.last_time_ms())));
    }
    if (tx.body.origin() != fund.origin()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the transaction is for ledger \"", tx.body.origin().substr(0, 100),
          "\", this is \"", fund.origin(), "\""));
    }
    v1::SignerRecord signer;
    UURO_RETURN_IF_ERROR(
        ReadRecord(txn, keys::Signer(tx.signer), signer).status());
    if (tx.body.nonce() < signer.next_nonce()) {
      v1::TxRecord first;
      UURO_RETURN_IF_ERROR(
          ReadRecord(txn, keys::Tx(tx.signer, tx.body.nonce()), first)
              .status());
      if (first.envelope_sha256() == AsString(tx.envelope_hash)) {
        return ApplyResult{first.index(), /*duplicate=*/true};
      }
      return absl::AlreadyExistsError(absl::StrCat(
          "nonce ", tx.body.nonce(), " was already used by entry ",
          first.index(), "; the signer's next nonce is ", signer.next_nonce()));
    }
    if (tx.body.nonce() > signer.next_nonce()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "nonce ", tx.body.nonce(), " is ahead; the signer's next nonce is ",
          signer.next_nonce()));
    }
    UURO_RETURN_IF_ERROR(CheckExpiryAndFields(tx.body, time_ms));
    TxContext ctx{tx, next_index_, time_ms, fund, txn};
    UURO_RETURN_IF_ERROR(ApplyPayload(ctx));
  }

  v1::SignerRecord signer;
  signer.set_next_nonce(tx.body.nonce() + 1);
  WriteRecord(txn, keys::Signer(tx.signer), signer);
  v1::TxRecord record;
  record.set_index(next_index_);
  record.set_envelope_sha256(std::string(AsString(tx.envelope_hash)));
  WriteRecord(txn, keys::Tx(tx.signer, tx.body.nonce()), record);
  fund.set_entries(fund.entries() + 1);
  fund.set_last_time_ms(time_ms);
  WriteRecord(txn, keys::Fund(), fund);

  v1::LogEntry entry;
  entry.set_index(next_index_);
  entry.set_time_ms(time_ms);
  entry.set_envelope(std::string(AsString(tx.envelope)));
  entries_.push_back(ToBytes(entry.SerializeAsString()));
  batch_.Absorb(txn);
  return ApplyResult{next_index_++, /*duplicate=*/false};
}

absl::StatusOr<DecodedEntry> DecodeEntry(ByteView bytes) {
  v1::LogEntry entry;
  if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("the entry does not decode");
  }
  // Only one encoding of an entry is valid, so a leaf hash pins its meaning.
  if (entry.SerializeAsString() != AsString(bytes)) {
    return absl::InvalidArgumentError("the entry is not canonically encoded");
  }
  UURO_ASSIGN_OR_RETURN(VerifiedTx tx,
                        DecodeEnvelope(AsBytes(entry.envelope())));
  return DecodedEntry{entry.index(), entry.time_ms(), std::move(tx)};
}

absl::Status BatchApplier::ApplyEntry(ByteView bytes) {
  UURO_ASSIGN_OR_RETURN(DecodedEntry entry, DecodeEntry(bytes));
  return ApplyEntry(entry);
}

absl::Status BatchApplier::ApplyEntry(const DecodedEntry& entry) {
  if (entry.index != next_index_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the entry says it is index ", entry.index, ", not ", next_index_));
  }
  UURO_ASSIGN_OR_RETURN(ApplyResult result, Apply(entry.tx, entry.time_ms));
  if (result.duplicate) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the entry repeats the transaction of entry ", result.index));
  }
  return absl::OkStatus();
}

AppendBatch BatchApplier::TakeBatch() {
  AppendBatch batch;
  batch.entries = std::move(entries_);
  entries_.clear();
  batch.state = batch_.TakeWrites();
  return batch;
}

}  // namespace uuro::fund
