#include "ledger/tlog/bytes.h"

#include <sodium.h>

#include <cassert>

#include "absl/strings/str_cat.h"

namespace uuro {

Hash Sha256(std::initializer_list<ByteView> parts) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (ByteView part : parts) {
    crypto_hash_sha256_update(&state, part.data(), part.size());
  }
  Hash out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

std::string ToHex(ByteView data) {
  std::string out(data.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data.data(), data.size());
  out.pop_back();
  return out;
}

absl::StatusOr<Bytes> FromHex(std::string_view text) {
  if (text.size() % 2 != 0) {
    return absl::InvalidArgumentError("hex text has an odd number of digits");
  }
  // sodium_hex2bin requires a non-null output buffer, which an empty vector
  // does not have.
  if (text.empty()) return Bytes{};
  Bytes out(text.size() / 2);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr,
                     &len, &end) != 0 ||
      len != out.size() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError("text is not valid hex");
  }
  return out;
}

std::string Base64Encode(ByteView data) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), kVariant);
  out.pop_back();  // The terminating NUL that libsodium writes.
  return out;
}

absl::StatusOr<Bytes> Base64Decode(std::string_view text) {
  Bytes out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (text.size() % 4 != 0 ||
      sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                        nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return absl::InvalidArgumentError("text is not valid base64");
  }
  out.resize(len);
  // libsodium ignores non-zero padding bits; canonical encoding must
  // round-trip.
  if (Base64Encode(out) != text) {
    return absl::InvalidArgumentError("base64 text is not in canonical form");
  }
  return out;
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  return a.size() == b.size() &&
         sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void AppendBigEndian64(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(v >> shift));
  }
}

uint64_t ReadBigEndian64(ByteView in) {
  assert(in.size() >= 8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

}  // namespace uuro
