#include "ledger/tlog/tiles.h"

#include <gtest/gtest.h>

#include "ledger/store/rocks_log_store.h"
#include "tests/testing/temp_dir.h"

namespace uuro {
namespace {

constexpr uint64_t E = TileAddress::kEntriesLevel;

TEST(TilePathTest, KnownPaths) {
  struct Case {
    TileAddress tile;
    std::string path;
  };
  const Case cases[] = {
      {{0, 0, 256}, "tile/0/000"},
      {{1, 5, 256}, "tile/1/005"},
      {{0, 1234067, 256}, "tile/0/x001/x234/067"},
      {{2, 1000, 17}, "tile/2/x001/000.p/17"},
      {{E, 0, 1}, "tile/entries/000.p/1"},
      {{E, 999, 255}, "tile/entries/999.p/255"},
      {{E, 1000000, 256}, "tile/entries/x001/x000/000"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TilePath(c.tile), c.path);
    auto parsed = ParseTilePath(c.path);
    ASSERT_TRUE(parsed.ok()) << c.path << ": " << parsed.status();
    EXPECT_EQ(*parsed, c.tile) << c.path;
  }
}

TEST(TilePathTest, MalformedPathsAreRefused) {
  for (const char* path : {"",
                           "tile/",
                           "tile/0",
                           "tile/0/",
                           "tile/0/1",
                           "tile/0/0001",
                           "tile/0/x000/001",
                           "tile/0/001.p/0",
                           "tile/0/001.p/256",
                           "tile/0/001.p/",
                           "tile/0/001.p/07",
                           "tile/00/001",
                           "tile/-1/001",
                           "tile/8/001",
                           "tile/entries/x1/001",
                           "tile/0/x001/x234/067/",
                           "/tile/0/000",
                           "tile/0/x018/x446/x744/x073/x709/x551/616",
                           "tile/0/abc",
                           "tile/data/000"}) {
    EXPECT_FALSE(ParseTilePath(path).ok()) << path;
  }
}

TEST(TileWidthTest, FullPartialAndMissingTiles) {
  EXPECT_EQ(TileWidthAt(0, 0, 0), 0u);
  EXPECT_EQ(TileWidthAt(1, 0, 0), 1u);
  EXPECT_EQ(TileWidthAt(256, 0, 0), 256u);
  EXPECT_EQ(TileWidthAt(256, 0, 1), 0u);
  EXPECT_EQ(TileWidthAt(257, 0, 1), 1u);
  EXPECT_EQ(TileWidthAt(255, 1, 0), 0u);
  EXPECT_EQ(TileWidthAt(256, 1, 0), 1u);
  EXPECT_EQ(TileWidthAt(65536, 1, 0), 256u);
  EXPECT_EQ(TileWidthAt(65536, 2, 0), 1u);
  EXPECT_EQ(TileWidthAt(70000, E, 273), 112u);
}

TEST(EntryBundleTest, RoundTripAndTruncation) {
  std::vector<Bytes> entries = {ToBytes(""), ToBytes("a"),
                                Bytes(kMaxEntrySize, 7)};
  Bytes bundle = EncodeEntryBundle(entries);
  EXPECT_EQ(bundle[0], 0);
  EXPECT_EQ(bundle[1], 0);
  EXPECT_EQ(bundle[2], 0);
  EXPECT_EQ(bundle[3], 1);
  EXPECT_EQ(bundle[5], 0xff);
  EXPECT_EQ(bundle[6], 0xff);
  EXPECT_EQ(*DecodeEntryBundle(bundle), entries);
  for (size_t cut : {size_t{1}, size_t{4}, bundle.size() - 1}) {
    EXPECT_FALSE(DecodeEntryBundle(ByteView(bundle).first(cut)).ok())
        << "cut at " << cut;
  }
}

// The store at several sizes across tile boundaries, checked against what a
// monitor sees through the tiles alone.
class TilesFromStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CreateRocksLogStore(dir_.Sub("ledger"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
  }
  void GrowTo(uint64_t size) {
    while (store_->size() < size) {
      AppendBatch batch;
      for (uint64_t i = store_->size(); i < size && batch.entries.size() < 4096;
           ++i) {
        batch.entries.push_back(ToBytes("e" + std::to_string(i)));
      }
      ASSERT_TRUE(store_->Append(batch, nullptr).ok());
    }
  }
  TileFetcher Fetcher() {
    return [this](const TileAddress& tile) { return ReadTile(*store_, tile); };
  }
  testing::TempDir dir_;
  std::unique_ptr<LogStore> store_;
};

TEST_F(TilesFromStoreTest, TilesAloneReproduceTheRoot) {
  for (uint64_t size : {1, 2, 255, 256, 257, 513, 65535, 65536, 65537, 70001}) {
    GrowTo(size);
    TileNodeReader reader(Fetcher(), size);
    auto root = RootAt(reader, size);
    ASSERT_TRUE(root.ok()) << size << ": " << root.status();
    EXPECT_EQ(*root, store_->root()) << "size " << size;
  }
}

TEST_F(TilesFromStoreTest, EntryBundlesHoldTheEntries) {
  GrowTo(300);
  auto full = ReadTile(*store_, {E, 0, 256});
  ASSERT_TRUE(full.ok());
  auto entries = DecodeEntryBundle(*full);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 256u);
  EXPECT_EQ((*entries)[255], ToBytes("e255"));
  auto partial = DecodeEntryBundle(*ReadTile(*store_, {E, 1, 44}));
  ASSERT_EQ(partial->size(), 44u);
  EXPECT_EQ(partial->back(), ToBytes("e299"));
  // A narrower partial tile is a prefix of the wider one.
  EXPECT_EQ(DecodeEntryBundle(*ReadTile(*store_, {E, 1, 3}))->size(), 3u);
}

TEST_F(TilesFromStoreTest, TilesThatDoNotExistAreNotFound) {
  GrowTo(300);
  for (TileAddress tile :
       {TileAddress{0, 1, 256}, TileAddress{0, 1, 45}, TileAddress{0, 2, 1},
        TileAddress{1, 0, 2}, TileAddress{2, 0, 1}, TileAddress{E, 1, 45}}) {
    EXPECT_EQ(ReadTile(*store_, tile).status().code(),
              absl::StatusCode::kNotFound)
        << TilePath(tile);
  }
  auto level0 = ReadTile(*store_, {0, 0, 256});
  ASSERT_TRUE(level0.ok());
  EXPECT_EQ(level0->size(), 256 * kHashSize);
  auto level1 = ReadTile(*store_, {1, 0, 1});
  ASSERT_TRUE(level1.ok());
  EXPECT_EQ(level1->size(), kHashSize);
}

}  // namespace
}  // namespace uuro
