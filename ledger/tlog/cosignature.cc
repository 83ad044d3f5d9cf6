#include "ledger/tlog/cosignature.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ledger/tlog/bytes.h"

namespace uuro {
namespace {

constexpr size_t kKeyIdSize = 4;
constexpr size_t kTimestampSize = 8;
constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 63) - 1;

uint32_t ReadKeyId(ByteView b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
         (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

// The part of the signed message before the checkpoint text; passing it as
// the signing context keeps the checkpoint text uncopied.
std::string MessagePrefix(uint64_t timestamp) {
  return absl::StrCat("cosignature/v1\ntime ", timestamp, "\n");
}

}  // namespace

uint32_t CosignerKeyId(std::string_view name, const PublicKey& key) {
  const uint8_t sep_and_type[] = {'\n', kCosignatureV1};
  return ReadKeyId(Sha256({AsBytes(name), sep_and_type, key}));
}

absl::StatusOr<Cosigner> Cosigner::Create(std::string_view name,
                                          SecretKey key) {
  absl::Status ok = CheckKeyName(name);
  if (!ok.ok()) return ok;
  return Cosigner(std::string(name), std::move(key));
}

std::string Cosigner::CosignatureLine(std::string_view text,
                                      uint64_t timestamp) const {
  Signature sig = key_.Sign(MessagePrefix(timestamp), AsBytes(text));
  Bytes blob;
  uint32_t id = CosignerKeyId(name_, public_key());
  for (int shift = 24; shift >= 0; shift -= 8) {
    blob.push_back(static_cast<uint8_t>(id >> shift));
  }
  AppendBigEndian64(blob, timestamp);
  blob.insert(blob.end(), sig.begin(), sig.end());
  return absl::StrCat("\xE2\x80\x94 ", name_, " ", Base64Encode(blob), "\n");
}

std::string FormatCosignerKey(std::string_view name, const PublicKey& key) {
  Bytes blob{kCosignatureV1};
  blob.insert(blob.end(), key.begin(), key.end());
  return absl::StrCat(std::string(name), "+",
                      absl::StrFormat("%08x", CosignerKeyId(name, key)), "+",
                      Base64Encode(blob));
}

absl::StatusOr<CosignerKey> ParseCosignerKey(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  size_t second = text.rfind('+');
  size_t first = second == std::string_view::npos || second == 0
                     ? std::string_view::npos
                     : text.rfind('+', second - 1);
  if (first == std::string_view::npos) {
    return absl::InvalidArgumentError(
        "a cosigner key is <name>+<key id>+<base64 key>");
  }
  CosignerKey out;
  out.name = std::string(text.substr(0, first));
  absl::Status name_ok = CheckKeyName(out.name);
  if (!name_ok.ok()) return name_ok;
  absl::StatusOr<Bytes> blob = Base64Decode(text.substr(second + 1));
  if (!blob.ok() || blob->size() != 1 + kPublicKeySize ||
      (*blob)[0] != kCosignatureV1) {
    return absl::InvalidArgumentError(
        "a cosigner key must hold type 0x04 (cosignature/v1) and a 32-byte "
        "Ed25519 key");
  }
  std::copy(blob->begin() + 1, blob->end(), out.key.begin());
  std::string id = absl::StrFormat("%08x", CosignerKeyId(out.name, out.key));
  if (text.substr(first + 1, second - first - 1) != id) {
    return absl::InvalidArgumentError(
        "the cosigner key's id does not match its name and key");
  }
  return out;
}

std::vector<Cosignature> VerifyCosignatures(
    std::string_view text, absl::Span<const NoteSignature> signatures,
    absl::Span<const PublicKey> keys) {
  return VerifyCosignatures(text, signatures, keys,
                            CosignatureClock{kMaxTimestamp, 0});
}

std::vector<Cosignature> VerifyCosignatures(
    std::string_view text, absl::Span<const NoteSignature> signatures,
    absl::Span<const PublicKey> keys, const CosignatureClock& clock) {
  const uint64_t latest =
      clock.max_skew_seconds >= kMaxTimestamp ||
              clock.now_seconds > kMaxTimestamp - clock.max_skew_seconds
          ? kMaxTimestamp
          : clock.now_seconds + clock.max_skew_seconds;
  std::vector<Cosignature> out;
  for (const NoteSignature& line : signatures) {
    absl::StatusOr<Bytes> blob = Base64Decode(line.base64);
    if (!blob.ok() ||
        blob->size() != kKeyIdSize + kTimestampSize + kSignatureSize) {
      continue;
    }
    uint64_t timestamp =
        ReadBigEndian64(ByteView(*blob).subspan(kKeyIdSize, kTimestampSize));
    if (timestamp > kMaxTimestamp || timestamp > latest) continue;
    Signature sig;
    std::copy(blob->end() - kSignatureSize, blob->end(), sig.begin());
    for (const PublicKey& key : keys) {
      if (CosignerKeyId(line.name, key) != line.key_id) continue;
      bool seen =
          std::any_of(out.begin(), out.end(),
                      [&](const Cosignature& c) { return c.key == key; });
      if (seen) break;
      if (VerifySignature(key, MessagePrefix(timestamp), AsBytes(text), sig)) {
        out.push_back({line.name, key, timestamp, line});
      }
      break;
    }
  }
  return out;
}

}  // namespace uuro
