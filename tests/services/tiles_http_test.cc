// A monitor that uses only HTTP, against a real uurod serving tlog-tiles: it
// pins the log key, verifies the checkpoint, rebuilds the tree from the entry
// bundles and checks every hash tile against it, at the tree sizes where tile
// boundaries make off-by-one mistakes visible.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/ledger_client.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tiles.h"
#include "tests/testing/http_uurod_fixture.h"
#include "tests/testing/uurod_helpers.h"

namespace uuro {
namespace {

constexpr char kImmutable[] = "public, max-age=31536000, immutable";

struct Fetched {
  int status = -1;  // -1: no answer at all.
  std::string body;
  std::string cache_control;
};

// Everything the monitor knows of the log comes through this.
class HttpLog {
 public:
  explicit HttpLog(const std::string& address) : client_("http://" + address) {
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
  }

  Fetched Get(const std::string& path) {
    Fetched out;
    httplib::Result res = client_.Get(path);
    if (!res) return out;
    out.status = res->status;
    out.body = res->body;
    out.cache_control = res->get_header_value("Cache-Control");
    return out;
  }

  absl::StatusOr<Bytes> Tile(const TileAddress& tile) {
    Fetched f = Get("/" + TilePath(tile));
    if (f.status != 200) {
      return absl::NotFoundError(
          absl::StrCat(TilePath(tile), ": HTTP ", f.status));
    }
    return Bytes(f.body.begin(), f.body.end());
  }

  httplib::Client& client() { return client_; }

 private:
  httplib::Client client_;
};

class TilesHttpTest : public testing::HttpUurodTest {
 protected:
  void SetUp() override {
    HttpUurodTest::SetUp();
    if (HasFatalFailure()) return;
    http_ = std::make_unique<HttpLog>(uurod_->http_address());
  }

  // The checkpoint as served, verified with the key served at /log.vkey,
  // which must be the pinned one.
  Checkpoint FetchCheckpoint() {
    Fetched vkey = http_->Get("/log.vkey");
    EXPECT_EQ(vkey.status, 200);
    EXPECT_EQ(vkey.body, ledger_->vkey_text + "\n");
    std::string_view key_line = vkey.body;
    if (!key_line.empty() && key_line.back() == '\n') key_line.remove_suffix(1);
    auto served_key = ParseVerifierKey(key_line);
    EXPECT_TRUE(served_key.ok()) << served_key.status();
    NoteVerifier pinned = ledger_->log_key();
    if (served_key.ok()) {
      EXPECT_EQ(served_key->key_id(), pinned.key_id());
      EXPECT_EQ(served_key->key(), pinned.key());
    }
    Fetched note = http_->Get("/checkpoint");
    EXPECT_EQ(note.status, 200);
    EXPECT_NE(note.cache_control, kImmutable);
    EXPECT_FALSE(note.cache_control.empty());
    auto cp = OpenCheckpoint(note.body, pinned, ledger_->origin);
    EXPECT_TRUE(cp.ok()) << cp.status();
    return cp.ok() ? *cp : Checkpoint{};
  }

  // Appends enrollments of fresh keys until the log holds `size` entries.
  void GrowTo(uint64_t size) {
    uint64_t now = FetchCheckpoint().size;
    ASSERT_LE(now, size);
    absl::Status grown =
        testing::EnrollMany(*client_, ledger_->steward, size - now);
    ASSERT_TRUE(grown.ok()) << grown;
  }

