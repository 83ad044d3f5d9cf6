#include "ledger/tlog/iso_time.h"

#include <gtest/gtest.h>

#include <limits>

namespace uuro {
namespace {

TEST(IsoTimeTest, FormatsMillisecondsAsIso8601Utc) {
  EXPECT_EQ(FormatIsoTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoTime(1796239800000), "2026-12-02T19:30:00Z");
  EXPECT_EQ(FormatIsoTime(1796239800250), "2026-12-02T19:30:00.250Z");
  EXPECT_EQ(FormatIsoTime(1796239800001), "2026-12-02T19:30:00.001Z");
  EXPECT_EQ(FormatIsoTime(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(IsoTimeTest, NamesTheMillisecondsBeyondTheYear9999) {
  EXPECT_EQ(FormatIsoTime(253402300800000),
            "253402300800000 ms after 1970 (beyond the year 9999)");
  EXPECT_EQ(FormatIsoTime(std::numeric_limits<uint64_t>::max()),
            "18446744073709551615 ms after 1970 (beyond the year 9999)");
}

}  // namespace
}  // namespace uuro
