#include "tests/reliability/power_loss_fs.h"

#include <rocksdb/system_clock.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace uuro::testing {
namespace {

namespace fs = std::filesystem;
using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

std::string Folder(const std::string& name) {
  return fs::path(name).lexically_normal().parent_path().string();
}
std::string Normal(const std::string& name) {
  return fs::path(name).lexically_normal().string();
}

std::optional<std::string> ReadWhole(const std::string& name) {
  std::ifstream in(name, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Forwards to the real file and tells the file system what became durable.
class TrackedFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file,
              PowerLossFileSystem& fs, std::string name, uint64_t size)
      : FSWritableFileOwnerWrapper(std::move(file)),
        fs_(fs),
        name_(std::move(name)),
        size_(size) {}

  IOStatus Append(const Slice& data, const IOOptions& options,
                  IODebugContext* dbg) override {
    IOStatus s = fs_.BeforeWrite(name_);
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) Wrote(size_ + data.size());
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& options,
                  const rocksdb::DataVerificationInfo& /*info*/,
                  IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            IODebugContext* dbg) override {
    IOStatus s = fs_.BeforeWrite(name_);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) Wrote(std::max(size_, offset + data.size()));
    return s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset,
                            const IOOptions& options,
                            const rocksdb::DataVerificationInfo& /*info*/,
                            IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }
  IOStatus Truncate(uint64_t size, const IOOptions& options,
                    IODebugContext* dbg) override {
    IOStatus s = Frozen();
    if (s.ok()) s = target()->Truncate(size, options, dbg);
    if (s.ok()) {
      size_ = size;
      fs_.Truncated(name_, size);
    }
    return s;
  }
  IOStatus Sync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = Frozen();
    if (s.ok()) s = target()->Sync(options, dbg);
    if (s.ok()) fs_.Synced(name_);
    return s;
  }
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = Frozen();
    if (s.ok()) s = target()->Fsync(options, dbg);
    if (s.ok()) fs_.Synced(name_);
    return s;
  }
  // sync_file_range writes pages back but promises nothing about the file's
  // size or the disk's cache: not counted as durable.
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& options,
                     IODebugContext* dbg) override {
    IOStatus s = Frozen();
    if (s.ok()) s = target()->RangeSync(offset, nbytes, options, dbg);
    return s;
  }
  IOStatus Flush(const IOOptions& options, IODebugContext* dbg) override {
    IOStatus s = Frozen();
    if (s.ok()) s = target()->Flush(options, dbg);
    return s;
  }
  // Closing a file syncs nothing; after a crash it only releases it.
  IOStatus Close(const IOOptions& options, IODebugContext* dbg) override {
    return target()->Close(options, dbg);
  }

 private:
  IOStatus Frozen() const {
    return fs_.crashed() ? IOStatus::IOError("power lost") : IOStatus::OK();
  }
  void Wrote(uint64_t end) {
    size_ = end;
    fs_.Wrote(name_, end);
  }

  PowerLossFileSystem& fs_;
  const std::string name_;
  uint64_t size_;
};

class TrackedFolder final : public rocksdb::FSDirectoryWrapper {
 public:
  TrackedFolder(std::unique_ptr<rocksdb::FSDirectory> dir,
                PowerLossFileSystem& fs, std::string name)
      : FSDirectoryWrapper(std::move(dir)), fs_(fs), name_(std::move(name)) {}
  IOStatus Fsync(const IOOptions& options, IODebugContext* dbg) override {
    if (fs_.crashed()) return IOStatus::IOError("power lost");
    IOStatus s = FSDirectoryWrapper::Fsync(options, dbg);
    if (s.ok()) fs_.FolderSynced(name_);
    return s;
  }
  IOStatus FsyncWithDirOptions(
      const IOOptions& options, IODebugContext* dbg,
      const rocksdb::DirFsyncOptions& dir_options) override {
    if (fs_.crashed()) return IOStatus::IOError("power lost");
    IOStatus s =
        FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options);
    if (s.ok()) fs_.FolderSynced(name_);
    return s;
  }

 private:
  PowerLossFileSystem& fs_;
  const std::string name_;
};

}  // namespace

PowerLossFileSystem::PowerLossFileSystem()
    : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void PowerLossFileSystem::Crash() {
  std::lock_guard lock(mu_);
  crashed_ = true;
}

bool PowerLossFileSystem::crashed() const {
  std::lock_guard lock(mu_);
  return crashed_;
}

