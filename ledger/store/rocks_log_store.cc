#include "ledger/store/rocks_log_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/store_keys.h"
#include "ledger/tlog/fifo_cache.h"
#include "ledger/tlog/status_macros.h"

namespace uuro {
namespace {

namespace fs = std::filesystem;
namespace sk = store_keys;

rocksdb::Slice ToSlice(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Maps RocksDB failures to the codes the rest of the system acts on: a write
// that could not happen (disk full, I/O error) is UNAVAILABLE so that callers
// may retry, damaged data is DATA_LOSS.
absl::Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return absl::UnavailableError(msg);
  }
  return absl::InternalError(msg);
}

// RocksDB's own diagnostics, warnings and worse, to stderr. Its default LOG
// file is written through a file writer that asserts (in Debian's build)
// when a write follows a failed one, so a full disk would abort the process
// instead of failing the commit that ran into it.
class StderrLogger final : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    int n = std::vsnprintf(line, sizeof line, format, ap);
    if (n < 0) return;
    std::fprintf(stderr, "rocksdb: %s\n", line);
  }
};

// RocksDB's own recovery from a failed background write (a thread that
// retries while the disk is full) is off: the store recovers by reopening
// (RocksLogStore::Reopen), and closing waits for a recovery in flight, which
// a write-ahead log it cannot leave would keep failing for ever.
class NoAutoRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

// Memory stays bounded whatever the size of the log: memtables of all
// column families share one budget, and table blocks, indexes and filters
// live in one LRU cache of fixed size. Bloom filters answer most reads of
// absent state keys (a resident's first award) without touching a file.
// Entries and tree nodes have none: they are only read where they exist, so
// a filter would never say no, and at 10^7 entries their filters (10 bits a
// key, a megabyte per table) no longer fit the cache: every proof read
// them again from the files.
// Nothing is compressed: tree nodes are hashes and entries mostly keys and
// signatures, so compression would cost CPU on every read for little space.
constexpr size_t kMemtableBudget = 64 << 20;
constexpr size_t kBlockCacheSize = 64 << 20;
// Recent tree nodes and entries kept decoded in memory (a few MB): more than
// the largest commit, so every receipt of a batch finds its entry and proof.
constexpr size_t kCachedNodes = 1 << 16;
constexpr size_t kCachedEntries = 1 << 13;
// Tree nodes at this level and above (one per 64 leaves and their parents:
// about 10 MB at 10^7 entries) stay in memory for good, so a proof reads at
// most this many nodes from RocksDB however long the log grows.
constexpr uint8_t kPinnedLevel = 6;

uint64_t NodeCacheKey(NodeId id) {
  return (uint64_t{id.level} << 56) | id.index;
}

