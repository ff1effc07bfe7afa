#include "io_test_util.h"

namespace scorec::runtime::testing {
namespace {

TEST(FieldMapping, AppliesEveryKey) {
  FieldMapping m;
  ASSERT_TRUE(m.apply_option("format=ndjson").ok());
  ASSERT_TRUE(m.apply_option("user = CustomerID").ok());
  ASSERT_TRUE(m.apply_option("event=kind").ok());
  ASSERT_TRUE(m.apply_option("event_name=purchase").ok());
  ASSERT_TRUE(m.apply_option("time=InvoiceDate").ok());
  ASSERT_TRUE(m.apply_option("time_format=%Y-%m-%d %H:%M:%S").ok());
  ASSERT_TRUE(m.apply_option("timezone=+05:30").ok());
  ASSERT_TRUE(m.apply_option("delimiter=tab").ok());
  ASSERT_TRUE(m.apply_option("list_separator=;").ok());
  ASSERT_TRUE(m.apply_option("prop.amount=Total").ok());
  ASSERT_TRUE(m.apply_option("attr.plan=traits.tier").ok());
  ASSERT_TRUE(m.apply_option("alias.email_open=Email Opened").ok());
  EXPECT_EQ(m.format, InputFormat::Ndjson);
  EXPECT_EQ(m.user_field, "CustomerID");
  EXPECT_EQ(m.event_field, "kind");
  EXPECT_EQ(m.event_constant, "purchase");
  EXPECT_EQ(m.time_field, "InvoiceDate");
  EXPECT_EQ(m.time_format, TimeFormat::Pattern);
  EXPECT_EQ(m.time_pattern, "%Y-%m-%d %H:%M:%S");
  EXPECT_EQ(m.utc_offset_seconds, 5 * 3600 + 30 * 60);
  EXPECT_EQ(m.delimiter, '\t');
  EXPECT_EQ(m.list_separator, ';');
  EXPECT_EQ(m.prop_fields.at("amount"), "Total");
  EXPECT_EQ(m.attr_fields.at("plan"), "traits.tier");
  EXPECT_EQ(m.event_aliases.at("Email Opened"), "email_open");

  ASSERT_TRUE(m.apply("time_format", "epoch_ms").ok());
  EXPECT_EQ(m.time_format, TimeFormat::EpochMillis);
  ASSERT_TRUE(m.apply("time_format", "epoch_s").ok());
  EXPECT_EQ(m.time_format, TimeFormat::EpochSeconds);
  ASSERT_TRUE(m.apply("time_format", "iso").ok());
  EXPECT_EQ(m.time_format, TimeFormat::Iso8601);
  ASSERT_TRUE(m.apply("timezone", "UTC").ok());
  EXPECT_EQ(m.utc_offset_seconds, 0);
  ASSERT_TRUE(m.apply("delimiter", ";").ok());
  EXPECT_EQ(m.delimiter, ';');
}

TEST(FieldMapping, ErrorsNameTheKeyAndReason) {
  FieldMapping m;
  auto e = m.apply_option("tiem=x");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'tiem': unknown key (did you mean 'time'?)");
  e = m.apply_option("delimiter=ab");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'delimiter': expected one character (or `tab`), got 'ab'");
  e = m.apply_option("timezone=Mars");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'timezone': expected UTC or an offset like +01:00, got 'Mars'");
  e = m.apply_option("time_format=yesterday");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("mapping 'time_format': expected iso, epoch_s, epoch_ms"), std::string::npos);
  e = m.apply_option("user");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'user': expected key=value");
  e = m.apply_option("format=xml");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'format': expected csv or ndjson, got 'xml'");
  e = m.apply_option("prop.=x");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'prop.': expected prop.NAME");
  ASSERT_TRUE(m.apply_option("alias.a=X").ok());
  e = m.apply_option("alias.b=X");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "mapping 'alias.b': input event 'X' already means 'a'");
}