bool PowerLossFileSystem::failing() const {
  std::lock_guard lock(mu_);
  return crashed_ || full_;
}

void PowerLossFileSystem::SetFull(bool full) {
  std::lock_guard lock(mu_);
  full_ = full;
}

IOStatus PowerLossFileSystem::BeforeWrite(const std::string&) const {
  std::lock_guard lock(mu_);
  if (crashed_) return IOStatus::IOError("power lost");
  if (full_) return IOStatus::NoSpace("No space left on device (simulated)");
  return IOStatus::OK();
}

void PowerLossFileSystem::Wrote(const std::string& name, uint64_t end) {
  std::lock_guard lock(mu_);
  files_[name].size = end;
}

void PowerLossFileSystem::Synced(const std::string& name) {
  std::lock_guard lock(mu_);
  FileState& f = files_[name];
  f.synced = f.size;
}

void PowerLossFileSystem::Truncated(const std::string& name, uint64_t size) {
  std::lock_guard lock(mu_);
  FileState& f = files_[name];
  f.size = size;
  f.synced = std::min(f.synced, size);
}

void PowerLossFileSystem::FolderSynced(const std::string& folder) {
  std::lock_guard lock(mu_);
  const std::string normal = Normal(folder);
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = Folder(it->first) == normal ? pending_.erase(it) : std::next(it);
  }
}

uint64_t PowerLossFileSystem::LoseUnsynced(std::mt19937_64& random,
                                           bool harsh) {
  std::lock_guard lock(mu_);
  uint64_t dropped = 0;
  for (const auto& [name, f] : files_) {
    if (f.size <= f.synced) continue;
    uint64_t keep = f.synced;
    if (harsh) {
      keep +=
          std::uniform_int_distribution<uint64_t>(0, f.size - f.synced)(random);
    }
    dropped += f.size - keep;
    std::error_code ec;
    if (fs::exists(name, ec)) fs::resize_file(name, keep, ec);
  }
  // Names not made durable: undo renames newest first is not needed, as
  // RocksDB renames each name once between folder syncs.
  for (const auto& [name, pending] : pending_) {
    std::error_code ec;
    if (pending.renamed_from) {
      fs::rename(name, *pending.renamed_from, ec);
      if (pending.replaced) {
        std::ofstream(name, std::ios::binary | std::ios::trunc)
            << *pending.replaced;
      }
    } else {
      fs::remove(name, ec);
    }
  }
  files_.clear();
  pending_.clear();
  crashed_ = false;
  full_ = false;
  return dropped;
}

IOStatus PowerLossFileSystem::NewWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  const std::string normal = Normal(name);
  {
    std::lock_guard lock(mu_);
    if (crashed_) return IOStatus::IOError("power lost");
    std::error_code ec;
    PendingName pending;
    if (fs::exists(normal, ec)) pending.replaced = ReadWhole(normal);
    // An existing name (rewritten in place) is already in its folder; only
    // its contents are at risk, and those through files_.
    if (!pending.replaced) pending_.emplace(normal, pending);
    files_[normal] = FileState{};
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
  if (s.ok()) r->reset(new TrackedFile(std::move(file), *this, normal, 0));
  return s;
}

IOStatus PowerLossFileSystem::ReopenWritableFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  if (crashed()) return IOStatus::IOError("power lost");
  const std::string normal = Normal(name);
  std::error_code ec;
  uint64_t size = fs::exists(normal, ec) ? fs::file_size(normal, ec) : 0;
  {
    std::lock_guard lock(mu_);
    if (!files_.count(normal)) files_[normal] = FileState{size, size};
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  IOStatus s = target()->ReopenWritableFile(name, options, &file, dbg);
  if (s.ok()) r->reset(new TrackedFile(std::move(file), *this, normal, size));
  return s;
}

IOStatus PowerLossFileSystem::ReuseWritableFile(
    const std::string& name, const std::string& old_name,
    const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* r, IODebugContext* dbg) {
  // Recycled log files are off in the store's options; treat as new.
  IOStatus s = RenameFile(old_name, name, IOOptions(), dbg);
  if (!s.ok()) return s;
  return NewWritableFile(name, options, r, dbg);
}

IOStatus PowerLossFileSystem::NewRandomRWFile(
    const std::string& name, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSRandomRWFile>* r, IODebugContext* dbg) {
  // Not used by the store; refused so that nothing escapes the bookkeeping.
  (void)name;
  (void)options;
  (void)r;
  (void)dbg;
  return IOStatus::NotSupported("random read-write files are not tracked");
}