rocksdb::Options BaseOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                             bool bloom_filter = false) {
  rocksdb::Options options;
  static const auto logger = std::make_shared<StderrLogger>();
  options.info_log = logger;
  options.listeners.push_back(std::make_shared<NoAutoRecovery>());
  options.max_bgerror_resume_count = 0;
  options.IncreaseParallelism(2);
  options.max_background_jobs = 2;
  options.keep_log_file_num = 4;
  options.db_write_buffer_size = kMemtableBudget;
  options.write_buffer_size = 16 << 20;
  options.max_write_buffer_number = 3;
  options.level_compaction_dynamic_level_bytes = true;
  options.max_bytes_for_level_base = 256 << 20;
  options.target_file_size_base = 32 << 20;
  options.compression = rocksdb::kNoCompression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Indexes and filters in 4 KB partitions under a small top level that stays
  // in the cache: a lookup loads the partition it needs. A table's whole
  // filter (a megabyte for 32 MB of state) would be read from the file and
  // checksummed again on every lookup once the cache cannot keep it.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = bloom_filter;
  table.pin_top_level_index_and_filter = true;
  table.metadata_block_size = 4096;
  if (bloom_filter)
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

// One open database and its column families, shared by the readers of the
// moment; a reopen waits until it is the only holder, then closes it.
struct Database {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // Freed before closing.
  rocksdb::ColumnFamilyHandle* entries = nullptr;
  rocksdb::ColumnFamilyHandle* nodes = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* state = nullptr;

  ~Database() {
    if (!db) return;
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    db->Close().PermitUncheckedError();
  }
};

class RocksLogStore final : public LogStore {
 public:
  static absl::StatusOr<std::unique_ptr<LogStore>> Open(const std::string& dir,
                                                        bool create,
                                                        Durability durability,
                                                        rocksdb::Env* env);
  ~RocksLogStore() override;

  uint64_t size() const override {
    absl::MutexLock lock(&mu_);
    return frontier_.size();
  }
  Hash root() const override {
    absl::MutexLock lock(&mu_);
    return root_;
  }
  std::string checkpoint() const override {
    absl::MutexLock lock(&mu_);
    return checkpoint_;
  }

  absl::Status Append(const AppendBatch& batch,
                      const CheckpointMaker& make_checkpoint) override;
  absl::Status Recover() override;
  absl::StatusOr<Bytes> ReadEntry(uint64_t index) const override;
  absl::StatusOr<std::vector<Bytes>> ReadEntries(uint64_t begin,
                                                 uint64_t end) const override;
  absl::StatusOr<Hash> ReadNode(NodeId id) const override;
  absl::StatusOr<std::optional<Bytes>> ReadState(
      std::string_view key) const override;
  using LogStore::ScanState;
  absl::Status ScanState(std::string_view prefix, std::string_view start,
                         const std::function<bool(std::string_view, ByteView)>&
                             visit) const override;

  absl::Status CheckpointTo(const std::string& dir) const;
  RocksFigures Figures() const;

 private:
  RocksLogStore(std::string dir, Durability durability, rocksdb::Env* env)
      : dir_(std::move(dir)),
        env_(env),
        durability_(durability),
        nodes_cache_(kCachedNodes),
        entries_cache_(kCachedEntries) {}
  // What one append commits, built before the commit.
  struct PendingAppend {
    rocksdb::WriteBatch wb;
    TreeFrontier frontier;
    Hash root;
    std::vector<std::pair<NodeId, Hash>> nodes;
    std::string checkpoint;
  };

  // `read_only`: for readers while the disk refuses writes; writes nothing.
  absl::Status OpenDb(bool create, bool read_only = false);
  absl::Status Initialize();  // Writes the meta records of an empty ledger.
  absl::Status Check();       // Loads and verifies the tree.
  absl::StatusOr<std::optional<std::string>> GetMeta(const char* key) const;
  // Reads every stored node at kPinnedLevel and above into pinned_.
  absl::Status LoadPinned();
  // Keeps `hash` if it is the next node of its pinned level.
  void Pin(NodeId id, const Hash& hash) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The open database, or UNAVAILABLE while a reopen has it closed.
  absl::StatusOr<std::shared_ptr<const Database>> Current() const;

  const std::string dir_;
  rocksdb::Env* const env_;  // Null: RocksDB's default.
  const Durability durability_;
  bool keeps_entries() const {
    return durability_ != Durability::kScratchWithoutEntries;
  }
  absl::Status RequireEntries() const;

  absl::Status Reopen() ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  absl::StatusOr<PendingAppend> Prepare(const Database& d,
                                        const AppendBatch& batch,
                                        const CheckpointMaker& make_checkpoint)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);
  void Publish(uint64_t first, const AppendBatch& batch, PendingAppend pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(append_mu_);

  // Serializes appenders; held for a whole commit, never by readers.
  absl::Mutex append_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  bool write_failed_ ABSL_GUARDED_BY(append_mu_) = false;
  // Null only while a reopen after a failed write has it closed.
  mutable absl::Mutex db_mu_;
  std::shared_ptr<const Database> db_ ABSL_GUARDED_BY(db_mu_);
  // Guards the committed view that readers see; held only briefly.
  mutable absl::Mutex mu_;
  TreeFrontier frontier_ ABSL_GUARDED_BY(mu_);
  Hash root_ ABSL_GUARDED_BY(mu_) = EmptyTreeRoot();
  std::string checkpoint_ ABSL_GUARDED_BY(mu_);
  // pinned_[l][i] is the node at level kPinnedLevel + l, index i.
  std::vector<std::vector<Hash>> pinned_ ABSL_GUARDED_BY(mu_);
  // Committed nodes and entries only: filled after a commit or a read.
  mutable FifoCache<Hash> nodes_cache_;  // Reads fill it too.
  FifoCache<Bytes> entries_cache_;
};

// Checks that `dir` can hold a new ledger (create) or holds one (open).
absl::Status CheckFolder(const std::string& dir, bool create) {
  std::error_code ec;
  bool has_db = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (create) {
    if (has_db) {
      return absl::AlreadyExistsError(absl::StrCat(
          "a ledger already exists in ", dir, "; not replacing it"));
    }
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir, " is not empty; a new ledger needs an empty or new folder"));
    }
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot create ", dir, ": ", ec.message()));
    }
  } else if (!has_db) {
    return absl::NotFoundError(absl::StrCat("no ledger in ", dir));
  }
  return absl::OkStatus();
}

