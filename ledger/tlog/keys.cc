#include "ledger/tlog/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "ledger/tlog/status_macros.h"

namespace uuro {
namespace {

// First line of a secret key file; the second line is the base64 seed.
constexpr char kKeyFileHeader[] = "uuro ed25519 secret key v1";

Bytes WithContext(std::string_view context, ByteView message) {
  Bytes buf;
  buf.reserve(context.size() + message.size());
  buf.insert(buf.end(), context.begin(), context.end());
  buf.insert(buf.end(), message.begin(), message.end());
  return buf;
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

void InitCrypto() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // No safe way on without a RNG.
  });
}

SecretKey SecretKey::Generate() {
  InitCrypto();
  SecretKey key;
  crypto_sign_keypair(key.public_key_.data(), key.secret_.data());
  return key;
}

absl::StatusOr<SecretKey> SecretKey::FromSeed(ByteView seed) {
  if (seed.size() != kSeedSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an Ed25519 seed has ", kSeedSize, " bytes, not ", seed.size()));
  }
  InitCrypto();
  SecretKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_.data(),
                           seed.data());
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept
    : secret_(other.secret_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_key_ = other.public_key_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(secret_.data(), secret_.size()); }

Signature SecretKey::Sign(std::string_view context, ByteView message) const {
  Signature sig;
  if (context.empty()) {
    crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                         secret_.data());
  } else {
    Bytes buf = WithContext(context, message);
    crypto_sign_detached(sig.data(), nullptr, buf.data(), buf.size(),
                         secret_.data());
  }
  return sig;
}

bool VerifySignature(const PublicKey& key, std::string_view context,
                     ByteView message, const Signature& signature) {
  InitCrypto();
  if (context.empty()) {
    return crypto_sign_verify_detached(signature.data(), message.data(),
                                       message.size(), key.data()) == 0;
  }
  Bytes buf = WithContext(context, message);
  return crypto_sign_verify_detached(signature.data(), buf.data(), buf.size(),
                                     key.data()) == 0;
}

std::string FormatPublicKey(const PublicKey& key) { return ToHex(key); }

absl::StatusOr<PublicKey> ParsePublicKey(std::string_view text) {
  auto bytes = FromHex(text);
  if (!bytes.ok() || bytes->size() != kPublicKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a public key is ", 2 * kPublicKeySize, " hex digits, got \"",
        std::string(text.substr(0, 80)), "\""));
  }
  PublicKey key;
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

absl::Status SaveSecretKey(const SecretKey& key, const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat("key file ", path, " exists; not replacing it"));
    }
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create key file ", path, ": ", ErrnoText()));
  }
  // The umask may have narrowed the mode but never widens it; set it exactly.
  ::fchmod(fd, 0600);
  std::string text = SecretKeyText(key);
  bool ok = ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return absl::InternalError(
        absl::StrCat("cannot write key file ", path, ": ", ErrnoText()));
  }
  return absl::OkStatus();
}

absl::StatusOr<SecretKey> LoadSecretKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open key file ", path, ": ", ErrnoText()));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("key file ", path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return absl::PermissionDeniedError(
        absl::StrCat("key file ", path, " can be read by others (mode ",
                     absl::StrFormat("%03o", st.st_mode & 0777),
                     "); run: chmod 600 ", path));
  }
  std::string text(4096, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) {
    return absl::InternalError(
        absl::StrCat("cannot read key file ", path, ": ", ErrnoText()));
  }
  text.resize(static_cast<size_t>(n));
  auto key = ParseSecretKeyText(text);
  sodium_memzero(text.data(), text.size());
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("key file ", path, " is not a uuro secret key"));
  }
  return key;
}

std::string SecretKeyText(const SecretKey& key) {
  return absl::StrCat(kKeyFileHeader, "\n", Base64Encode(key.seed()), "\n");
}

absl::StatusOr<SecretKey> ParseSecretKeyText(std::string_view text) {
  // Lines without their spaces, tabs and CRs; blank lines dropped.
  std::vector<std::string> lines(1);
  for (char c : text) {
    if (c == '\n') {
      if (!lines.back().empty()) lines.emplace_back();
    } else if (c != '\r' && c != ' ' && c != '\t') {
      lines.back() += c;
    }
  }
  if (lines.back().empty()) lines.pop_back();
  // The header's spaces were dropped with the rest.
  std::string header = kKeyFileHeader;
  std::erase(header, ' ');
  absl::StatusOr<Bytes> seed = absl::InvalidArgumentError("");
  if (lines.size() == 2 && lines[0] == header) seed = Base64Decode(lines[1]);
  for (std::string& line : lines) sodium_memzero(line.data(), line.size());
  if (!seed.ok() || seed->size() != kSeedSize) {
    if (seed.ok()) sodium_memzero(seed->data(), seed->size());
    return absl::InvalidArgumentError("the text is not a uuro secret key");
  }
  auto key = SecretKey::FromSeed(*seed);
  sodium_memzero(seed->data(), seed->size());
  return key;
}

}  // namespace uuro
