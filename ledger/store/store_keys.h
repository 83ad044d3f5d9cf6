// Key and record layouts of the RocksDB store (docs/log-format.md gives them
// byte by byte). Integers are big-endian so that key order is numeric order.
#ifndef LEDGER_STORE_STORE_KEYS_H_
#define LEDGER_STORE_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/tlog/merkle.h"

namespace uuro::store_keys {

// Column families.
inline constexpr char kEntries[] = "entries";  // EntryKey -> entry bytes
inline constexpr char kNodes[] = "nodes";      // NodeKey -> 32-byte hash
inline constexpr char kMeta[] = "meta";        // names below -> values
inline constexpr char kState[] = "state";      // fund state keys -> records

// Keys of the meta column family.
inline constexpr char kFormatKey[] = "format";  // kFormatValue
inline constexpr char kFormatValue[] = "uuro-ledger-1";
inline constexpr char kTreeSizeKey[] = "tree_size";     // 8-byte size
inline constexpr char kRootKey[] = "root";              // 32-byte root
inline constexpr char kCheckpointKey[] = "checkpoint";  // signed note text

std::string EntryKey(uint64_t index);  // 8 bytes: index
std::string NodeKey(NodeId id);        // 9 bytes: level, index
std::string EncodeUint64(uint64_t v);  // 8 bytes
std::optional<uint64_t> DecodeUint64(std::string_view bytes);  // exactly 8

}  // namespace uuro::store_keys

#endif  // LEDGER_STORE_STORE_KEYS_H_