// What the store's column families and options are, for a new or held ledger.
struct DbLayout {
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
};

absl::StatusOr<DbLayout> Layout(const std::string& dir, bool create,
                                rocksdb::Env* env) {
  // Four shards of 16 MB: RocksDB's default for this size (64 shards of 1 MB)
  // cannot keep any block over 1 MB, such as the whole filter of a table
  // written before filters were partitioned.
  const auto cache =
      rocksdb::NewLRUCache(kBlockCacheSize, /*num_shard_bits=*/2);
  DbLayout layout;
  rocksdb::DBOptions& db_options = layout.db_options;
  db_options = rocksdb::DBOptions(BaseOptions(cache));
  if (env != nullptr) db_options.env = env;
  db_options.create_if_missing = create;
  db_options.create_missing_column_families = create;
  db_options.error_if_exists = create;
  std::vector<rocksdb::ColumnFamilyDescriptor>& families = layout.families;
  for (const char* name : {rocksdb::kDefaultColumnFamilyName.c_str(),
                           sk::kEntries, sk::kNodes, sk::kMeta, sk::kState}) {
    const bool bloom = std::string_view(name) == sk::kState;
    families.emplace_back(
        name, rocksdb::ColumnFamilyOptions(BaseOptions(cache, bloom)));
  }
  if (!create) {
    std::vector<std::string> existing;
    auto s = rocksdb::DB::ListColumnFamilies(db_options, dir, &existing);
    if (!s.ok() || existing.size() != families.size()) {
      return absl::NotFoundError(
          absl::StrCat(dir, " holds a database that is not a Uuro ledger"));
    }
  }
  return layout;
}

absl::StatusOr<std::unique_ptr<LogStore>> RocksLogStore::Open(
    const std::string& dir, bool create, Durability durability,
    rocksdb::Env* env) {
  UURO_RETURN_IF_ERROR(CheckFolder(dir, create));
  auto store =
      std::unique_ptr<RocksLogStore>(new RocksLogStore(dir, durability, env));
  UURO_RETURN_IF_ERROR(store->OpenDb(create));
  if (create) UURO_RETURN_IF_ERROR(store->Initialize());
  UURO_RETURN_IF_ERROR(store->Check());
  return std::unique_ptr<LogStore>(std::move(store));
}

absl::Status RocksLogStore::OpenDb(bool create, bool read_only) {
  const std::string& dir = dir_;
  UURO_ASSIGN_OR_RETURN(DbLayout layout, Layout(dir, create, env_));
  auto opened = std::make_shared<Database>();
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      read_only
          ? rocksdb::DB::OpenForReadOnly(layout.db_options, dir,
                                         layout.families, &opened->handles, &db)
          : rocksdb::DB::Open(layout.db_options, dir, layout.families,
                              &opened->handles, &db);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return absl::UnavailableError(
          absl::StrCat("the ledger in ", dir, " is in use by another process"));
    }
    if (s.IsInvalidArgument()) {
      return absl::NotFoundError(absl::StrCat(
          dir, " holds a database that is not a Uuro ledger: ", s.ToString()));
    }
    return FromRocks(s, absl::StrCat("cannot open the ledger in ", dir));
  }
  opened->db.reset(db);
  opened->entries = opened->handles[1];
  opened->nodes = opened->handles[2];
  opened->meta = opened->handles[3];
  opened->state = opened->handles[4];
  absl::MutexLock lock(&db_mu_);
  db_ = std::move(opened);
  return absl::OkStatus();
}

