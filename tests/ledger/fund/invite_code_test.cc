// Invite codes: enough randomness, a check symbol that catches typos, and
// parsing that forgives what Crockford base32 forgives.
#include "ledger/fund/invite_code.h"

#include <set>

#include "gtest/gtest.h"

namespace uuro::fund {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

TEST(InviteCodeTest, NewCodesAreCanonicalAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string code = NewInviteCode();
    ASSERT_EQ(code.size(), kInviteCodeSymbols);
    EXPECT_TRUE(IsCanonicalInviteCode(code)) << code;
    EXPECT_TRUE(seen.insert(code).second) << code;
  }
}

TEST(InviteCodeTest, EverySymbolPositionCarriesRandomness) {
  // 29 random symbols of 5 bits: over 1,000 codes every position takes
  // many values (a stuck position would show as one value).
  std::vector<std::set<char>> values(kInviteCodeSymbols - 1);
  for (int i = 0; i < 1000; ++i) {
    std::string code = NewInviteCode();
    for (size_t p = 0; p + 1 < code.size(); ++p) values[p].insert(code[p]);
  }
  for (const auto& v : values) EXPECT_GT(v.size(), 20u);
}

TEST(InviteCodeTest, GroupedLowercaseAndAliasesParseToTheSameCode) {
  std::string code = NewInviteCode();
  std::string grouped = GroupInviteCode(code);
  EXPECT_EQ(grouped.size(), 35u);
  EXPECT_EQ(grouped[5], '-');
  EXPECT_EQ(*ParseInviteCode(grouped), code);
  std::string lower = grouped;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  EXPECT_EQ(*ParseInviteCode(lower), code);
  std::string spaced = grouped;
  for (char& c : spaced) c = c == '-' ? ' ' : c;
  EXPECT_EQ(*ParseInviteCode(spaced), code);
  // I, L and O are read as 1, 1 and 0.
  std::string ones = "1" + code.substr(1);
  ones.back() = '0';
  for (char check : kAlphabet) {
    ones.back() = check;
    if (IsCanonicalInviteCode(ones)) break;
  }
  ASSERT_TRUE(IsCanonicalInviteCode(ones));
  EXPECT_EQ(*ParseInviteCode("I" + ones.substr(1)), ones);
  EXPECT_EQ(*ParseInviteCode("l" + ones.substr(1)), ones);
}

TEST(InviteCodeTest, EverySingleTypoIsCaught) {
  std::string code = NewInviteCode();
  for (size_t p = 0; p < code.size(); ++p) {
    for (char c : kAlphabet) {
      if (c == code[p]) continue;
      std::string typo = code;
      typo[p] = c;
      auto parsed = ParseInviteCode(typo);
      ASSERT_FALSE(parsed.ok()) << typo;
      EXPECT_NE(parsed.status().message().find("typo"), std::string::npos);
    }
  }
}

TEST(InviteCodeTest, MostSwapsOfNeighboursAreCaught) {
  int caught = 0, swaps = 0;
  for (int i = 0; i < 50; ++i) {
    std::string code = NewInviteCode();
    for (size_t p = 0; p + 1 < code.size(); ++p) {
      if (code[p] == code[p + 1]) continue;
      std::string swapped = code;
      std::swap(swapped[p], swapped[p + 1]);
      ++swaps;
      caught += !ParseInviteCode(swapped).ok();
    }
  }
  EXPECT_GT(caught, swaps * 95 / 100);
}

TEST(InviteCodeTest, BadTextIsRefusedWithAReason) {
  std::string code = NewInviteCode();
  EXPECT_NE(ParseInviteCode(code.substr(1)).status().message().find("29"),
            std::string::npos);
  EXPECT_NE(ParseInviteCode("U" + code.substr(1))
                .status()
                .message()
                .find("letters and digits"),
            std::string::npos);
  EXPECT_FALSE(ParseInviteCode("").ok());
  EXPECT_FALSE(ParseInviteCode(code + "0").ok());
  EXPECT_FALSE(IsCanonicalInviteCode(GroupInviteCode(code)));
}

TEST(InviteCodeTest, HashIsDomainSeparatedSha256OfTheCanonicalCode) {
  std::string code = NewInviteCode();
  EXPECT_EQ(InviteCodeHash(code),
            Sha256(AsBytes("uuro/v1 invite code\n" + code)));
  EXPECT_NE(InviteCodeHash(code), Sha256(AsBytes(code)));
}

}  // namespace
}  // namespace uuro::fund
