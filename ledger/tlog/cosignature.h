// C2SP tlog-cosignature/v1 (https://c2sp.org/tlog-cosignature), Ed25519: a
// witness's timestamped statement that a checkpoint is the largest consistent
// tree head it has seen for that log.
//
// A cosignature is a signed-note signature line whose key id is
// SHA-256(name || '\n' || 0x04 || public key)[:4] and whose signature is
// big-endian u64 timestamp || Ed25519 signature over
//   "cosignature/v1\ntime <timestamp>\n" || checkpoint note text.
#ifndef LEDGER_TLOG_COSIGNATURE_H_
#define LEDGER_TLOG_COSIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ledger/tlog/keys.h"
#include "ledger/tlog/note.h"

namespace uuro {

inline constexpr uint8_t kCosignatureV1 = 0x04;  // Key id type byte.

// The key id of the cosigner key `key` under `name`.
uint32_t CosignerKeyId(std::string_view name, const PublicKey& key);

// A cosigner: a key name and the secret key behind it.
class Cosigner {
 public:
  // InvalidArgument if `name` is not a valid key name.
  static absl::StatusOr<Cosigner> Create(std::string_view name, SecretKey key);

  const std::string& name() const { return name_; }
  const PublicKey& public_key() const { return key_.public_key(); }

  // The cosignature line (ending in '\n') over the checkpoint note text
  // `text`, made at `timestamp` (POSIX seconds).
  std::string CosignatureLine(std::string_view text, uint64_t timestamp) const;

 private:
  Cosigner(std::string name, SecretKey key)
      : name_(std::move(name)), key_(std::move(key)) {}
  std::string name_;
  SecretKey key_;
};

// Verifier key text of a cosigner, as C2SP vkeys with type 0x04:
// "<name>+<8 hex key id>+base64(0x04 || key)". Parsing is strict.
std::string FormatCosignerKey(std::string_view name, const PublicKey& key);
struct CosignerKey {
  std::string name;
  PublicKey key{};
};
absl::StatusOr<CosignerKey> ParseCosignerKey(std::string_view text);

// A cosignature that verified.
struct Cosignature {
  std::string name;
  PublicKey key{};
  uint64_t timestamp = 0;
  NoteSignature line;  // As it appeared, to pass on.
};

// The cosignatures among `signatures` (lines of a note whose text is
// `text`) that verify under one of `keys`, whatever name they carry: the key
// id binds the name. At most one per key, so the result counts distinct
// cosigners. Lines by other keys, and lines that do not verify, are skipped.
std::vector<Cosignature> VerifyCosignatures(
    std::string_view text, absl::Span<const NoteSignature> signatures,
    absl::Span<const PublicKey> keys);

// How far in the future a cosignature's timestamp may lie: a witness whose
// clock runs ahead, or a forged timestamp, must not vouch for a time that has
// not come. Seconds since the epoch.
struct CosignatureClock {
  uint64_t now_seconds = 0;
  uint64_t max_skew_seconds = 5 * 60;
};

// As above, and cosignatures timestamped more than `clock.max_skew_seconds`
// after `clock.now_seconds` are skipped too (the signature semantics are the
// same; only the time is checked).
std::vector<Cosignature> VerifyCosignatures(
    std::string_view text, absl::Span<const NoteSignature> signatures,
    absl::Span<const PublicKey> keys, const CosignatureClock& clock);

}  // namespace uuro

#endif  // LEDGER_TLOG_COSIGNATURE_H_