RocksLogStore::~RocksLogStore() = default;

absl::StatusOr<std::shared_ptr<const Database>> RocksLogStore::Current() const {
  absl::MutexLock lock(&db_mu_);
  if (db_ == nullptr) {
    return absl::UnavailableError(
        "the store is closed after a failed write; it reopens at the next one");
  }
  return db_;
}

absl::Status RocksLogStore::Initialize() {
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  rocksdb::WriteBatch wb;
  wb.Put(d->meta, sk::kFormatKey, sk::kFormatValue);
  wb.Put(d->meta, sk::kTreeSizeKey, sk::EncodeUint64(0));
  Hash empty = EmptyTreeRoot();
  wb.Put(d->meta, sk::kRootKey, ToSlice(empty));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(d->db->Write(wo, &wb), "cannot initialize the ledger");
}

absl::StatusOr<std::optional<std::string>> RocksLogStore::GetMeta(
    const char* key) const {
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::string value;
  rocksdb::Status s = d->db->Get(rocksdb::ReadOptions(), d->meta, key, &value);
  if (s.IsNotFound()) return std::nullopt;
  UURO_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("cannot read ", key)));
  return value;
}

absl::Status RocksLogStore::Check() {
  const std::string& dir = dir_;
  UURO_ASSIGN_OR_RETURN(auto format, GetMeta(sk::kFormatKey));
  if (format != sk::kFormatValue) {
    return absl::NotFoundError(absl::StrCat(
        dir, " holds a database that is not a Uuro ledger (format ",
        format ? *format : "missing", ")"));
  }
  UURO_ASSIGN_OR_RETURN(auto size_text, GetMeta(sk::kTreeSizeKey));
  UURO_ASSIGN_OR_RETURN(auto root_text, GetMeta(sk::kRootKey));
  UURO_ASSIGN_OR_RETURN(auto checkpoint, GetMeta(sk::kCheckpointKey));
  std::optional<uint64_t> size =
      size_text ? sk::DecodeUint64(*size_text) : std::nullopt;
  if (!size || !root_text || root_text->size() != kHashSize) {
    return absl::DataLossError(
        absl::StrCat("the ledger in ", dir, " has no valid tree size or root"));
  }
  auto frontier = TreeFrontier::Load(*this, *size);
  if (!frontier.ok()) {
    return absl::DataLossError(
        absl::StrCat("the ledger in ", dir,
                     " is missing tree hashes: ", frontier.status().message()));
  }
  Hash root = frontier->Root();
  if (AsString(root) != *root_text) {
    return absl::DataLossError(absl::StrCat(
        "the ledger in ", dir,
        ": the stored root does not match the stored tree hashes"));
  }
  {
    absl::MutexLock lock(&mu_);
    frontier_ = std::move(*frontier);
    root_ = root;
    checkpoint_ = checkpoint.value_or("");
  }
  if (*size > 0 && keeps_entries()) {
    auto last = ReadEntry(*size - 1);
    auto leaf = ReadNode({0, *size - 1});
    if (!last.ok() || !leaf.ok() || HashLeaf(*last) != *leaf) {
      return absl::DataLossError(
          absl::StrCat("the ledger in ", dir,
                       ": the last entry does not match its leaf hash"));
    }
  }
  std::string extra;
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  if (d->db
          ->Get(rocksdb::ReadOptions(), d->entries, sk::EntryKey(*size), &extra)
          .ok()) {
    return absl::DataLossError(absl::StrCat(
        "the ledger in ", dir, " holds entries beyond its tree size"));
  }
  return LoadPinned();
}

absl::Status RocksLogStore::LoadPinned() {
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::vector<std::vector<Hash>> pinned;
  std::unique_ptr<rocksdb::Iterator> it(
      d->db->NewIterator(rocksdb::ReadOptions(), d->nodes));
  for (it->Seek(sk::NodeKey({kPinnedLevel, 0})); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    std::optional<uint64_t> index =
        key.size() == 9 ? sk::DecodeUint64(key.substr(1)) : std::nullopt;
    const uint8_t level = static_cast<uint8_t>(key[0]);
    if (!index || level < kPinnedLevel || it->value().size() != kHashSize) {
      return absl::DataLossError(
          absl::StrCat("the ledger in ", dir_, " holds a malformed tree node"));
    }
    if (pinned.size() <= size_t{level} - kPinnedLevel) {
      pinned.resize(size_t{level} - kPinnedLevel + 1);
    }
    std::vector<Hash>& row = pinned[level - kPinnedLevel];
    if (*index != row.size()) continue;  // Read from RocksDB when asked.
    Hash& hash = row.emplace_back();
    std::copy_n(it->value().data(), kHashSize, hash.begin());
  }
  UURO_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read tree nodes"));
  absl::MutexLock lock(&mu_);
  pinned_ = std::move(pinned);
  return absl::OkStatus();
}

