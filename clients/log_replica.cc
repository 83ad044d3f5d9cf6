#include "clients/log_replica.h"

#include <stdlib.h>

#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/checkpoint_store.h"
#include "clients/log_fetch.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/fund/cached_state.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::client {
namespace {

using Page = std::vector<std::string>;

// State records the replay keeps in memory between commits.
constexpr size_t kCachedRecords = 1 << 16;

// A page of entries with each one decoded and its signature checked (or why
// not), in the page's order.
struct CheckedPage {
  Page entries;
  std::vector<absl::StatusOr<fund::DecodedEntry>> decoded;
};

// Decodes and verifies every entry of `page` on `workers` threads (this one
// among them): signature checks are most of a replay's work and need no
// state, so they run on every core while entries are applied in order.
CheckedPage CheckPage(Page page, unsigned workers) {
  CheckedPage out;
  out.decoded.resize(page.size(), absl::InternalError("not decoded"));
  auto decode = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      out.decoded[i] = fund::DecodeEntry(AsBytes(page[i]));
    }
  };
  const size_t share = (page.size() + workers - 1) / std::max(workers, 1u);
  std::vector<std::future<void>> others;
  for (size_t begin = share; begin < page.size(); begin += share) {
    others.push_back(std::async(std::launch::async, decode, begin,
                                std::min(page.size(), begin + share)));
  }
  decode(0, std::min(page.size(), share));
  for (auto& f : others) f.get();
  out.entries = std::move(page);
  return out;
}

absl::StatusOr<CheckedPage> FetchAndCheckPage(LedgerClient& client,
                                              uint64_t start, uint64_t end,
                                              unsigned workers) {
  UURO_ASSIGN_OR_RETURN(Page page, FetchEntries(client, start, end));
  return CheckPage(std::move(page), workers);
}

absl::Status Differs(uint64_t index, std::string_view detail = {}) {
  return absl::DataLossError(absl::StrCat(
      "entry ", index, " differs from the one the checkpoint commits to",
      std::string(detail)));
}

}  // namespace

absl::StatusOr<SignedCheckpoint> FetchCheckpoint(LedgerClient& client,
                                                 const NoteVerifier& log_key,
                                                 bool cosigned) {
  auto response = client.Checkpoint(cosigned);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("cannot get the latest checkpoint: ",
                                     response.status().message()));
  }
  auto cp = OpenCheckpoint(response->checkpoint(), log_key, log_key.name());
  if (!cp.ok()) {
    return absl::Status(
        cp.status().code(),
        absl::StrCat("the server's checkpoint does not verify with the pinned "
                     "log key ",
                     FormatVerifierKey(log_key), ": ", cp.status().message()));
  }
  return SignedCheckpoint{response->checkpoint(), *std::move(cp)};
}

absl::StatusOr<std::unique_ptr<LogReplica>> LogReplica::Create(
    const std::string& parent, uint64_t commit_entries, bool keep_entries) {
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
  // A crash leaves nothing to recover: the folder is removed either way.
  auto store = CreateRocksLogStore(
      pattern + "/db",
      keep_entries ? Durability::kScratch : Durability::kScratchWithoutEntries);
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
  // Only this replay writes to the store while it runs.
  fund::CachedState committed(*store_, kCachedRecords);
  auto applier = std::make_unique<fund::BatchApplier>(committed, next);
  auto commit = [&]() -> absl::Status {
    AppendBatch batch = applier->TakeBatch();
    UURO_RETURN_IF_ERROR(store_->Append(batch, nullptr));
    committed.Committed(batch.state);
    applier = std::make_unique<fund::BatchApplier>(committed, store_->size());
    return absl::OkStatus();
  };
  // The next page downloads and has its signatures checked on every core
  // while this one is applied: only the fund rules run in order.
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  auto fetch = [&client, end, workers](uint64_t start) {
    return std::async(std::launch::async, FetchAndCheckPage, std::ref(client),
                      start, std::min(end, start + kEntriesPerPage), workers);
  };
  std::future<absl::StatusOr<CheckedPage>> pending;
  if (next < end) pending = fetch(next);
  while (next < end) {
    absl::StatusOr<CheckedPage> page = pending.get();
    if (!page.ok()) return page.status();
    if (next + page->entries.size() < end) {
      pending = fetch(next + page->entries.size());
    }
    for (size_t i = 0; i < page->entries.size(); ++i) {
      const auto& decoded = page->decoded[i];
      absl::Status status =
          decoded.ok() ? applier->ApplyEntry(*decoded) : decoded.status();
      if (!status.ok()) {
        return ExplainRefusal(client, cp, next, page->entries[i], status);
      }
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
