// Published district rows never hold fewer residents than the minimum.
#include "ledger/fund/small_districts.h"

#include <gtest/gtest.h>

namespace uuro::fund {
namespace {

TEST(PublishedDistrictsTest, LargeDistrictsKeepTheirNameSmallOnesMerge) {
  auto names = PublishedDistricts(
      {{"harbour", 40}, {"north", 3}, {"south", 4}, {"west", 25}}, 5);
  EXPECT_EQ(names["harbour"], "harbour");
  EXPECT_EQ(names["west"], "west");
  EXPECT_EQ(names["north"], kMergedDistricts);
  EXPECT_EQ(names["south"], kMergedDistricts);  // 3 + 4 >= 5: enough.
}

TEST(PublishedDistrictsTest, AMergedRowTooSmallTakesInTheSmallestOther) {
  auto names =
      PublishedDistricts({{"harbour", 40}, {"north", 2}, {"west", 9}}, 5);
  EXPECT_EQ(names["north"], kMergedDistricts);
  EXPECT_EQ(names["west"], kMergedDistricts);  // 2 alone would tell.
  EXPECT_EQ(names["harbour"], "harbour");
}

TEST(PublishedDistrictsTest, EmptyDistrictsMergeWithoutTakingOthers) {
  auto names = PublishedDistricts({{"harbour", 40}, {"hills", 0}}, 5);
  EXPECT_EQ(names["hills"], kMergedDistricts);
  EXPECT_EQ(names["harbour"], "harbour");
  EXPECT_EQ(PublishedDistricts({{"a", 1}}, 1).at("a"), "a");
}

TEST(MergeSmallDistrictsTest, SumsTheMergedRowsFigures) {
  v1::RoundTotals totals;
  for (auto [name, residents, awarded, allowance] :
       {std::tuple{"harbour", 10, 500, 100}, std::tuple{"north", 2, 80, 100},
        std::tuple{"south", 3, 90, 120}}) {
    v1::DistrictTotals* d = totals.add_districts();
    d->set_district(name);
    d->mutable_totals()->set_residents(residents);
    d->mutable_totals()->set_awarded(awarded);
    d->mutable_totals()->set_allowance(allowance);
  }
  MergeSmallDistricts(totals, 5);
  ASSERT_EQ(totals.districts_size(), 2);
  EXPECT_EQ(totals.districts(0).district(), kMergedDistricts);
  EXPECT_EQ(totals.districts(0).totals().residents(), 5u);
  EXPECT_EQ(totals.districts(0).totals().awarded(), 170u);
  EXPECT_EQ(totals.districts(0).totals().allowance(), 0u);  // 100 and 120.
  EXPECT_EQ(totals.districts(1).district(), "harbour");
}

}  // namespace
}  // namespace uuro::fund
