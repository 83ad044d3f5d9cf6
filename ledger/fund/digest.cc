#include "ledger/fund/digest.h"

#include <sodium.h>

#include "absl/strings/str_cat.h"
#include "ledger/fund/batch_applier.h"
#include "ledger/tlog/status_macros.h"

namespace uuro::fund {
namespace {

void AppendLength(crypto_hash_sha256_state& state, size_t length) {
  uint8_t be[4] = {
      static_cast<uint8_t>(length >> 24), static_cast<uint8_t>(length >> 16),
      static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
  crypto_hash_sha256_update(&state, be, sizeof be);
}

}  // namespace

absl::StatusOr<Hash> StateDigest(const LogStore& store) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  UURO_RETURN_IF_ERROR(
      store.ScanState("", [&](std::string_view key, ByteView value) {
        AppendLength(state, key.size());
        crypto_hash_sha256_update(
            &state, reinterpret_cast<const uint8_t*>(key.data()), key.size());
        AppendLength(state, value.size());
        crypto_hash_sha256_update(&state, value.data(), value.size());
        return true;
      }));
  Hash digest;
  crypto_hash_sha256_final(&state, digest.data());
  return digest;
}

absl::Status ReplayLog(const LogStore& source, LogStore& target,
                       uint64_t batch_size,
                       const std::function<void(uint64_t)>& progress) {
  StoreStateReader committed(target);
  const uint64_t end = source.size();
  while (target.size() < end) {
    uint64_t begin = target.size();
    uint64_t stop = std::min(end, begin + std::max<uint64_t>(batch_size, 1));
    UURO_ASSIGN_OR_RETURN(std::vector<Bytes> entries,
                          source.ReadEntries(begin, stop));
    BatchApplier applier(committed, begin);
    for (const Bytes& entry : entries) {
      absl::Status status = applier.ApplyEntry(entry);
      if (!status.ok()) {
        return absl::Status(
            status.code(),
            absl::StrCat("entry ", applier.next_index(),
                         " does not replay: ", status.message()));
      }
    }
    UURO_RETURN_IF_ERROR(target.Append(applier.TakeBatch(), nullptr));
    if (progress) progress(target.size());
  }
  return absl::OkStatus();
}

}  // namespace uuro::fund
