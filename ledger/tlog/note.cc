#include "ledger/tlog/note.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ledger/tlog/status_macros.h"
#include "ledger/tlog/text.h"

namespace uuro {
namespace {

constexpr char kSigPrefix[] = "\xE2\x80\x94 ";  // U+2014, space.
constexpr size_t kKeyIdSize = 4;

std::string FormatKeyId(uint32_t key_id) {
  return absl::StrFormat("%08x", key_id);
}

uint32_t ReadKeyId(ByteView b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
         (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

std::string FormatSignatureLine(const NoteSignature& sig) {
  return absl::StrCat(kSigPrefix, sig.name, " ", sig.base64, "\n");
}

struct ParsedSignature {
  NoteSignature sig;
  Bytes signature;  // Without the key id.
};

absl::StatusOr<ParsedSignature> ParseSignatureLine(std::string_view line) {
  if (!line.starts_with(kSigPrefix)) {
    return absl::InvalidArgumentError(
        "note signature line does not start with an em dash and a space");
  }
  line.remove_prefix(std::string_view(kSigPrefix).size());
  size_t space = line.find(' ');
  if (space == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "note signature line has no space between key name and signature");
  }
  ParsedSignature out;
  out.sig.name = std::string(line.substr(0, space));
  out.sig.base64 = std::string(line.substr(space + 1));
  UURO_RETURN_IF_ERROR(CheckKeyName(out.sig.name));
  absl::StatusOr<Bytes> blob = Base64Decode(out.sig.base64);
  if (!blob.ok() || blob->size() <= kKeyIdSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("note signature by ", out.sig.name,
                     " is not base64 of a key id and a signature"));
  }
  out.sig.key_id = ReadKeyId(*blob);
  out.signature.assign(blob->begin() + kKeyIdSize, blob->end());
  return out;
}

// Parses `lines`, one or more signature lines each ending in '\n'.
absl::StatusOr<std::vector<ParsedSignature>> ParseSignatureLines(
    std::string_view lines) {
  if (lines.empty()) {
    return absl::InvalidArgumentError("note has no signature lines");
  }
  if (!lines.ends_with('\n')) {
    return absl::InvalidArgumentError("note does not end with a newline");
  }
  size_t count = std::count(lines.begin(), lines.end(), '\n');
  if (count > kMaxNoteSignatures) {
    return absl::InvalidArgumentError(
        absl::StrCat("note has ", count, " signature lines; at most ",
                     kMaxNoteSignatures, " are accepted"));
  }
  std::vector<ParsedSignature> out;
  while (!lines.empty()) {
    size_t end = lines.find('\n');
    UURO_ASSIGN_OR_RETURN(ParsedSignature sig,
                          ParseSignatureLine(lines.substr(0, end)));
    out.push_back(std::move(sig));
    lines.remove_prefix(end + 1);
  }
  return out;
}

// Splits a note into its text (with its final '\n') and signature lines.
absl::StatusOr<std::pair<std::string_view, std::vector<ParsedSignature>>>
SplitNote(std::string_view note) {
  if (note.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("note has ", note.size(), " bytes; at most ", kMaxNoteSize,
                     " are accepted"));
  }
  UURO_RETURN_IF_ERROR(CheckCharacters(note, /*allow_newline=*/true, "note"));
  // Signature lines are never empty, so the last blank line is the separator.
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "note has no blank line between text and signatures");
  }
  UURO_ASSIGN_OR_RETURN(auto sigs, ParseSignatureLines(note.substr(split + 2)));
  return std::make_pair(note.substr(0, split + 1), std::move(sigs));
}

}  // namespace

uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  const uint8_t sep_and_type[] = {'\n', kNoteEd25519};
  Hash h = Sha256({AsBytes(name), sep_and_type, key});
  return ReadKeyId(h);
}