IOStatus PowerLossFileSystem::NewDirectory(
    const std::string& name, const IOOptions& options,
    std::unique_ptr<rocksdb::FSDirectory>* r, IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> dir;
  IOStatus s = target()->NewDirectory(name, options, &dir, dbg);
  if (s.ok()) r->reset(new TrackedFolder(std::move(dir), *this, Normal(name)));
  return s;
}

IOStatus PowerLossFileSystem::RenameFile(const std::string& from,
                                         const std::string& to,
                                         const IOOptions& options,
                                         IODebugContext* dbg) {
  const std::string src = Normal(from);
  const std::string dst = Normal(to);
  std::lock_guard lock(mu_);
  if (crashed_) return IOStatus::IOError("power lost");
  PendingName pending;
  pending.renamed_from = src;
  std::error_code ec;
  if (fs::exists(dst, ec)) pending.replaced = ReadWhole(dst);
  IOStatus s = target()->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  if (auto it = files_.find(src); it != files_.end()) {
    files_[dst] = it->second;
    files_.erase(it);
  }
  if (auto it = pending_.find(src);
      it != pending_.end() && !it->second.renamed_from) {
    // A file created and renamed before any folder sync: on a crash it is
    // simply gone, under either name.
    pending_.erase(it);
    pending.renamed_from.reset();
  }
  pending_[dst] = pending;
  return s;
}

IOStatus PowerLossFileSystem::LinkFile(const std::string& from,
                                       const std::string& to,
                                       const IOOptions& options,
                                       IODebugContext* dbg) {
  if (crashed()) return IOStatus::IOError("power lost");
  IOStatus s = target()->LinkFile(from, to, options, dbg);
  if (s.ok()) {
    std::lock_guard lock(mu_);
    pending_.emplace(Normal(to), PendingName{});
  }
  return s;
}

IOStatus PowerLossFileSystem::DeleteFile(const std::string& name,
                                         const IOOptions& options,
                                         IODebugContext* dbg) {
  const std::string normal = Normal(name);
  std::lock_guard lock(mu_);
  if (crashed_) return IOStatus::IOError("power lost");
  IOStatus s = target()->DeleteFile(name, options, dbg);
  if (s.ok()) {
    files_.erase(normal);
    pending_.erase(normal);
  }
  return s;
}

IOStatus PowerLossFileSystem::CreateDir(const std::string& name,
                                        const IOOptions& options,
                                        IODebugContext* dbg) {
  if (crashed()) return IOStatus::IOError("power lost");
  return target()->CreateDir(name, options, dbg);
}

IOStatus PowerLossFileSystem::CreateDirIfMissing(const std::string& name,
                                                 const IOOptions& options,
                                                 IODebugContext* dbg) {
  if (crashed()) return IOStatus::IOError("power lost");
  return target()->CreateDirIfMissing(name, options, dbg);
}

namespace {

class PowerLossClock final : public rocksdb::SystemClockWrapper {
 public:
  explicit PowerLossClock(std::shared_ptr<PowerLossFileSystem> fs)
      : SystemClockWrapper(rocksdb::SystemClock::Default()),
        fs_(std::move(fs)) {}
  static const char* kClassName() { return "PowerLossClock"; }
  const char* Name() const override { return kClassName(); }
  void SleepForMicroseconds(int micros) override {
    if (!fs_->failing()) target_->SleepForMicroseconds(micros);
  }

 private:
  const std::shared_ptr<PowerLossFileSystem> fs_;
};

class PowerLossEnvImpl final : public rocksdb::EnvWrapper {
 public:
  explicit PowerLossEnvImpl(const std::shared_ptr<PowerLossFileSystem>& fs)
      : EnvWrapper(rocksdb::NewCompositeEnv(fs)) {
    file_system_ = fs;
    system_clock_ = std::make_shared<PowerLossClock>(fs);
  }
  static const char* kClassName() { return "PowerLossEnv"; }
  const char* Name() const override { return kClassName(); }
};

}  // namespace

std::unique_ptr<rocksdb::Env> PowerLossEnv(
    const std::shared_ptr<PowerLossFileSystem>& fs) {
  return std::make_unique<PowerLossEnvImpl>(fs);
}

}  // namespace uuro::testing
