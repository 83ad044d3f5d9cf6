#include "ledger/store/store_keys.h"

namespace uuro::store_keys {

std::string EncodeUint64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

std::optional<uint64_t> DecodeUint64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  return ReadBigEndian64(AsBytes(bytes));
}

std::string EntryKey(uint64_t index) { return EncodeUint64(index); }

std::string NodeKey(NodeId id) {
  return std::string(1, static_cast<char>(id.level)) + EncodeUint64(id.index);
}

}  // namespace uuro::store_keys
