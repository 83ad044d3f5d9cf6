// Google Benchmark micro-benchmarks of the four steps every award goes
// through: verify its envelope, apply the fund rules, append its leaf, and
// make an inclusion proof for its receipt. Built with the project so they
// always compile; run by hand or by bench/run (not part of ctest).
#include <benchmark/benchmark.h>

#include <random>

#include "ledger/fund/batch_applier.h"
#include "ledger/fund/transaction.h"
#include "ledger/store/rocks_log_store.h"
#include "ledger/tlog/merkle.h"
#include "services/published_checkpoint.h"
#include "tests/testing/fund_harness.h"
#include "tests/testing/temp_dir.h"

namespace uuro::bench {
namespace {

using testing::FundHarness;

Bytes AwardEnvelope(FundHarness& fund, const SecretKey& key, uint64_t nonce) {
  return fund.Sign(key, FundHarness::Award(/*round=*/0, 0, 1), nonce);
}

// DecodeEnvelope: parse, canonical check and the Ed25519 verification that
// request threads run for every submission.
void BM_VerifyEnvelope(benchmark::State& state) {
  FundHarness fund;
  SecretKey key = SecretKey::Generate();
  const Bytes envelope = AwardEnvelope(fund, key, 0);
  for (auto _ : state) {
    auto tx = fund::DecodeEnvelope(envelope);
    if (!tx.ok()) state.SkipWithError("the envelope did not verify");
    benchmark::DoNotOptimize(tx);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyEnvelope);

// BatchApplier::Apply of one award on a committed fund of 1,000 residents
// and 100 initiatives, inside batches as large as the sequencer's.
void BM_ApplyAward(benchmark::State& state) {
  FundHarness fund;
  constexpr size_t kResidents = 1000, kInitiatives = 100, kBatch = 2048;
  std::vector<SecretKey> residents;
  for (size_t i = 0; i < kResidents; ++i)
    residents.push_back(fund.EnrollNew("north"));
  std::vector<uint64_t> initiatives;
  for (size_t i = 0; i < kInitiatives; ++i)
    initiatives.push_back(fund.Propose(residents[i]));
  const uint64_t round = fund.OpenRound(1000000);
  std::vector<fund::VerifiedTx> awards;
  for (size_t i = 0; i < kBatch; ++i) {
    const size_t r = i % kResidents;
    auto body = FundHarness::Award(round, initiatives[i % kInitiatives], 1);
    auto tx = fund::DecodeEnvelope(fund.Sign(
        residents[r], body, (r < kInitiatives ? 1 : 0) + i / kResidents));
    if (!tx.ok()) {
      state.SkipWithError("cannot sign the awards");
      return;
    }
    awards.push_back(*std::move(tx));
  }
  // Nothing is committed, so every fresh applier accepts the same awards.
  auto applier =
      std::make_unique<fund::BatchApplier>(fund.state(), fund.store().size());
  size_t next = 0;
  for (auto _ : state) {
    if (next == awards.size()) {
      state.PauseTiming();
      applier = std::make_unique<fund::BatchApplier>(fund.state(),
                                                     fund.store().size());
      next = 0;
      state.ResumeTiming();
    }
    auto result = applier->Apply(awards[next++], fund.now_ms);
    if (!result.ok())
      state.SkipWithError(std::string(result.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyAward);

// TreeFrontier::Append: the leaf hash and every node it completes.
void BM_AppendLeafInMemory(benchmark::State& state) {
  TreeFrontier frontier;
  const Bytes entry(200, 0x5a);
  uint64_t nodes = 0;
  for (auto _ : state) {
    frontier.Append(HashLeaf(entry), [&](NodeId, const Hash&) { ++nodes; });
  }
  benchmark::DoNotOptimize(nodes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendLeafInMemory);

// LogStore::Append of `range(0)` entries as one synced RocksDB commit; items
// are entries, so items/s is the durable append rate at that batch size.
void BM_AppendLeavesToStore(benchmark::State& state) {
  testing::TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("db"));
  if (!store.ok()) {
    state.SkipWithError("cannot create the store");
    return;
  }
  AppendBatch batch;
  batch.entries.assign(static_cast<size_t>(state.range(0)), Bytes(200, 0x5a));
  for (auto _ : state) {
    absl::Status s = (*store)->Append(batch, nullptr);
    if (!s.ok()) state.SkipWithError("the append failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AppendLeavesToStore)->Arg(1)->Arg(256)->Arg(2048)->UseRealTime();

// One synced commit of one entry followed, as in uurod, by the record of
// its checkpoint outside the store (one pwrite and one fdatasync): set
// beside BM_AppendLeavesToStore/1, the cost of never signing a fork.
void BM_CommitAndRecordCheckpoint(benchmark::State& state) {
  testing::TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("db"));
  auto record =
      server::PublishedCheckpointFile::Open(dir.Sub("published-checkpoint"));
  if (!store.ok() || !record.ok()) {
    state.SkipWithError("cannot create the store or the record");
    return;
  }
  AppendBatch batch;
  batch.entries.assign(1, Bytes(200, 0x5a));
  const std::string note(400, 'n');  // About a signed checkpoint's size.
  for (auto _ : state) {
    if (!(*store)->Append(batch, nullptr).ok() ||
        !(*record)->Write(note).ok()) {
      state.SkipWithError("the commit or the record failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommitAndRecordCheckpoint)->UseRealTime();

// InclusionProof read from RocksDB in a log of `range(0)` entries.
void BM_InclusionProof(benchmark::State& state) {
  testing::TempDir dir;
  auto store = CreateRocksLogStore(dir.Sub("db"));
  if (!store.ok()) {
    state.SkipWithError("cannot create the store");
    return;
  }
  const uint64_t size = static_cast<uint64_t>(state.range(0));
  for (uint64_t done = 0; done < size; done += 4096) {
    AppendBatch batch;
    batch.entries.assign(std::min<uint64_t>(4096, size - done),
                         Bytes(100, 0x17));
    if (!(*store)->Append(batch, nullptr).ok()) {
      state.SkipWithError("cannot fill the store");
      return;
    }
  }
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto proof = InclusionProof(**store, rng() % size, size);
    if (!proof.ok()) state.SkipWithError("no proof");
    benchmark::DoNotOptimize(proof);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof)->Arg(1 << 12)->Arg(1 << 18);

}  // namespace
}  // namespace uuro::bench

BENCHMARK_MAIN();
