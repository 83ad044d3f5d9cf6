#include "services/ledger_node.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "ledger/fund/queries.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/atomic_file.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/read_text.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/wall_clock.h"
#include "services/witness_pusher.h"

namespace uuro::server {

absl::StatusOr<std::unique_ptr<LedgerNode>> LedgerNode::Open(
    const DataDir& dir, const Options& options) {
  auto store = OpenStore(dir.db(), options.store_env);
  if (absl::IsNotFound(store.status())) {
    return absl::NotFoundError(absl::StrCat(
        "no ledger in ", dir.root, "; create one with: uurod init --data ",
        dir.root, " --origin ORIGIN --steward-key KEY"));
  }
  UURO_RETURN_IF_ERROR(store.status());
  fund::StoreStateReader state(**store);
  UURO_ASSIGN_OR_RETURN(v1::FundRecord fund, fund::ReadFund(state));
  UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(dir.log_key()));
  UURO_ASSIGN_OR_RETURN(NoteVerifier named,
                        ParseVerifierKey(fund.log_verifier_key()));
  if (named.key() != key.public_key()) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir.log_key(), " is not the log key this ledger's genesis names"));
  }
  UURO_ASSIGN_OR_RETURN(NoteSigner signer,
                        NoteSigner::Create(named.name(), std::move(key)));
  // Never sign a fork: the store must hold every checkpoint already handed
  // out. Then the store's own checkpoint, about to be served, is recorded
  // first (a crash can fall between a commit and its record).
  UURO_ASSIGN_OR_RETURN(auto published, PublishedCheckpointFile::Open(
                                            dir.published_checkpoint()));
  UURO_RETURN_IF_ERROR(
      CheckStoreAgainstPublished(**store, signer.verifier(), fund.origin(),
                                 published->latest(), dir.root));
  const std::string stored = (*store)->checkpoint();
  if (!stored.empty() && published->latest() != stored) {
    UURO_RETURN_IF_ERROR(published->Write(stored));
  }
  std::unique_ptr<LogStore> opened = std::move(*store);
  if (options.wrap_store) opened = options.wrap_store(std::move(opened));
  auto node = std::unique_ptr<LedgerNode>(
      new LedgerNode(std::move(opened), std::move(signer), fund.origin(),
                     std::move(published), options));
  UURO_RETURN_IF_ERROR(
      node->LoadCosignedCheckpoint(dir.root + "/cosigned-checkpoint"));
  return node;
}

absl::Status LedgerNode::LoadCosignedCheckpoint(const std::string& path) {
  cosigned_file_ = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return absl::OkStatus();
  auto set_aside = [&](std::string_view why) {
    spdlog::warn("event=cosigned_checkpoint_ignored file={} reason=\"{}\"",
                 path, why);
    return absl::OkStatus();
  };
  absl::StatusOr<std::string> text = ReadText(path);
  if (!text.ok()) return set_aside(std::string(text.status().message()));
  absl::StatusOr<Note> note = OpenNote(*text, {verifier_});
  if (!note.ok()) return set_aside(std::string(note.status().message()));
  absl::StatusOr<Checkpoint> cp = ParseCheckpoint(note->text);
  if (!cp.ok()) return set_aside(std::string(cp.status().message()));
  if (cp->origin != origin_) return set_aside("another origin");
  UURO_ASSIGN_OR_RETURN(std::vector<PublicKey> council, CouncilKeys(*this));
  if (VerifyCosignatures(note->text, note->unverified, council,
                         CosignatureClock{WallClockMs() / 1000})
          .empty()) {
    return set_aside("no valid council cosignature");
  }
  // Signed by this log and cosigned: the store must hold this very tree, or
  // serving from it would show the witnesses a fork.
  absl::StatusOr<Hash> root =
      cp->size <= store_->size()
          ? RootAt(*store_, cp->size)
          : absl::StatusOr<Hash>(absl::OutOfRangeError("beyond the store"));
  if (!root.ok() || *root != cp->root) {
    return absl::FailedPreconditionError(absl::StrCat(
        "witnesses cosigned a checkpoint of ", cp->size, " entries (", path,
        ") that the store of ", store_->size(),
        " entries does not hold: the store lost entries it had published; "
        "rebuild it from a mirror (uurod rebuild) instead of signing a fork"));
  }
  absl::MutexLock lock(&cosigned_mu_);
  cosigned_ = std::make_shared<SignedCheckpoint>(
      SignedCheckpoint{*text, cp->size, cp->root});
  return absl::OkStatus();
}

namespace {
Sequencer::Options WithRecord(Sequencer::Options options,
                              PublishedCheckpointFile* published) {
  options.record_checkpoint = [published](const SignedCheckpoint& cp) {
    return published->Write(cp.note);
  };
  return options;
}
}  // namespace

LedgerNode::LedgerNode(std::unique_ptr<LogStore> store, NoteSigner signer,
                       std::string origin,
                       std::unique_ptr<PublishedCheckpointFile> published,
                       const Options& options)
    : store_(std::move(store)),
      state_(*store_),
      signer_(std::move(signer)),
      verifier_(signer_.verifier()),
      origin_(std::move(origin)),
      limiter_(options.rate_per_second, options.rate_burst),
      metrics_(options.sequencer.metrics),
      published_(std::move(published)),
      sequencer_(std::make_unique<Sequencer>(
          *store_, signer_, origin_,
          WithRecord(options.sequencer, published_.get()))) {}

LedgerNode::~LedgerNode() { sequencer_->Stop(); }