  // The whole monitor: everything it checks comes over HTTP.
  void MonitorAt(uint64_t size) {
    SCOPED_TRACE(absl::StrCat("tree size ", size));
    Checkpoint cp = FetchCheckpoint();
    ASSERT_EQ(cp.size, size);

    // Rebuild the tree from the entry bundles, keeping the nodes that hash
    // tiles hold (tree levels 0, 8, 16, ...).
    TreeFrontier tree;
    std::map<uint64_t, std::vector<Hash>> levels;  // Tile level -> nodes.
    for (uint64_t index = 0; index * kTileWidth < size; ++index) {
      uint64_t width = std::min(kTileWidth, size - index * kTileWidth);
      auto bundle = http_->Tile({TileAddress::kEntriesLevel, index, width});
      ASSERT_TRUE(bundle.ok()) << bundle.status();
      auto entries = DecodeEntryBundle(*bundle);
      ASSERT_TRUE(entries.ok()) << entries.status();
      ASSERT_EQ(entries->size(), width);
      for (const Bytes& entry : *entries) {
        tree.Append(HashLeaf(entry), [&](NodeId id, const Hash& hash) {
          if (id.level % kTileHeight != 0) return;
          std::vector<Hash>& nodes = levels[id.level / kTileHeight];
          ASSERT_EQ(nodes.size(), id.index);
          nodes.push_back(hash);
        });
      }
    }
    ASSERT_EQ(tree.size(), size);
    EXPECT_EQ(tree.Root(), cp.root);

    // Every hash tile, byte for byte, and nothing past the edge of each level.
    for (const auto& [level, nodes] : levels) {
      uint64_t tiles = (nodes.size() + kTileWidth - 1) / kTileWidth;
      for (uint64_t index = 0; index < tiles; ++index) {
        uint64_t first = index * kTileWidth;
        uint64_t width = std::min<uint64_t>(kTileWidth, nodes.size() - first);
        Bytes want;
        for (uint64_t i = first; i < first + width; ++i) {
          want.insert(want.end(), nodes[i].begin(), nodes[i].end());
        }
        Fetched got = http_->Get("/" + TilePath({level, index, width}));
        ASSERT_EQ(got.status, 200) << TilePath({level, index, width});
        EXPECT_EQ(got.body, std::string(AsString(want)))
            << TilePath({level, index, width});
        if (width == kTileWidth) {
          EXPECT_EQ(got.cache_control, kImmutable);
        } else {
          EXPECT_NE(got.cache_control, kImmutable);
          EXPECT_FALSE(got.cache_control.empty());
          // Not full yet, so the full tile is not there.
          EXPECT_EQ(
              http_->Get("/" + TilePath({level, index, kTileWidth})).status,
              404);
          // Nor anything wider than the tree holds.
          EXPECT_EQ(
              http_->Get("/" + TilePath({level, index, width + 1})).status,
              404);
        }
      }
      EXPECT_EQ(http_->Get("/" + TilePath({level, tiles, 1})).status, 404);
      EXPECT_EQ(http_->Get("/" + TilePath({level, tiles, kTileWidth})).status,
                404);
    }
    // The level above the highest one with nodes does not exist.
    uint64_t above = levels.rbegin()->first + 1;
    EXPECT_EQ(http_->Get("/" + TilePath({above, 0, 1})).status, 404);
    // Nor do entries past the end.
    uint64_t bundles = (size + kTileWidth - 1) / kTileWidth;
    EXPECT_EQ(
        http_->Get("/" + TilePath({TileAddress::kEntriesLevel, bundles, 1}))
            .status,
        404);

    // What a monitor without the entries does: the root from the tiles alone.
    TileNodeReader reader(
        [this](const TileAddress& tile) { return http_->Tile(tile); }, size);
    auto root = RootAt(reader, size);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, cp.root);
  }

  std::unique_ptr<HttpLog> http_;
};

// Size 0 cannot be served (genesis is entry 0), so the smallest log is one
// entry: its tiles are one-wide partial tiles, and nothing else exists.
TEST_F(TilesHttpTest, OneEntryLog) {
  MonitorAt(1);
  Fetched tile = http_->Get("/tile/0/000.p/1");
  EXPECT_EQ(tile.status, 200);
  EXPECT_EQ(tile.body.size(), kHashSize);
  EXPECT_EQ(http_->Get("/tile/entries/000.p/1").status, 200);
  for (const char* missing :
       {"/tile/0/000", "/tile/0/000.p/2", "/tile/0/001.p/1", "/tile/1/000.p/1",
        "/tile/entries/000", "/tile/entries/000.p/2",
        "/tile/entries/001.p/1"}) {
    EXPECT_EQ(http_->Get(missing).status, 404) << missing;
  }
}

TEST_F(TilesHttpTest, BadPathsAndMethods) {
  for (const char* bad :
       {"/", "/tile", "/tile/", "/tile/0", "/tile/0/0", "/tile/0/000.p/0",
        "/tile/0/000.p/256", "/tile/0/000.p/", "/tile/0/000.p/01",
        "/tile/entries/000.p/0", "/tile/entries/000.p/256", "/tile/x/000",
        "/tile/0/000/", "/checkpoint/", "/log.vkey.txt", "/tile/0/1000",
        "/tile/../checkpoint"}) {
    EXPECT_EQ(http_->Get(bad).status, 404) << bad;
  }
  httplib::Result head = http_->client().Head("/tile/0/000.p/1");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  httplib::Result post = http_->client().Post("/checkpoint", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

// One log grown through every boundary that matters, checked at each.
TEST_F(TilesHttpTest, MonitorRebuildsTheTreeAtEverySize) {
  std::mt19937_64 random(std::random_device{}());
  uint64_t larger = 65537 + 1 + random() % 20000;
  for (uint64_t size : {uint64_t{255}, uint64_t{256}, uint64_t{257},
                        uint64_t{65536}, uint64_t{65537}, larger}) {
    ASSERT_NO_FATAL_FAILURE(GrowTo(size));
    ASSERT_NO_FATAL_FAILURE(MonitorAt(size));
    if (size == 256) {
      Fetched full = http_->Get("/tile/0/000");
      EXPECT_EQ(full.status, 200);
      EXPECT_EQ(full.cache_control, kImmutable);
      EXPECT_EQ(http_->Get("/tile/entries/000").cache_control, kImmutable);
      // The one node above it exists too, as a one-wide partial tile.
      Fetched above = http_->Get("/tile/1/000.p/1");
      EXPECT_EQ(above.status, 200);
      EXPECT_NE(above.cache_control, kImmutable);
    }
  }
}

}  // namespace
}  // namespace uuro
