#include "ledger/tlog/keys.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace uuro {
namespace {

using ::testing::HasSubstr;

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "keys_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  std::filesystem::path dir_;
};

TEST_F(KeysTest, SignAndVerifyWithContext) {
  SecretKey key = SecretKey::Generate();
  const Bytes message = ToBytes("transfer 5 to bob");
  Signature sig = key.Sign("uuro tx v1", message);
  EXPECT_TRUE(VerifySignature(key.public_key(), "uuro tx v1", message, sig));
  EXPECT_FALSE(VerifySignature(key.public_key(), "uuro note", message, sig));
  EXPECT_FALSE(VerifySignature(key.public_key(), "", message, sig));

  // Context and message are concatenated: an empty context signs the message.
  Signature plain = key.Sign("", message);
  EXPECT_TRUE(VerifySignature(key.public_key(), "", message, plain));

  Signature flipped = sig;
  flipped[10] ^= 0x01;
  EXPECT_FALSE(
      VerifySignature(key.public_key(), "uuro tx v1", message, flipped));
  Bytes altered = message;
  altered[0] ^= 0x80;
  EXPECT_FALSE(VerifySignature(key.public_key(), "uuro tx v1", altered, sig));
  SecretKey other = SecretKey::Generate();
  EXPECT_FALSE(VerifySignature(other.public_key(), "uuro tx v1", message, sig));
}

TEST_F(KeysTest, FromSeedIsDeterministic) {
  Bytes seed(kSeedSize, 7);
  absl::StatusOr<SecretKey> a = SecretKey::FromSeed(seed);
  absl::StatusOr<SecretKey> b = SecretKey::FromSeed(seed);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->public_key(), b->public_key());
  EXPECT_EQ(SecretKey::FromSeed(Bytes(31)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(KeysTest, MovedFromKeyIsWiped) {
  SecretKey a = SecretKey::Generate();
  PublicKey pub = a.public_key();
  SecretKey b = std::move(a);
  EXPECT_EQ(b.public_key(), pub);
  const Bytes zero(kSeedSize, 0);
  EXPECT_TRUE(
      ConstantTimeEqual(a.seed(), zero));  // NOLINT(bugprone-use-after-move)
}

TEST_F(KeysTest, SaveCreatesMode0600AndLoadRoundTrips) {
  SecretKey key = SecretKey::Generate();
  const std::string path = Path("log.key");
  ASSERT_TRUE(SaveSecretKey(key, path).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  absl::StatusOr<SecretKey> loaded = LoadSecretKey(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->public_key(), key.public_key());
  EXPECT_TRUE(ConstantTimeEqual(loaded->seed(), key.seed()));
}

TEST_F(KeysTest, SaveRefusesToOverwrite) {
  SecretKey key = SecretKey::Generate();
  const std::string path = Path("log.key");
  ASSERT_TRUE(SaveSecretKey(key, path).ok());
  SecretKey other = SecretKey::Generate();
  absl::Status status = SaveSecretKey(other, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<SecretKey> loaded = LoadSecretKey(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->public_key(), key.public_key());
}

TEST_F(KeysTest, LoadRefusesReadableByOthers) {
  const std::string path = Path("log.key");
  ASSERT_TRUE(SaveSecretKey(SecretKey::Generate(), path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  absl::StatusOr<SecretKey> loaded = LoadSecretKey(path);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600"));
  EXPECT_THAT(loaded.status().message(), HasSubstr(path));
}

TEST_F(KeysTest, LoadRefusesGarbageAndMissingFiles) {
  const std::vector<std::string> bodies = {
      "",
      "garbage\n",
      "uuro ed25519 secret key v1\n",
      "uuro ed25519 secret key v1\nnot base64!\n",
      "uuro ed25519 secret key v1\nAAAA\n",  // 3 bytes, not a seed.
      "other header\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
  };
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string path = Path("garbage" + std::to_string(i));
    {
      std::ofstream out(path);
      out << bodies[i];
    }
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    EXPECT_EQ(LoadSecretKey(path).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bodies[i];
  }
  EXPECT_EQ(LoadSecretKey(Path("missing")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(LoadSecretKey(dir_.string()).ok());  // A directory.
}

TEST_F(KeysTest, PublicKeyText) {
  SecretKey key = SecretKey::Generate();
  std::string text = FormatPublicKey(key.public_key());
  EXPECT_EQ(text.size(), 64u);
  absl::StatusOr<PublicKey> parsed = ParsePublicKey(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, key.public_key());

  for (const std::string& bad :
       {std::string(""), text.substr(0, 62), text + "00", text.substr(1),
        std::string(64, 'g'), " " + text.substr(1)}) {
    EXPECT_EQ(ParsePublicKey(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace uuro