std::shared_ptr<const SignedCheckpoint> LedgerNode::cosigned_checkpoint()
    const {
  absl::MutexLock lock(&cosigned_mu_);
  return cosigned_;
}

void LedgerNode::set_cosigned_checkpoint(
    std::shared_ptr<const SignedCheckpoint> cp) {
  absl::MutexLock lock(&cosigned_mu_);
  if (cosigned_ == nullptr || cp->size >= cosigned_->size) {
    if (!cosigned_file_.empty()) {
      absl::Status kept = WriteFileAtomically(cosigned_file_, cp->note, 0644);
      if (!kept.ok()) {
        spdlog::warn("event=cosigned_checkpoint_not_kept reason=\"{}\"",
                     std::string(kept.message()));
      }
    }
    cosigned_ = std::move(cp);
  }
}

std::shared_ptr<const SignedCheckpoint> LedgerNode::latest_checkpoint() const {
  auto latest = checkpoint();
  auto cosigned = cosigned_checkpoint();
  if (cosigned != nullptr && cosigned->size == latest->size &&
      cosigned->root == latest->root) {
    return cosigned;
  }
  return latest;
}

std::shared_ptr<const SignedCheckpoint> LedgerNode::published_checkpoint()
    const {
  if (publish_witnessed_) {
    if (auto cosigned = cosigned_checkpoint()) return cosigned;
  }
  return latest_checkpoint();
}

absl::StatusOr<fund::VerifiedTx> LedgerNode::Admit(ByteView envelope) {
  absl::StatusOr<fund::VerifiedTx> tx = fund::DecodeEnvelope(envelope);
  if (tx.ok() && !limiter_.Allow(tx->signer)) {
    tx = absl::ResourceExhaustedError(
        "too many transactions from this key; slow down and retry");
  }
  if (!tx.ok()) Count(0, tx.status());  // Refused before its kind counts.
  return tx;
}

void LedgerNode::Count(int kind,
                       const absl::StatusOr<fund::ApplyResult>& result) {
  if (metrics_ == nullptr) return;
  metrics_->CountSubmission(kind, result.status(),
                            result.ok() && result->duplicate);
}

absl::StatusOr<v1::Receipt> LedgerNode::Submit(ByteView envelope) {
  UURO_ASSIGN_OR_RETURN(fund::VerifiedTx tx, Admit(envelope));
  const int kind = tx.body.payload_case();
  auto applied = sequencer_->Enqueue(std::move(tx)).get();
  Count(kind, applied);
  UURO_ASSIGN_OR_RETURN(fund::ApplyResult result, std::move(applied));
  return MakeReceipt(result.index, result.duplicate);
}

void LedgerNode::SubmitAsync(ByteView envelope, ReceiptCallback done) {
  absl::StatusOr<fund::VerifiedTx> tx = Admit(envelope);
  if (!tx.ok()) {
    done(tx.status());
    return;
  }
  const int kind = tx->body.payload_case();
  sequencer_->Enqueue(*std::move(tx), [this, kind, done = std::move(done)](
                                          Sequencer::Answer applied) {
    Count(kind, applied);
    done(applied.ok() ? MakeReceipt(applied->index, applied->duplicate)
                      : absl::StatusOr<v1::Receipt>(applied.status()));
  });
}

std::vector<absl::StatusOr<v1::Receipt>> LedgerNode::SubmitMany(
    const std::vector<ByteView>& envelopes) {
  std::vector<absl::StatusOr<v1::Receipt>> receipts(
      envelopes.size(), absl::InternalError("not processed"));
  std::vector<std::future<absl::StatusOr<fund::ApplyResult>>> futures(
      envelopes.size());
  std::vector<int> kinds(envelopes.size());
  for (size_t i = 0; i < envelopes.size(); ++i) {
    auto tx = Admit(envelopes[i]);
    if (!tx.ok()) {
      receipts[i] = tx.status();
    } else {
      kinds[i] = tx->body.payload_case();
      futures[i] = sequencer_->Enqueue(std::move(*tx));
    }
  }
  for (size_t i = 0; i < envelopes.size(); ++i) {
    if (!futures[i].valid()) continue;
    auto result = futures[i].get();
    Count(kinds[i], result);
    receipts[i] = result.ok() ? MakeReceipt(result->index, result->duplicate)
                              : absl::StatusOr<v1::Receipt>(result.status());
  }
  return receipts;
}

absl::StatusOr<v1::Receipt> LedgerNode::MakeReceipt(uint64_t index,
                                                    bool duplicate) const {
  std::shared_ptr<const SignedCheckpoint> cp = checkpoint();
  if (index >= cp->size) {
    return absl::InternalError(absl::StrCat(
        "entry ", index, " is not covered by the latest checkpoint"));
  }
  UURO_ASSIGN_OR_RETURN(Bytes entry, store_->ReadEntry(index));
  UURO_ASSIGN_OR_RETURN(std::vector<Hash> proof,
                        InclusionProof(*store_, index, cp->size));
  v1::Receipt receipt;
  receipt.set_index(index);
  Hash leaf = HashLeaf(entry);
  receipt.set_leaf_hash(std::string(AsString(leaf)));
  receipt.set_entry(std::string(AsString(entry)));
  receipt.set_checkpoint(cp->note);
  for (const Hash& h : proof) {
    receipt.add_inclusion_proof(std::string(AsString(h)));
  }
  receipt.set_duplicate(duplicate);
  return receipt;
}

}  // namespace uuro::server
