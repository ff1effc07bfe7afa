// Event-time formats, checked against epoch values from Python's calendar.timegm.
#include "io_test_util.h"
#include "support/time.h"

#include <cmath>
#include <limits>

#include "support/time.h"

namespace scorec::runtime::testing {
namespace {

// Reads a one-column-of-times CSV of email_open events and returns the timestamps.
std::vector<double> times(const std::vector<std::string>& texts, std::initializer_list<const char*> opts) {
  TempDir dir;
  std::string csv = "user_id,event,timestamp\n";
  for (const auto& t : texts) csv += "u,email_open,\"" + t + "\"\n";
  auto m = mapping(opts);
  Ingest in;
  auto rows = read_all(dir.write("t.csv", csv), m, in);
  EXPECT_TRUE(rows.ok()) << rows.error().str();
  std::vector<double> out;
  if (rows.ok())
    for (const auto& r : *rows) out.push_back(r.ts);
  return out;
}

constexpr double k20240301T10 = 1709287200;  // 2024-03-01T10:00:00Z

TEST(TimeFormats, AutoIsoAndEpoch) {
  auto ts = times({"2024-03-01T10:00:00Z", "2024-03-01 10:00:00", "2024-03-01T10:00:00.250Z",
                   "2024-03-01T11:00:00+01:00", "2024-03-01T10:00:00-0130", "2019-10-01 00:00:00 UTC",
                   "2010-12-01 08:26:00", "2024-03-01", "1709287200", "1709287200500", "1709287200.5"},
                  {});
  ASSERT_EQ(ts.size(), 11u);
  EXPECT_EQ(ts[0], k20240301T10);
  EXPECT_EQ(ts[1], k20240301T10);
  EXPECT_EQ(ts[2], k20240301T10 + 0.25);
  EXPECT_EQ(ts[3], k20240301T10);
  EXPECT_EQ(ts[4], k20240301T10 + 5400);
  EXPECT_EQ(ts[5], 1569888000);
  EXPECT_EQ(ts[6], 1291191960);
  EXPECT_EQ(ts[7], 1709251200);
  EXPECT_EQ(ts[8], k20240301T10);
  EXPECT_EQ(ts[9], k20240301T10 + 0.5);  // > 1e11: milliseconds
  EXPECT_EQ(ts[10], k20240301T10 + 0.5);
}

TEST(TimeFormats, TimezoneAppliesOnlyWhenTheTextNamesNone) {
  auto ts = times({"2024-03-01 10:00:00", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00+01:00", "1709287200"},
                  {"timezone=+02:00"});
  ASSERT_EQ(ts.size(), 4u);
  EXPECT_EQ(ts[0], k20240301T10 - 7200);
  EXPECT_EQ(ts[1], k20240301T10);
  EXPECT_EQ(ts[2], k20240301T10 - 3600);
  EXPECT_EQ(ts[3], k20240301T10);  // epoch numbers are UTC by definition
}

TEST(TimeFormats, StrftimePattern) {
  auto ts = times({"01/12/2010 08:26", "1/12/2010 8:26"}, {"time_format=%d/%m/%Y %H:%M"});
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0], 1291191960);
  EXPECT_EQ(ts[1], 1291191960);

  ts = times({"01/12/2010 08:26"}, {"time_format=%d/%m/%Y %H:%M", "timezone=-05:00"});
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0], 1291209960);  // 08:26 at UTC-5 is 13:26Z

}

TEST(TimeFormats, PatternWithZoneAndMonthNames) {
  auto ts = times({"2024-03-01 11:00:00 +0100"}, {"time_format=%Y-%m-%d %H:%M:%S %z", "timezone=+09:00"});
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0], k20240301T10);  // the text's zone wins over the mapping's
  ts = times({"01 Mar 2024 10:00:00"}, {"time_format=%d %b %Y %H:%M:%S"});
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0], k20240301T10);
}

TEST(TimeFormats, ExplicitEpochUnits) {
  auto ts = times({"1709287200500"}, {"time_format=epoch_ms"});
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0], k20240301T10 + 0.5);
  ts = times({"1709287200", "86400.5"}, {"time_format=epoch_s"});
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0], k20240301T10);
  EXPECT_EQ(ts[1], 86400.5);
  ts = times({"2000"}, {"time_format=epoch_ms"});
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0], 2);  // explicit milliseconds even when small
}

TEST(TimeFormats, UnparseableTimeIsAnErrorNamingFormat) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("t.csv", "user_id,event,timestamp\nu,email_open,1709287200\nu,email_open,2024-13-01\n");
  auto rows = read_all(path, mapping({"time_format=iso"}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(),
            path + ":2: field 'timestamp': cannot parse '1709287200' as a timestamp (expected ISO-8601)");
  rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":3: field 'timestamp': cannot parse '2024-13-01' as a timestamp "
                                       "(expected ISO-8601 or epoch seconds/milliseconds)");
  rows = read_all(path, mapping({"time_format=%d.%m.%Y"}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":2: field 'timestamp': cannot parse '1709287200' as a timestamp "
                                       "(expected the format '%d.%m.%Y')");
}

