// UTC calendar arithmetic, ISO-8601 formatting and --start parsing.
#include <gtest/gtest.h>

#include "civil_time.h"

namespace scorec::gen {
namespace {

TEST(GenTime, DaysFromCivilKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2024, 1, 1), 19723);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(GenTime, CivilRoundTripOverFourCenturies) {
  for (int64_t d = -146097; d <= 146097; d += 7) {
    const CivilDate c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
}

TEST(GenTime, FormatsIso8601) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(1704277500), "2024-01-03T10:25:00Z");
  EXPECT_EQ(format_iso8601(1709251199), "2024-02-29T23:59:59Z");  // leap day
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
}

TEST(GenTime, FormatterCacheFollowsDayChanges) {
  IsoFormatter f;
  std::string out;
  for (int64_t t : {86399, 86400, 86401, 0}) {
    out.clear();
    f.append(out, t);
    EXPECT_EQ(out, format_iso8601(t));
  }
}

TEST(GenTime, ParsesStartArgument) {
  EXPECT_EQ(parse_utc_time("2024-01-01"), 1704067200);
  EXPECT_EQ(parse_utc_time("2024-01-03T10:25:00Z"), 1704277500);
  EXPECT_EQ(parse_utc_time("2024-01-03 10:25:00"), 1704277500);
  EXPECT_EQ(parse_utc_time("1704067200"), 1704067200);
  EXPECT_EQ(parse_utc_time("2023-02-30"), std::nullopt);
  EXPECT_EQ(parse_utc_time("2024-13-01"), std::nullopt);
  EXPECT_EQ(parse_utc_time("2024-01-01T25:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_utc_time("yesterday"), std::nullopt);
  EXPECT_EQ(parse_utc_time(""), std::nullopt);
}

}  // namespace
}  // namespace scorec::gen
