// A RocksDB file system that loses what a power cut loses.
//
// It forwards to the real file system and remembers, for every file written
// in this life, how much was written and how much of it was synced, and
// which new or renamed names were not yet made durable by a sync of their
// folder. Crash() freezes it (every later write, sync, create, rename or
// delete fails, as nothing reaches a disk without power); once the store is
// closed, LoseUnsynced() leaves on disk only what a real disk would hold:
//   - each file cut to what was synced (Sync, Fsync; Close and RangeSync
//     promise nothing), or in the harsh mode to that plus a random prefix of
//     the unsynced rest, as a torn write leaves it;
//   - files created since their folder's last fsync removed, and renames
//     since then undone (with the replaced file's old contents back).
// Deleted files stay deleted: bringing them back would need their contents.
//
// SetFull(true) makes every append fail with NoSpace (ENOSPC), as a full
// disk does, until SetFull(false).
#ifndef TESTS_RELIABILITY_POWER_LOSS_FS_H_
#define TESTS_RELIABILITY_POWER_LOSS_FS_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace uuro::testing {

class PowerLossFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  PowerLossFileSystem();
  static const char* kClassName() { return "PowerLossFileSystem"; }
  const char* Name() const override { return kClassName(); }

  void Crash();
  bool crashed() const;
  // True while crashed or full: what RocksDB waits out after a failed
  // background job cannot change by waiting.
  bool failing() const;
  // After Crash() and after the store closed: applies the loss and starts a
  // new life in which everything on disk counts as synced. Returns the
  // number of unsynced bytes dropped.
  uint64_t LoseUnsynced(std::mt19937_64& random, bool harsh);
  void SetFull(bool full);

  // Bookkeeping for the wrappers below.
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
  };
  rocksdb::IOStatus BeforeWrite(const std::string& name) const;
  void Wrote(const std::string& name, uint64_t end);
  void Synced(const std::string& name);
  void Truncated(const std::string& name, uint64_t size);
  void FolderSynced(const std::string& folder);

  rocksdb::IOStatus NewWritableFile(const std::string& name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& name, const std::string& old_name,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& name,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name,
                                 const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* r,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& name,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& name,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& name,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override;

 private:
  // A name not yet durable in its folder: a new file, or a rename's target
  // (with what the rename replaced, and where it came from).
  struct PendingName {
    std::optional<std::string> renamed_from;
    std::optional<std::string> replaced;  // Old contents of the target.
  };

  mutable std::mutex mu_;
  bool crashed_ = false;
  bool full_ = false;
  std::map<std::string, FileState> files_;
  std::map<std::string, PendingName> pending_;
};

// An Env for RocksDB over `fs` (which must outlive it). Its clock skips
// the second RocksDB sleeps after a failed background job while `fs` is
// crashed or full: a process without power does not wait, and a simulated
// disk does not cool down.
std::unique_ptr<rocksdb::Env> PowerLossEnv(
    const std::shared_ptr<PowerLossFileSystem>& fs);

}  // namespace uuro::testing

#endif  // TESTS_RELIABILITY_POWER_LOSS_FS_H_