void RocksLogStore::Pin(NodeId id, const Hash& hash) {
  if (id.level < kPinnedLevel) return;
  const size_t row = id.level - kPinnedLevel;
  if (pinned_.size() <= row) pinned_.resize(row + 1);
  if (id.index == pinned_[row].size()) pinned_[row].push_back(hash);
}

absl::Status RocksLogStore::Append(const AppendBatch& batch,
                                   const CheckpointMaker& make_checkpoint) {
  for (const Bytes& entry : batch.entries) {
    if (entry.size() > kMaxEntrySize) {
      return absl::InvalidArgumentError(
          absl::StrCat("an entry is ", entry.size(), " bytes; the limit is ",
                       kMaxEntrySize));
    }
  }
  absl::MutexLock append_lock(&append_mu_);
  if (write_failed_) {
    return absl::FailedPreconditionError(
        "a write failed; the store must recover before the next");
  }
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  UURO_ASSIGN_OR_RETURN(PendingAppend pending,
                        Prepare(*d, batch, make_checkpoint));
  const uint64_t first = pending.frontier.size() - batch.entries.size();
  rocksdb::WriteOptions wo;
  wo.sync = durability_ == Durability::kSynced;
  wo.disableWAL = durability_ != Durability::kSynced;
  rocksdb::Status written = d->db->Write(wo, &pending.wb);
  if (!written.ok()) {
    write_failed_ = true;
    return FromRocks(written, "cannot commit");
  }
  Publish(first, batch, std::move(pending));
  return absl::OkStatus();
}

absl::Status RocksLogStore::Recover() {
  absl::MutexLock append_lock(&append_mu_);
  if (!write_failed_) return absl::OkStatus();
  const uint64_t before = size();
  UURO_RETURN_IF_ERROR(Reopen());
  if (size() < before) {
    return absl::DataLossError(absl::StrCat(
        "the ledger in ", dir_, " reopened with ", size(),
        " entries after a failed write; it had committed ", before));
  }
  write_failed_ = false;
  return absl::OkStatus();
}

