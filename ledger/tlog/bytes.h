// Byte strings, hashes and their text encodings.
#ifndef LEDGER_TLOG_BYTES_H_
#define LEDGER_TLOG_BYTES_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace uuro {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// SHA-256 of the concatenation of `parts`.
Hash Sha256(std::initializer_list<ByteView> parts);
inline Hash Sha256(ByteView data) { return Sha256({data}); }

// Lowercase hex; FromHex accepts either case and refuses odd lengths.
std::string ToHex(ByteView data);
absl::StatusOr<Bytes> FromHex(std::string_view text);

// Standard base64 with padding (RFC 4648 section 4). Decoding is strict:
// no whitespace, no missing or extra padding, no non-canonical trailing bits.
std::string Base64Encode(ByteView data);
absl::StatusOr<Bytes> Base64Decode(std::string_view text);

// Compares in time independent of the contents; sizes are not secret.
bool ConstantTimeEqual(ByteView a, ByteView b);

// Big-endian fixed-width integers, as used by every key and record layout.
void AppendBigEndian64(Bytes& out, uint64_t v);
uint64_t ReadBigEndian64(ByteView in);  // `in` must hold at least 8 bytes.

}  // namespace uuro

#endif  // LEDGER_TLOG_BYTES_H_
