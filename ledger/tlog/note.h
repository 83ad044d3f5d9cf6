// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys only.
//
// A signed note is a text ending in '\n', a blank line, then one or more
// signature lines "— <key name> base64(key id || signature)\n". The key id of
// an Ed25519 key is the first 4 bytes (big-endian) of
// SHA-256(name || 0x0A || 0x01 || public key).
//
// Errors: text that is not a well-formed note is InvalidArgument; a note
// whose signatures do not prove it authentic (a known key's signature fails,
// or no known key signed it) is Unauthenticated.
#ifndef LEDGER_TLOG_NOTE_H_
#define LEDGER_TLOG_NOTE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ledger/tlog/bytes.h"
#include "ledger/tlog/keys.h"

namespace uuro {

inline constexpr uint8_t kNoteEd25519 = 0x01;  // Signature type byte.
// Limits past which a note is refused unread. The spec requires accepting at
// least 16 signatures.
inline constexpr size_t kMaxNoteSize = 1 << 20;
inline constexpr size_t kMaxNoteSignatures = 100;

// The key id of the Ed25519 key `key` under `name`.
uint32_t NoteKeyId(std::string_view name, const PublicKey& key);

// OK if `name` may name a key: non-empty UTF-8 without Unicode spaces, '+'
// or control characters.
absl::Status CheckKeyName(std::string_view name);

// OK if `text` may be signed: non-empty UTF-8 ending in '\n', without control
// characters other than '\n'.
absl::Status CheckNoteText(std::string_view text);

// A public key that notes may be checked against. Copyable; its key id
// always matches its name and key.
class NoteVerifier {
 public:
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const PublicKey& key() const { return key_; }

  // True if `signature` (without the key id) is this key's over `text`.
  bool Verify(std::string_view text, ByteView signature) const;

 private:
  // The only ways to make one, so the key id is always the computed one.
  friend absl::StatusOr<NoteVerifier> MakeVerifier(std::string_view name,
                                                   const PublicKey& key);
  friend absl::StatusOr<NoteVerifier> ParseVerifierKey(std::string_view text);
  friend class NoteSigner;
  NoteVerifier(std::string name, const PublicKey& key);

  std::string name_;
  uint32_t key_id_;
  PublicKey key_;
};

// Fails with InvalidArgument if `name` is not a valid key name.
absl::StatusOr<NoteVerifier> MakeVerifier(std::string_view name,
                                          const PublicKey& key);

// Verifier keys as text: "<name>+<8 lowercase hex key id>+base64(0x01||key)".
// Parsing is strict: the key id must be the one computed from name and key.
absl::StatusOr<NoteVerifier> ParseVerifierKey(std::string_view text);
std::string FormatVerifierKey(const NoteVerifier& verifier);

// Signs notes under a name with a secret key it owns (so it is move-only).
class NoteSigner {
 public:
  // Fails with InvalidArgument if `name` is not a valid key name.
  static absl::StatusOr<NoteSigner> Create(std::string_view name,
                                           SecretKey key);

  NoteSigner(NoteSigner&&) = default;
  NoteSigner& operator=(NoteSigner&&) = default;

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const SecretKey& key() const { return key_; }
  NoteVerifier verifier() const;

  // The signature line over `text`, ending in '\n'. `text` must pass
  // CheckNoteText (asserted); SignNote checks it for callers.
  std::string SignatureLine(std::string_view text) const;

 private:
  NoteSigner(std::string name, SecretKey key);

  std::string name_;
  uint32_t key_id_;
  SecretKey key_;
};

// `text`, the blank line, and one signature line per signer in order. Fails
// with InvalidArgument if `text` fails CheckNoteText, if there are no signers
// or more than kMaxNoteSignatures, or if the note would exceed kMaxNoteSize.
absl::StatusOr<std::string> SignNote(
    std::string_view text, absl::Span<const NoteSigner* const> signers);

// One signature line of a note, as it appeared.
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string base64;  // base64(key id || signature bytes).

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;                     // Includes the final '\n'.
  std::vector<NoteSignature> verified;  // One per known key that signed.
  // Signatures by keys not among the verifiers (for example witness
  // cosignatures), kept unchecked so that they can be passed on.
  std::vector<NoteSignature> unverified;
};

// Parses `note` and checks it against `verifiers`. A signature whose name and
// key id match a verifier must verify; others are kept in `unverified`; at
// least one must verify. Repeated identical lines are kept once.
absl::StatusOr<Note> OpenNote(std::string_view note,
                              absl::Span<const NoteVerifier> verifiers);

// Appends the signature lines `lines` (each ending in '\n') to the signed
// note `note`, checking the syntax of both but no signatures. An existing
// signature with the same name and key id as a new one is replaced by it.
absl::StatusOr<std::string> AddSignatureLines(std::string_view note,
                                              std::string_view lines);

}  // namespace uuro

#endif  // LEDGER_TLOG_NOTE_H_
