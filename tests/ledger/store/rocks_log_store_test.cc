#include "ledger/store/rocks_log_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <fstream>

#include "ledger/store/store_keys.h"
#include "tests/testing/temp_dir.h"

namespace uuro {
namespace {

using ::uuro::testing::TempDir;

Bytes Entry(uint64_t i) { return ToBytes("entry " + std::to_string(i)); }

AppendBatch Entries(uint64_t begin, uint64_t end) {
  AppendBatch batch;
  for (uint64_t i = begin; i < end; ++i) batch.entries.push_back(Entry(i));
  return batch;
}

// The root of entries 0..n-1 computed without the store.
Hash ExpectedRoot(uint64_t n) {
  TreeFrontier frontier;
  for (uint64_t i = 0; i < n; ++i) frontier.Append(HashLeaf(Entry(i)), {});
  return frontier.Root();
}

TEST(RocksLogStoreTest, NewLedgerIsEmpty) {
  TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("ledger"));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->size(), 0u);
  EXPECT_EQ((*store)->root(), EmptyTreeRoot());
  EXPECT_EQ((*store)->checkpoint(), "");
  EXPECT_EQ((*store)->ReadEntry(0).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(RocksLogStoreTest, AppendReopenSameRootAndEntries) {
  TempDir dir;
  std::string path = dir.Sub("ledger");
  {
    auto store = CreateRocksLogStore(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Append(Entries(0, 1), nullptr).ok());
    ASSERT_TRUE((*store)->Append(Entries(1, 300), nullptr).ok());
    ASSERT_TRUE((*store)->Append(Entries(300, 301), nullptr).ok());
    EXPECT_EQ((*store)->size(), 301u);
    EXPECT_EQ((*store)->root(), ExpectedRoot(301));
  }
  auto store = OpenRocksLogStore(path);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->size(), 301u);
  EXPECT_EQ((*store)->root(), ExpectedRoot(301));
  EXPECT_EQ(*(*store)->ReadEntry(299), Entry(299));
  auto range = (*store)->ReadEntries(10, 20);
  ASSERT_TRUE(range.ok()) << range.status();
  ASSERT_EQ(range->size(), 10u);
  EXPECT_EQ((*range)[0], Entry(10));
  EXPECT_EQ((*range)[9], Entry(19));
  EXPECT_FALSE((*store)->ReadEntries(300, 302).ok());
  // Appending continues where the reopened tree ends.
  ASSERT_TRUE((*store)->Append(Entries(301, 520), nullptr).ok());
  EXPECT_EQ((*store)->root(), ExpectedRoot(520));
}

TEST(RocksLogStoreTest, CheckpointIsStoredWithTheBatch) {
  TempDir dir;
  std::string path = dir.Sub("ledger");
  {
    auto store = CreateRocksLogStore(path);
    ASSERT_TRUE(store.ok());
    uint64_t seen_size = 0;
    Hash seen_root{};
    auto status =
        (*store)->Append(Entries(0, 5), [&](uint64_t size, const Hash& root) {
          seen_size = size;
          seen_root = root;
          return absl::StatusOr<std::string>("checkpoint at " +
                                             std::to_string(size));
        });
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(seen_size, 5u);
    EXPECT_EQ(seen_root, ExpectedRoot(5));
    EXPECT_EQ((*store)->checkpoint(), "checkpoint at 5");
  }
  auto store = OpenRocksLogStore(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->checkpoint(), "checkpoint at 5");
}

TEST(RocksLogStoreTest, FailedCheckpointCommitsNothing) {
  TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("ledger"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Append(Entries(0, 3), nullptr).ok());
  auto status = (*store)->Append(Entries(3, 6), [](uint64_t, const Hash&) {
    return absl::StatusOr<std::string>(absl::InternalError("signer failed"));
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ((*store)->size(), 3u);
  EXPECT_EQ((*store)->root(), ExpectedRoot(3));
  EXPECT_FALSE((*store)->ReadEntry(3).ok());
}

TEST(RocksLogStoreTest, OversizedEntryIsRefusedAndChangesNothing) {
  TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("ledger"));
  ASSERT_TRUE(store.ok());
  AppendBatch batch = Entries(0, 2);
  batch.entries.push_back(Bytes(kMaxEntrySize + 1, 'x'));
  EXPECT_EQ((*store)->Append(batch, nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->size(), 0u);
  AppendBatch largest;
  largest.entries.push_back(Bytes(kMaxEntrySize, 'x'));
  EXPECT_TRUE((*store)->Append(largest, nullptr).ok());
}

TEST(RocksLogStoreTest, StateIsWrittenWithEntriesAndScannedInOrder) {
  TempDir dir;
  std::string path = dir.Sub("ledger");
  {
    auto store = CreateRocksLogStore(path);
    ASSERT_TRUE(store.ok());
    AppendBatch batch = Entries(0, 1);
    batch.state = {{"a/2", ToBytes("two")},
                   {"a/1", ToBytes("one")},
                   {"b/1", ToBytes("other")}};
    ASSERT_TRUE((*store)->Append(batch, nullptr).ok());
    AppendBatch del = Entries(1, 2);
    del.state = {{"b/1", std::nullopt}};
    ASSERT_TRUE((*store)->Append(del, nullptr).ok());
  }
  auto store = OpenRocksLogStore(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(**(*store)->ReadState("a/1"), ToBytes("one"));
  EXPECT_FALSE((*store)->ReadState("b/1")->has_value());
  std::vector<std::string> keys;
  ASSERT_TRUE((*store)
                  ->ScanState("a/",
                              [&](std::string_view key, ByteView) {
                                keys.emplace_back(key);
                                return true;
                              })
                  .ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2"}));
}

TEST(RocksLogStoreTest, AScratchStoreKeepsTheTreeAndStateButNoEntries) {
  TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("scratch"),
                                   Durability::kScratchWithoutEntries);
  ASSERT_TRUE(store.ok()) << store.status();
  AppendBatch batch = Entries(0, 100);
  batch.state = {{"a/1", ToBytes("one")}};
  ASSERT_TRUE((*store)->Append(batch, nullptr).ok());
  ASSERT_TRUE((*store)->Append(Entries(100, 130), nullptr).ok());
  EXPECT_EQ((*store)->size(), 130u);
  EXPECT_EQ((*store)->root(), ExpectedRoot(130));
  EXPECT_EQ(*(*store)->ReadNode({0, 129}), HashLeaf(Entry(129)));
  EXPECT_EQ(**(*store)->ReadState("a/1"), ToBytes("one"));
  EXPECT_EQ((*store)->ReadEntry(129).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*store)->ReadEntries(0, 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RocksLogStoreTest, CreateRefusesExistingLedgerAndNonEmptyFolder) {
  TempDir dir;
  std::string path = dir.Sub("ledger");
  { ASSERT_TRUE(CreateRocksLogStore(path).ok()); }
  EXPECT_EQ(CreateRocksLogStore(path).status().code(),
            absl::StatusCode::kAlreadyExists);
  std::string other = dir.Sub("other");
  std::filesystem::create_directories(other);
  std::ofstream(other + "/notes.txt") << "hello";
  EXPECT_EQ(CreateRocksLogStore(other).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(RocksLogStoreTest, OpenRefusesFolderThatIsNotALedger) {
  TempDir dir;
  auto missing = OpenRocksLogStore(dir.Sub("nothing-here"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no ledger"), std::string::npos);
  auto empty = OpenRocksLogStore(dir.path());
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kNotFound);
}

TEST(RocksLogStoreTest, SecondOpenWhileInUseIsUnavailable) {
  TempDir dir;
  std::string path = dir.Sub("ledger");
  auto first = CreateRocksLogStore(path);
  ASSERT_TRUE(first.ok());
  auto second = OpenRocksLogStore(path);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable)
      << second.status();
}

// Overwrites one record of a closed ledger behind the store's back.
void Tamper(const std::string& path, const char* family, const std::string& key,
            const std::string& value) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : {"default", store_keys::kEntries, store_keys::kNodes,
                           store_keys::kMeta, store_keys::kState}) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db)
          .ok());
  size_t i = 0;
  while (families[i].name != family) ++i;
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[i], key, value).ok());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

class RocksLogStoreTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CreateRocksLogStore(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append(Entries(0, 13), nullptr).ok());
  }
  TempDir dir_;
  std::string path_ = dir_.Sub("ledger");
};

TEST_F(RocksLogStoreTamperTest, WrongStoredRootIsDataLoss) {
  Tamper(path_, store_keys::kMeta, store_keys::kRootKey, std::string(32, 'x'));
  auto store = OpenRocksLogStore(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(store.status().message().find("root"), std::string::npos);
}

TEST_F(RocksLogStoreTamperTest, WrongFrontierNodeIsDataLoss) {
  // 13 = 8 + 4 + 1: node (3, 0) is on the right edge of the tree.
  Tamper(path_, store_keys::kNodes, store_keys::NodeKey({3, 0}),
         std::string(32, 'y'));
  EXPECT_EQ(OpenRocksLogStore(path_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(RocksLogStoreTamperTest, ChangedLastEntryIsDataLoss) {
  Tamper(path_, store_keys::kEntries, store_keys::EntryKey(12), "forged");
  EXPECT_EQ(OpenRocksLogStore(path_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(RocksLogStoreTamperTest, WrongFormatIsNotALedger) {
  Tamper(path_, store_keys::kMeta, store_keys::kFormatKey, "something-else");
  EXPECT_EQ(OpenRocksLogStore(path_).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace uuro