// After a failed write RocksDB 7.8 refuses to write until it resumes, and
// resuming needs a new write-ahead log, which it cannot open while the one
// whose write failed is still in use ("Seen error"); its flushes also wait a
// second after each failure. Closing the database and opening it again, as a
// restart does, always works once the disk takes writes. Opening replays the
// log, so a failed write that did reach the disk comes back as committed.
// While the disk still refuses, the log is opened read-only for the readers.
absl::Status RocksLogStore::Reopen() {
  std::shared_ptr<const Database> old;
  {
    absl::MutexLock lock(&db_mu_);
    old = std::move(db_);
  }
  if (old != nullptr) {
    // Readers that hold it finish soon; new ones are told to come back.
    while (old.use_count() > 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    old.reset();  // Closes it here, so its lock is free before the open.
  }
  absl::Status opened = OpenDb(/*create=*/false);
  if (!opened.ok()) {
    if (OpenDb(/*create=*/false, /*read_only=*/true).ok()) {
      Check().IgnoreError();  // Readers see what the disk holds.
    }
    return absl::UnavailableError(
        absl::StrCat("the store cannot write again yet: ", opened.message()));
  }
  return Check();
}

absl::StatusOr<RocksLogStore::PendingAppend> RocksLogStore::Prepare(
    const Database& d, const AppendBatch& batch,
    const CheckpointMaker& make_checkpoint) {
  PendingAppend p;
  {
    absl::MutexLock lock(&mu_);
    p.frontier = frontier_;
  }
  p.nodes.reserve(batch.entries.size() * 2);
  for (const Bytes& entry : batch.entries) {
    if (keeps_entries()) {
      p.wb.Put(d.entries, sk::EntryKey(p.frontier.size()), ToSlice(entry));
    }
    p.frontier.Append(HashLeaf(entry), [&](NodeId id, const Hash& hash) {
      p.wb.Put(d.nodes, sk::NodeKey(id), ToSlice(hash));
      p.nodes.emplace_back(id, hash);
    });
  }
  for (const StateWrite& write : batch.state) {
    if (write.value) {
      p.wb.Put(d.state, write.key, ToSlice(*write.value));
    } else {
      p.wb.Delete(d.state, write.key);
    }
  }
  p.root = p.frontier.Root();
  p.wb.Put(d.meta, sk::kTreeSizeKey, sk::EncodeUint64(p.frontier.size()));
  p.wb.Put(d.meta, sk::kRootKey, ToSlice(p.root));
  if (make_checkpoint) {
    UURO_ASSIGN_OR_RETURN(p.checkpoint,
                          make_checkpoint(p.frontier.size(), p.root));
    if (!p.checkpoint.empty()) {
      p.wb.Put(d.meta, sk::kCheckpointKey, p.checkpoint);
    }
  }
  return p;
}

// The commit is durable: readers may see it, from the caches first.
void RocksLogStore::Publish(uint64_t first, const AppendBatch& batch,
                            PendingAppend pending) {
  for (const auto& [id, hash] : pending.nodes) {
    if (id.level < kPinnedLevel) nodes_cache_.Put(NodeCacheKey(id), hash);
  }
  if (keeps_entries()) {
    for (size_t i = 0; i < batch.entries.size(); ++i) {
      entries_cache_.Put(first + i, batch.entries[i]);
    }
  }
  absl::MutexLock lock(&mu_);
  for (const auto& [id, hash] : pending.nodes) Pin(id, hash);
  frontier_ = std::move(pending.frontier);
  root_ = pending.root;
  if (!pending.checkpoint.empty()) checkpoint_ = std::move(pending.checkpoint);
}

absl::Status RocksLogStore::RequireEntries() const {
  if (keeps_entries()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "a scratch store keeps the tree and the state, not the entries");
}

absl::StatusOr<Bytes> RocksLogStore::ReadEntry(uint64_t index) const {
  UURO_RETURN_IF_ERROR(RequireEntries());
  if (index >= size()) {
    return absl::NotFoundError(
        absl::StrCat("no entry ", index, "; the log has ", size(), " entries"));
  }
  if (auto cached = entries_cache_.Get(index)) return *std::move(cached);
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::string value;
  UURO_RETURN_IF_ERROR(FromRocks(d->db->Get(rocksdb::ReadOptions(), d->entries,
                                            sk::EntryKey(index), &value),
                                 absl::StrCat("cannot read entry ", index)));
  return ToBytes(value);
}

absl::StatusOr<std::vector<Bytes>> RocksLogStore::ReadEntries(
    uint64_t begin, uint64_t end) const {
  UURO_RETURN_IF_ERROR(RequireEntries());
  if (begin > end || end > size()) {
    return absl::OutOfRangeError(absl::StrCat(
        "entries [", begin, ", ", end, ") are not all in a log of ", size()));
  }
  std::vector<Bytes> out;
  out.reserve(end - begin);
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::unique_ptr<rocksdb::Iterator> it(
      d->db->NewIterator(rocksdb::ReadOptions(), d->entries));
  uint64_t want = begin;
  for (it->Seek(sk::EntryKey(begin)); want < end && it->Valid(); it->Next()) {
    if (sk::DecodeUint64(it->key().ToStringView()) != want) break;
    out.push_back(ToBytes(it->value().ToStringView()));
    ++want;
  }
  UURO_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read entries"));
  if (want != end) {
    return absl::DataLossError(absl::StrCat("entry ", want, " is missing"));
  }
  return out;
}

absl::StatusOr<Hash> RocksLogStore::ReadNode(NodeId id) const {
  if (id.level >= kPinnedLevel) {
    absl::MutexLock lock(&mu_);
    const size_t row = id.level - kPinnedLevel;
    if (row < pinned_.size() && id.index < pinned_[row].size()) {
      return pinned_[row][id.index];
    }
  }
  if (auto cached = nodes_cache_.Get(NodeCacheKey(id))) return *cached;
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::string value;
  rocksdb::Status s =
      d->db->Get(rocksdb::ReadOptions(), d->nodes, sk::NodeKey(id), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("no tree node at level ", id.level, " index ", id.index));
  }
  UURO_RETURN_IF_ERROR(FromRocks(s, "cannot read a tree node"));
  if (value.size() != kHashSize) {
    return absl::DataLossError("a stored tree node is not 32 bytes");
  }
  Hash hash;
  std::copy(value.begin(), value.end(), hash.begin());
  nodes_cache_.Put(NodeCacheKey(id), hash);
  return hash;
}