absl::Status CheckKeyName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("key name is empty");
  std::string_view rest = name;
  char32_t c;
  while (!rest.empty()) {
    if (!NextCodePoint(rest, c) || c < 0x20 || c == '+' || IsUnicodeSpace(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key name \"", std::string(name.substr(0, 80)),
          "\" is not UTF-8 free of spaces, '+' and control characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNoteText(std::string_view text) {
  if (text.empty() || !text.ends_with('\n')) {
    return absl::InvalidArgumentError(
        "note text must be non-empty and end with a newline");
  }
  if (text.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("note text has ", text.size(), " bytes; at most ",
                     kMaxNoteSize, " are accepted"));
  }
  return CheckCharacters(text, /*allow_newline=*/true, "note text");
}

NoteVerifier::NoteVerifier(std::string name, const PublicKey& key)
    : name_(std::move(name)), key_id_(NoteKeyId(name_, key)), key_(key) {}

bool NoteVerifier::Verify(std::string_view text, ByteView signature) const {
  if (signature.size() != kSignatureSize) return false;
  Signature sig;
  std::copy(signature.begin(), signature.end(), sig.begin());
  return VerifySignature(key_, "", AsBytes(text), sig);
}

absl::StatusOr<NoteVerifier> MakeVerifier(std::string_view name,
                                          const PublicKey& key) {
  UURO_RETURN_IF_ERROR(CheckKeyName(name));
  return NoteVerifier(std::string(name), key);
}

absl::StatusOr<NoteVerifier> ParseVerifierKey(std::string_view text) {
  auto refuse = [text](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key \"", std::string(text.substr(0, 200)), "\" ",
                     std::string(why)));
  };
  // The name and key id hold no '+'; the base64 key may.
  size_t plus1 = text.find('+');
  size_t plus2 =
      plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return refuse("is not name+keyid+key");
  }
  std::string_view name = text.substr(0, plus1);
  std::string_view hex = text.substr(plus1 + 1, plus2 - plus1 - 1);
  if (!CheckKeyName(name).ok()) return refuse("has an invalid key name");
  if (hex.size() != 2 * kKeyIdSize ||
      hex.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return refuse("has a key id that is not 8 lowercase hex digits");
  }
  absl::StatusOr<Bytes> blob = Base64Decode(text.substr(plus2 + 1));
  if (!blob.ok() || blob->size() != 1 + kPublicKeySize) {
    return refuse("does not hold base64 of a type byte and a 32-byte key");
  }
  if ((*blob)[0] != kNoteEd25519) return refuse("is not an Ed25519 key");
  PublicKey key;
  std::copy(blob->begin() + 1, blob->end(), key.begin());
  NoteVerifier verifier(std::string(name), key);
  if (FormatKeyId(verifier.key_id()) != hex) {
    return refuse("has a key id that does not match its name and key");
  }
  return verifier;
}

std::string FormatVerifierKey(const NoteVerifier& verifier) {
  Bytes blob = {kNoteEd25519};
  blob.insert(blob.end(), verifier.key().begin(), verifier.key().end());
  return absl::StrCat(verifier.name(), "+", FormatKeyId(verifier.key_id()), "+",
                      Base64Encode(blob));
}

NoteSigner::NoteSigner(std::string name, SecretKey key)
    : name_(std::move(name)),
      key_id_(NoteKeyId(name_, key.public_key())),
      key_(std::move(key)) {}

absl::StatusOr<NoteSigner> NoteSigner::Create(std::string_view name,
                                              SecretKey key) {
  UURO_RETURN_IF_ERROR(CheckKeyName(name));
  return NoteSigner(std::string(name), std::move(key));
}

NoteVerifier NoteSigner::verifier() const {
  return NoteVerifier(name_, key_.public_key());
}

