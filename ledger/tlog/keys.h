// Ed25519 keys and signatures (libsodium), and secret key files.
#ifndef LEDGER_TLOG_KEYS_H_
#define LEDGER_TLOG_KEYS_H_

#include <array>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/tlog/bytes.h"

namespace uuro {

inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kSeedSize = 32;

using PublicKey = std::array<uint8_t, kPublicKeySize>;
using Signature = std::array<uint8_t, kSignatureSize>;

// Initializes libsodium once; safe to call from any thread, any number of
// times.
void InitCrypto();

// An Ed25519 secret key. It wipes its memory when destroyed and is move-only,
// so that a copy never outlives the owner by accident.
class SecretKey {
 public:
  static SecretKey Generate();
  static absl::StatusOr<SecretKey> FromSeed(ByteView seed);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  const PublicKey& public_key() const { return public_key_; }

  // Signs `context` followed by `message`. The context separates the uses of
  // one key (transactions, notes) so a signature for one is never valid for
  // another. Notes pass an empty context: their text is the signed message.
  Signature Sign(std::string_view context, ByteView message) const;

  // The 32-byte seed, for writing the key to its file.
  ByteView seed() const { return ByteView(secret_.data(), kSeedSize); }

 private:
  SecretKey() = default;
  std::array<uint8_t, 64> secret_{};  // libsodium layout: seed || public key.
  PublicKey public_key_{};
};

// True if `signature` by `key` covers `context` followed by `message`.
bool VerifySignature(const PublicKey& key, std::string_view context,
                     ByteView message, const Signature& signature);

// A public key as the bytes that protobuf fields and state keys carry.
inline std::string PublicKeyBytes(const PublicKey& key) {
  return std::string(key.begin(), key.end());
}

// Public keys as text: 64 lowercase hex digits.
std::string FormatPublicKey(const PublicKey& key);
absl::StatusOr<PublicKey> ParsePublicKey(std::string_view text);

// The text of a key file: "uuro ed25519 secret key v1", a newline, the seed
// in base64, a newline. The caller wipes it (sodium_memzero) when done.
std::string SecretKeyText(const SecretKey& key);
// The key in such a text (as a key card's QR code carries it); surrounding
// whitespace and CRLF line ends are accepted.
absl::StatusOr<SecretKey> ParseSecretKeyText(std::string_view text);

// Writes `key` to a new file of mode 0600. Refuses to replace an existing file.
absl::Status SaveSecretKey(const SecretKey& key, const std::string& path);

// Reads a key written by SaveSecretKey. Refuses a file that the group or others
// may read or write, as ssh does, naming the file and the fix.
absl::StatusOr<SecretKey> LoadSecretKey(const std::string& path);

}  // namespace uuro

#endif  // LEDGER_TLOG_KEYS_H_