absl::StatusOr<std::optional<Bytes>> RocksLogStore::ReadState(
    std::string_view key) const {
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::string value;
  rocksdb::Status s =
      d->db->Get(rocksdb::ReadOptions(), d->state,
                 rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  UURO_RETURN_IF_ERROR(FromRocks(s, "cannot read state"));
  return ToBytes(value);
}

absl::Status RocksLogStore::ScanState(
    std::string_view prefix, std::string_view start,
    const std::function<bool(std::string_view, ByteView)>& visit) const {
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  std::unique_ptr<rocksdb::Iterator> it(
      d->db->NewIterator(rocksdb::ReadOptions(), d->state));
  std::string_view from = start > prefix ? start : prefix;
  for (it->Seek(rocksdb::Slice(from.data(), from.size()));
       it->Valid() &&
       it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    rocksdb::Slice v = it->value();
    if (!visit(
            it->key().ToStringView(),
            ByteView(reinterpret_cast<const uint8_t*>(v.data()), v.size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "cannot scan state");
}

absl::Status RocksLogStore::CheckpointTo(const std::string& dir) const {
  UURO_ASSIGN_OR_RETURN(auto d, Current());
  rocksdb::Checkpoint* made = nullptr;
  UURO_RETURN_IF_ERROR(
      FromRocks(rocksdb::Checkpoint::Create(d->db.get(), &made),
                "cannot start a checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(made);
  // 0: always flush the memtables first, so the copy needs no WAL replay.
  return FromRocks(checkpoint->CreateCheckpoint(dir, 0),
                   absl::StrCat("cannot write a checkpoint to ", dir));
}

RocksFigures RocksLogStore::Figures() const {
  RocksFigures figures;
  auto open = Current();
  if (!open.ok()) return figures;
  rocksdb::DB* db = (*open)->db.get();
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize,
                               &figures.live_sst_bytes);
  db->GetAggregatedIntProperty(
      rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
      &figures.pending_compaction_bytes);
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kCompactionPending,
                               &figures.compaction_pending);
  db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions,
                     &figures.running_compactions);
  db->GetAggregatedIntProperty(rocksdb::DB::Properties::kSizeAllMemTables,
                               &figures.memtable_bytes);
  return figures;
}

const RocksLogStore* AsRocks(const LogStore& store) {
  return dynamic_cast<const RocksLogStore*>(&store);
}

}  // namespace

absl::Status CheckpointRocksLogStore(const LogStore& store,
                                     const std::string& dir) {
  const RocksLogStore* rocks = AsRocks(store);
  if (rocks == nullptr) {
    return absl::FailedPreconditionError("the store is not on RocksDB");
  }
  return rocks->CheckpointTo(dir);
}

absl::StatusOr<RocksFigures> ReadRocksFigures(const LogStore& store) {
  const RocksLogStore* rocks = AsRocks(store);
  if (rocks == nullptr) {
    return absl::FailedPreconditionError("the store is not on RocksDB");
  }
  return rocks->Figures();
}

absl::StatusOr<std::unique_ptr<LogStore>> CreateRocksLogStore(
    const std::string& dir, Durability durability, rocksdb::Env* env) {
  return RocksLogStore::Open(dir, /*create=*/true, durability, env);
}

absl::StatusOr<std::unique_ptr<LogStore>> OpenRocksLogStore(
    const std::string& dir, rocksdb::Env* env) {
  return RocksLogStore::Open(dir, /*create=*/false, Durability::kSynced, env);
}

}  // namespace uuro