std::string NoteSigner::SignatureLine(std::string_view text) const {
  assert(CheckNoteText(text).ok());
  Signature sig = key_.Sign("", AsBytes(text));
  Bytes blob;
  blob.reserve(kKeyIdSize + sig.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    blob.push_back(static_cast<uint8_t>(key_id_ >> shift));
  }
  blob.insert(blob.end(), sig.begin(), sig.end());
  return FormatSignatureLine({name_, key_id_, Base64Encode(blob)});
}

absl::StatusOr<std::string> SignNote(
    std::string_view text, absl::Span<const NoteSigner* const> signers) {
  UURO_RETURN_IF_ERROR(CheckNoteText(text));
  if (signers.empty() || signers.size() > kMaxNoteSignatures) {
    return absl::InvalidArgumentError(
        absl::StrCat("a note needs 1 to ", kMaxNoteSignatures, " signers, not ",
                     signers.size()));
  }
  std::string note = absl::StrCat(std::string(text), "\n");
  for (const NoteSigner* signer : signers) {
    assert(signer != nullptr);
    absl::StrAppend(&note, signer->SignatureLine(text));
  }
  if (note.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("signed note would have ", note.size(), " bytes; at most ",
                     kMaxNoteSize, " are accepted"));
  }
  return note;
}

absl::StatusOr<Note> OpenNote(std::string_view note,
                              absl::Span<const NoteVerifier> verifiers) {
  UURO_ASSIGN_OR_RETURN(auto split, SplitNote(note));
  Note out;
  out.text = std::string(split.first);
  for (ParsedSignature& parsed : split.second) {
    const NoteSignature& sig = parsed.sig;
    auto known = std::find_if(
        verifiers.begin(), verifiers.end(), [&sig](const NoteVerifier& v) {
          return v.name() == sig.name && v.key_id() == sig.key_id;
        });
    if (known == verifiers.end()) {
      if (std::find(out.unverified.begin(), out.unverified.end(), sig) ==
          out.unverified.end()) {
        out.unverified.push_back(std::move(parsed.sig));
      }
      continue;
    }
    if (!known->Verify(out.text, parsed.signature)) {
      return absl::UnauthenticatedError(
          absl::StrCat("note signature by ", sig.name, "+",
                       FormatKeyId(sig.key_id), " does not verify"));
    }
    if (std::none_of(out.verified.begin(), out.verified.end(),
                     [&sig](const NoteSignature& v) {
                       return v.name == sig.name && v.key_id == sig.key_id;
                     })) {
      out.verified.push_back(std::move(parsed.sig));
    }
  }
  if (out.verified.empty()) {
    return absl::UnauthenticatedError(
        "note is not signed by any of the expected keys");
  }
  return out;
}

absl::StatusOr<std::string> AddSignatureLines(std::string_view note,
                                              std::string_view lines) {
  UURO_ASSIGN_OR_RETURN(auto split, SplitNote(note));
  UURO_RETURN_IF_ERROR(
      CheckCharacters(lines, /*allow_newline=*/true, "signature lines"));
  UURO_ASSIGN_OR_RETURN(std::vector<ParsedSignature> added,
                        ParseSignatureLines(lines));
  std::vector<ParsedSignature>& all = split.second;
  for (ParsedSignature& sig : added) {
    std::erase_if(all, [&sig](const ParsedSignature& old) {
      return old.sig.name == sig.sig.name && old.sig.key_id == sig.sig.key_id;
    });
    all.push_back(std::move(sig));
  }
  if (all.size() > kMaxNoteSignatures) {
    return absl::InvalidArgumentError(
        absl::StrCat("note would have ", all.size(), " signatures; at most ",
                     kMaxNoteSignatures, " are accepted"));
  }
  std::string out = absl::StrCat(std::string(split.first), "\n");
  for (const ParsedSignature& sig : all) {
    absl::StrAppend(&out, FormatSignatureLine(sig.sig));
  }
  if (out.size() > kMaxNoteSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("note would have ", out.size(), " bytes; at most ",
                     kMaxNoteSize, " are accepted"));
  }
  return out;
}

}  // namespace uuro
