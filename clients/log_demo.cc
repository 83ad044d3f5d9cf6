// uuro-log-demo: appends a few entries to a ledger folder, signs a checkpoint
// with the folder's log key, and verifies an inclusion proof and a consistency
// proof against it, as any client of the log would.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "ledger/checkpoint.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/rocks_log_store.h"
#include "ledger/status_macros.h"

namespace uuro {
namespace {

absl::StatusOr<NoteSigner> LoadOrCreateLogKey(const std::string& data,
                                              const std::string& origin) {
  std::string path = data + "/log.key";
  if (!std::filesystem::exists(path)) {
    UURO_RETURN_IF_ERROR(SaveSecretKey(SecretKey::Generate(), path));
  }
  UURO_ASSIGN_OR_RETURN(SecretKey key, LoadSecretKey(path));
  return NoteSigner::Create(origin, std::move(key));
}

absl::Status Run(const std::string& data, const std::string& origin,
                 int count) {
  std::filesystem::create_directories(data);
  std::string db = data + "/db";
  auto opened = std::filesystem::exists(db) ? OpenRocksLogStore(db)
                                            : CreateRocksLogStore(db);
  UURO_RETURN_IF_ERROR(opened.status());
  std::unique_ptr<LogStore> store = std::move(*opened);
  UURO_ASSIGN_OR_RETURN(NoteSigner signer, LoadOrCreateLogKey(data, origin));
  NoteVerifier verifier = signer.verifier();
  std::ofstream(data + "/log.vkey") << FormatVerifierKey(verifier) << "\n";

  uint64_t old_size = store->size();
  Hash old_root = store->root();
  AppendBatch batch;
  for (int i = 0; i < count; ++i) {
    batch.entries.push_back(ToBytes("demo entry " +
                                    std::to_string(old_size + i) + " at " +
                                    std::to_string(std::time(nullptr))));
  }
  UURO_RETURN_IF_ERROR(store->Append(batch, [&](uint64_t size, const Hash& root) {
    return SignCheckpoint({origin, size, root, {}}, signer);
  }));
  std::printf("ledger:   %s (%llu entries, %llu new)\n", db.c_str(),
              static_cast<unsigned long long>(store->size()),
              static_cast<unsigned long long>(count));
  std::printf("log key:  %s\n\n%s\n", FormatVerifierKey(verifier).c_str(),
              store->checkpoint().c_str());

  // Verify as a client would: the checkpoint against the pinned key, then
  // proofs against the checkpoint's root.
  UURO_ASSIGN_OR_RETURN(Checkpoint cp,
                        OpenCheckpoint(store->checkpoint(), verifier, origin));
  uint64_t last = cp.size - 1;
  UURO_ASSIGN_OR_RETURN(Bytes entry, store->ReadEntry(last));
  UURO_ASSIGN_OR_RETURN(auto inclusion, InclusionProof(*store, last, cp.size));
  UURO_RETURN_IF_ERROR(
      VerifyInclusion(HashLeaf(entry), last, cp.size, inclusion, cp.root));
  std::printf("inclusion of entry %llu: verified with %zu hashes\n",
              static_cast<unsigned long long>(last), inclusion.size());
  if (old_size > 0) {
    UURO_ASSIGN_OR_RETURN(auto consistency,
                          ConsistencyProof(*store, old_size, cp.size));
    UURO_RETURN_IF_ERROR(
        VerifyConsistency(old_size, cp.size, consistency, old_root, cp.root));
    std::printf("consistency %llu -> %llu: verified with %zu hashes\n",
                static_cast<unsigned long long>(old_size),
                static_cast<unsigned long long>(cp.size), consistency.size());
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace uuro

int main(int argc, char** argv) {
  CLI::App app{"Appends demo entries to a Uuro ledger and verifies its proofs."};
  std::string data;
  std::string origin = "demo.uuro.example/log";
  int count = 8;
  app.add_option("--data", data, "ledger folder (created if missing)")
      ->required();
  app.add_option("--origin", origin, "log origin (checkpoint first line)");
  app.add_option("--entries", count, "entries to append")
      ->check(CLI::Range(1, 100000));
  app.footer("Example: uuro-log-demo --data /tmp/uuro-demo --entries 3");
  CLI11_PARSE(app, argc, argv);
  absl::Status status = uuro::Run(data, origin, count);
  if (!status.ok()) {
    std::fprintf(stderr, "uuro-log-demo: %s\n",
                 std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