TEST(FieldMapping, LoadsAFile) {
  TempDir dir;
  auto path = dir.write("m.map",
                        "# retail export\n"
                        "\n"
                        "user = CustomerID\n"
                        "event_name = purchase   # every row is a purchase\n"
                        "time_format = \"%Y-%m-%d %H:%M:%S\"\n"
                        "alias.email_open = \"Email #1 \\\"Opened\\\"\"  # quoted: keeps # and spaces\n"
                        "prop.amount=Order#Total\n");
  auto m = load_mapping_file(path);
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->user_field, "CustomerID");
  EXPECT_EQ(m->event_constant, "purchase");
  EXPECT_EQ(m->time_pattern, "%Y-%m-%d %H:%M:%S");
  EXPECT_EQ(m->event_aliases.at("Email #1 \"Opened\""), "email_open");
  EXPECT_EQ(m->prop_fields.at("amount"), "Order#Total");
}

TEST(FieldMapping, FileErrorsCarryFileAndLine) {
  TempDir dir;
  auto path = dir.write("bad.map", "user = id\n# fine\nevent purchase\n");
  auto m = load_mapping_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().file, path);
  EXPECT_EQ(m.error().line, 3);
  EXPECT_EQ(m.error().str(), path + ":3: expected `key = value`");

  path = dir.write("bad2.map", "user = id\nevnt = x\n");
  m = load_mapping_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), path + ":2: mapping 'evnt': unknown key (did you mean 'event'?)");

  path = dir.write("bad3.map", "time_format = \"%Y\n");
  m = load_mapping_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), path + ":1: unterminated quoted value");

  m = load_mapping_file(dir.path("absent.map"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "cannot open mapping file");
}

TEST(FieldMapping, FileMustBeSmallTextWithSettings) {
  TempDir dir;
  auto path = dir.write("nul.map", std::string("user = id\nevent = e\0v\n", 22));
  auto m = load_mapping_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), path + ":2: a NUL byte: a mapping file is text of `key = value` lines");

  path = dir.write("big.map", "user = id\n" + std::string(size_t{1} << 20, '#'));
  m = load_mapping_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), path + ": larger than 1 MiB; a mapping file is a few `key = value` lines");

  path = dir.write("empty.map", "# nothing here\n\n");
  m = load_mapping_file(path);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), path + ": no `key = value` lines; an empty mapping file is probably the wrong file");

  m = load_mapping_file("/dev/zero");  // a device that never ends
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().str(), "/dev/zero: cannot read a mapping file from a device; give a file (or a pipe)");

  path = dir.write("mac.map", "user = id\revent = kind\r\rtime = at\r");
  m = load_mapping_file(path);
  ASSERT_TRUE(m.ok()) << m.error().str();
  EXPECT_EQ(m->event_field, std::optional<std::string>("kind"));
  EXPECT_EQ(m->time_field, std::optional<std::string>("at"));
}

TEST(FieldMapping, CsvQuotes) {
  FieldMapping m;
  EXPECT_FALSE(m.csv_lenient_quotes);
  ASSERT_TRUE(m.apply("csv_quotes", "lenient").ok());
  EXPECT_TRUE(m.csv_lenient_quotes);
  ASSERT_TRUE(m.apply("csv_quotes", "strict").ok());
  EXPECT_FALSE(m.csv_lenient_quotes);
  auto st = m.apply("csv_quotes", "loose");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "mapping 'csv_quotes': expected strict or lenient, got 'loose'");
}

TEST(FieldMapping, FormatFromPath) {
  EXPECT_EQ(format_from_path("a.csv"), InputFormat::Csv);
  EXPECT_EQ(format_from_path("dir/A.CSV.GZ"), InputFormat::Csv);
  EXPECT_EQ(format_from_path("a.tsv"), InputFormat::Csv);
  EXPECT_EQ(format_from_path("a.ndjson"), InputFormat::Ndjson);
  EXPECT_EQ(format_from_path("a.jsonl.gz"), InputFormat::Ndjson);
  EXPECT_EQ(format_from_path("a.json"), InputFormat::Ndjson);
  EXPECT_EQ(format_from_path("-"), InputFormat::Auto);
  EXPECT_EQ(format_from_path("events.gz"), InputFormat::Auto);
  EXPECT_EQ(format_from_path("events.txt"), InputFormat::Auto);
}

}  // namespace
}  // namespace scorec::runtime::testing
