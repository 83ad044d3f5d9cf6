#include "clients/log_replica.h"

#include <stdlib.h>

#include <filesystem>
#include <future>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/merkle.h"
#include "ledger/rocks_log_store.h"
#include "ledger/status_macros.h"

namespace uuro::client {
namespace {

absl::Status Differs(uint64_t index, std::string_view detail = {}) {
  return absl::DataLossError(absl::StrCat(
      "entry ", index, " differs from the one the checkpoint commits to",
      std::string(detail)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<LogReplica>> LogReplica::Create(
    const std::string& parent, uint64_t commit_entries) {
  std::error_code ec;
  std::string base = parent.empty()
                         ? std::filesystem::temp_directory_path(ec).string()
                         : parent;
  if (!ec) std::filesystem::create_directories(base, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot use ", base, " as a scratch folder: ", ec.message()));
  }
  std::string pattern = base + "/uuro-verify-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create a scratch folder in ", base));
  }
  auto store = CreateRocksLogStore(pattern + "/db");
  if (!store.ok()) {
    std::filesystem::remove_all(pattern, ec);
    return store.status();
  }
  return std::unique_ptr<LogReplica>(new LogReplica(
      pattern, std::move(*store), std::max<uint64_t>(commit_entries, 1)));
}

LogReplica::LogReplica(std::string dir, std::unique_ptr<LogStore> store,
                       uint64_t commit_entries)
    : dir_(std::move(dir)),
      store_(std::move(store)),
      commit_entries_(commit_entries) {}

LogReplica::~LogReplica() {
  store_.reset();  // RocksDB must be closed before its files go.
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

absl::Status LogReplica::CatchUp(LedgerClient& client, const Checkpoint& cp,
                                 const Progress& progress) {
  const uint64_t end = cp.size;
  uint64_t next = store_->size();
  if (end < next) {
    return absl::InvalidArgumentError("the checkpoint is behind the replica");
  }
  fund::StoreStateReader committed(*store_);
  auto applier = std::make_unique<fund::BatchApplier>(committed, next);
  auto commit = [&]() -> absl::Status {
    UURO_RETURN_IF_ERROR(store_->Append(applier->TakeBatch(), nullptr));
    applier = std::make_unique<fund::BatchApplier>(committed, store_->size());
    return absl::OkStatus();
  };
  // The next page downloads while this one replays: the network and the
  // server's reads overlap with the signature checks here.
  auto fetch = [&client, end](uint64_t start) {
    return std::async(std::launch::async, FetchEntries, std::ref(client), start,
                      std::min(end, start + kEntriesPerPage));
  };
  std::future<absl::StatusOr<std::vector<std::string>>> pending;
  if (next < end) pending = fetch(next);
  while (next < end) {
    absl::StatusOr<std::vector<std::string>> page = pending.get();
    if (!page.ok()) return page.status();
    if (next + page->size() < end) pending = fetch(next + page->size());
    for (const std::string& entry : *page) {
      absl::Status status = applier->ApplyEntry(AsBytes(entry));
      if (!status.ok()) return ExplainRefusal(client, cp, next, entry, status);
      ++next;
      if (next - store_->size() >= commit_entries_)
        UURO_RETURN_IF_ERROR(commit());
    }
    if (progress) progress(next, end);
  }
  if (next > store_->size()) UURO_RETURN_IF_ERROR(commit());
  if (store_->root() != cp.root) return FindFirstDifference(client, cp);
  return absl::OkStatus();
}

absl::Status LogReplica::ExplainRefusal(LedgerClient& client,
                                        const Checkpoint& cp, uint64_t index,
                                        std::string_view entry,
                                        const absl::Status& refusal) {
  auto proof = FetchInclusionProof(client, index, cp.size);
  if (!proof.ok()) {
    return absl::DataLossError(
        absl::StrCat("entry ", index, ": ", refusal.message(),
                     " (and the server gives no inclusion proof for it: ",
                     proof.status().message(), ")"));
  }
  if (!VerifyInclusion(HashLeaf(AsBytes(entry)), index, cp.size, *proof,
                       cp.root)
           .ok()) {
    // What was served is not what was logged: the entry was changed after
    // the checkpoint was signed (or the server lies about it).
    return Differs(index,
                   absl::StrCat(" (as served: ", refusal.message(), ")"));
  }
  // The signed log itself holds an entry the rules refuse.
  return absl::DataLossError(
      absl::StrCat("entry ", index, ": ", refusal.message()));
}

absl::Status LogReplica::FindFirstDifference(LedgerClient& client,
                                             const Checkpoint& cp) {
  // Invariant: the first `good` replayed entries are the ones `cp` commits
  // to, the first `bad` are not. Every prefix of a consistent prefix is
  // consistent, so the search is sound; the empty prefix is trivially good.
  uint64_t good = 0;
  uint64_t bad = cp.size;
  while (bad - good > 1) {
    const uint64_t mid = good + (bad - good) / 2;
    UURO_ASSIGN_OR_RETURN(Hash root, RootAt(*store_, mid));
    UURO_ASSIGN_OR_RETURN(std::vector<Hash> proof,
                          FetchConsistencyProof(client, mid, cp.size));
    if (VerifyConsistency(mid, cp.size, proof, root, cp.root).ok()) {
      good = mid;
    } else {
      bad = mid;
    }
  }
  return Differs(good);
}

}  // namespace uuro::client
