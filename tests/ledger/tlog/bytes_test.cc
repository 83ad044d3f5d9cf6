#include "ledger/tlog/bytes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace uuro {
namespace {

TEST(BytesTest, HexRoundTrip) {
  const Bytes data = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(ToHex(data), "00017f80abff");
  absl::StatusOr<Bytes> back = FromHex("00017f80abff");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
  back = FromHex("00017F80ABFF");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
  EXPECT_EQ(ToHex(Bytes{}), "");
  EXPECT_TRUE(FromHex("").ok());
}

TEST(BytesTest, HexStrictness) {
  for (const char* bad : {"0", "abc", "zz", "0g", " 00", "00 ", "0x00", "0:"}) {
    EXPECT_FALSE(FromHex(bad).ok()) << bad;
  }
}

TEST(BytesTest, Base64KnownAnswers) {
  // RFC 4648 section 10.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    absl::StatusOr<Bytes> decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(AsString(*decoded), plain);
  }
  const Bytes all = [] {
    Bytes b;
    for (int i = 0; i < 256; ++i) b.push_back(static_cast<uint8_t>(i));
    return b;
  }();
  absl::StatusOr<Bytes> decoded = Base64Decode(Base64Encode(all));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, all);
}

TEST(BytesTest, Base64Strictness) {
  EXPECT_TRUE(Base64Decode("AA==").ok());
  EXPECT_TRUE(Base64Decode("AAA=").ok());
  for (const char* bad : {
           "AB==",      // Non-zero trailing bits.
           "AAB=",      // Non-zero trailing bits.
           "AA",        // Missing padding.
           "AAA",       // Missing padding.
           "AA=",       // Short padding.
           "AA===",     // Extra padding.
           "A===",      // Padding where data must be.
           "====",      // Only padding.
           "Zm9v\n",    // Whitespace.
           " Zm9v",     // Whitespace.
           "Zm 9v",     // Whitespace.
           "Zm9v!A==",  // Not in the alphabet.
           "Zm-_",      // URL-safe alphabet.
           "Zg==Zg==",  // Data after padding.
       }) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
  }
}

TEST(BytesTest, Sha256KnownAnswers) {
  // FIPS 180-2 examples.
  EXPECT_EQ(ToHex(Sha256(AsBytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Parts are concatenated.
  EXPECT_EQ(Sha256({AsBytes("a"), AsBytes(""), AsBytes("bc")}),
            Sha256(AsBytes("abc")));
}

TEST(BytesTest, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual(AsBytes("abc"), AsBytes("abc")));
  EXPECT_FALSE(ConstantTimeEqual(AsBytes("abc"), AsBytes("abd")));
  EXPECT_FALSE(ConstantTimeEqual(AsBytes("abc"), AsBytes("ab")));
  EXPECT_TRUE(ConstantTimeEqual(AsBytes(""), AsBytes("")));
}

TEST(BytesTest, BigEndian64) {
  Bytes out;
  AppendBigEndian64(out, 0x0102030405060708u);
  EXPECT_EQ(out, (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(ReadBigEndian64(out), 0x0102030405060708u);
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256},
                     UINT64_MAX, uint64_t{1} << 63}) {
    Bytes b = {0xee};  // Appends after existing bytes.
    AppendBigEndian64(b, v);
    ASSERT_EQ(b.size(), 9u);
    EXPECT_EQ(b[0], 0xee);
    EXPECT_EQ(ReadBigEndian64(ByteView(b).subspan(1)), v);
  }
  EXPECT_EQ(ReadBigEndian64(Bytes{0xff, 0, 0, 0, 0, 0, 0, 0, 9}),
            0xff00000000000000u);
}

}  // namespace
}  // namespace uuro