// Durations: a marketer's `6m` is not silently six minutes. Minutes are `min`, a month
// is `mo` = 30 days exactly, and a bare `m` is no unit at all.
TEST(Durations, UnitsAndTheBareM) {
  EXPECT_EQ(parse_duration("45s"), 45.0);
  EXPECT_EQ(parse_duration("90min"), 5400.0);
  EXPECT_EQ(parse_duration("1.5h"), 5400.0);
  EXPECT_EQ(parse_duration("30d"), 2592000.0);
  EXPECT_EQ(parse_duration("2w"), 1209600.0);
  EXPECT_EQ(parse_duration("6mo"), 6 * 30 * 86400.0);
  EXPECT_EQ(parse_duration("6m"), std::nullopt);
  EXPECT_EQ(parse_duration("1month"), std::nullopt);
  EXPECT_EQ(parse_duration("mo"), std::nullopt);
  EXPECT_EQ(parse_duration("30"), std::nullopt);
}

// The instants scorec represents, years 0001 to 9999 (support/time.h): the ends format
// and parse back exactly, and nothing outside them is formatted as a date.
TEST(TimeRange, EndsRoundTripAndNothingOutsideIsADate) {
  EXPECT_EQ(format_iso8601(kMinTime), "0001-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(kEndTime - 1), "9999-12-31T23:59:59Z");
  EXPECT_EQ(parse_iso8601("0001-01-01T00:00:00Z"), kMinTime);
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59Z"), kEndTime - 1);
  // Every whole second reads back, across the range (a prime step visits every field).
  for (double t = kMinTime; t < kEndTime; t += 7919.0 * 86400 + 3607)
    ASSERT_EQ(parse_iso8601(format_iso8601(t)), t) << format_iso8601(t);
  // Outside: not parsed, and formatted as the number (this printed year 292277026596,
  // hour 39, for 1e300; NaN and the infinities converted to an integer, undefined).
  EXPECT_EQ(parse_iso8601("0000-12-31T23:59:59Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601("0001-01-01T00:30:00+01:00"), std::nullopt);
  EXPECT_EQ(parse_time_format("99999999999999", "%s"), std::nullopt);
  EXPECT_EQ(format_iso8601(1e300), "1e+300");
  EXPECT_EQ(format_iso8601(-1e300), "-1e+300");
  EXPECT_EQ(format_iso8601(kEndTime), "253402300800");
  EXPECT_EQ(format_iso8601(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_iso8601(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_FALSE(time_in_range(std::numeric_limits<double>::quiet_NaN()));
}

// An event time outside the range is a bad line (an error naming the line, or skipped
// and counted with --skip-bad); a timestamp property outside it is a bad value (null,
// counted).
TEST(TimeRange, OutsideTimesAreBadLinesAndBadValues) {
  TempDir dir;
  auto path = dir.write("t.csv",
                        "user_id,event,timestamp\n"
                        "u,email_open,2024-03-01T10:00:00Z\n"
                        "u,email_open,1e300\n"
                        "u,email_open,-1e300\n"
                        "u,email_open,0000-06-01\n");
  Ingest in;
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":3: field 'timestamp': the time '1e300' is outside the range scorec "
                                       "represents (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)");
  rows = read_all(path, mapping({"time_format=epoch_s"}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().str().find(":2: field 'timestamp': cannot parse"), std::string::npos) << rows.error().str();

  Ingest skipping;
  skipping.ctx.skip_bad = true;
  rows = read_all(path, mapping({}), skipping);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].ts, k20240301T10);
  EXPECT_EQ(skipping.stats.skipped_bad, 3u);
  EXPECT_EQ(skipping.stats.max_ts, k20240301T10);

  // NDJSON, and a timestamp property.
  auto nd = dir.write("t.ndjson",
                      "{\"user_id\":\"u\",\"event\":\"purchase\",\"timestamp\":1709287200,\"paid_at\":1e300}\n"
                      "{\"user_id\":\"u\",\"event\":\"purchase\",\"timestamp\":1e300}\n");
  Ingest json;
  rows = read_all(nd, mapping({}), json);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().str().find(":2: field 'timestamp': the time '1e300' is outside the range"), std::string::npos)
      << rows.error().str();
  Ingest json_skipping;
  json_skipping.ctx.skip_bad = true;
  rows = read_all(nd, mapping({}), json_skipping);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].cols[kPaidAt], std::nullopt);
  EXPECT_EQ(json_skipping.stats.bad_values, 1u);
  EXPECT_EQ(json_skipping.stats.skipped_bad, 1u);
}

// A duration that overflows (or reads as NaN) is not a duration.
TEST(TimeRange, NonFiniteDurationsAreBadValues) {
  TempDir dir;
  auto path = dir.write("d.csv", "user_id,event,timestamp,url,duration\n"
                                 "u,page_view,1709287200,x,1e308w\nu,page_view,1709287200,x,nand\n"
                                 "u,page_view,1709287200,x,2h\n");
  Ingest in;
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].cols[kDuration], std::nullopt);
  EXPECT_EQ((*rows)[1].cols[kDuration], std::nullopt);
  EXPECT_EQ((*rows)[2].cols[kDuration], 7200);
  EXPECT_EQ(in.stats.bad_values, 2u);
}

}  // namespace
}  // namespace scorec::runtime::testing
