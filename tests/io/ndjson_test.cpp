#include "io_test_util.h"

namespace scorec::runtime::testing {
namespace {

using O = std::optional<double>;
constexpr double kT0 = 1709287200;  // 2024-03-01T10:00:00Z

TEST(NdjsonReader, PlainEventsWithDefaultFieldNames) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("e.ndjson",
                        R"({"user_id":"u1","event":"purchase","timestamp":"2024-03-01T10:00:00Z","amount":12.5,"tags":["a","b",null,3],"gift":true,"extra":{"deep":[1,{"x":2}]}})" "\n"
                        R"({"userId":12345,"event_type":"page_view","time":1709287200,"properties":{"url":"/h\"q\u00e9","duration":"30d"}})" "\n"
                        "\n"
                        R"({"event_time":1709287200000,"user_id":17850.0,"event":"purchase","properties":{"amount":"7","paid_at":"2024-03-01"},"amount":99})" "\r\n"
                        R"({"user_id":"u1","event":"purchase","timestamp":"2024-03-01T10:00:00Z","amount":null,"gift":"no","tags":"solo"})");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  const auto& r = *rows;
  EXPECT_EQ(r[0].user, "u1");
  EXPECT_EQ(r[0].type, kPurchase);
  EXPECT_EQ(r[0].ts, kT0);
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[0].cols[kAmount], O(12.5));
  EXPECT_EQ(in.list(*r[0].cols[kTags]), (std::vector<std::string>{"a", "b", "3"}));
  EXPECT_EQ(r[0].cols[kGift], O(1));
  EXPECT_EQ(r[1].user, "12345");  // a numeric id keeps its text
  EXPECT_EQ(r[1].type, kPageView);
  EXPECT_EQ(r[1].ts, kT0);
  EXPECT_EQ(in.str(*r[1].cols[kUrl]), "/h\"q\xC3\xA9");
  EXPECT_EQ(r[1].cols[kDuration], O(30 * 86400));
  EXPECT_EQ(r[2].user, "17850");
  EXPECT_EQ(r[2].line, 4u);
  EXPECT_EQ(r[2].ts, kT0);  // milliseconds
  EXPECT_EQ(r[2].cols[kAmount], O(7));  // properties.amount wins over the top-level field
  EXPECT_EQ(r[2].cols[kPaidAt], O(1709251200));
  EXPECT_EQ(r[3].cols[kAmount], O());
  EXPECT_EQ(r[3].cols[kGift], O(0));
  EXPECT_EQ(in.list(*r[3].cols[kTags]), (std::vector<std::string>{"solo"}));
  EXPECT_EQ(in.stats.events_read, 4u);
  EXPECT_EQ(in.stats.bad_values, 0u);
}

TEST(NdjsonReader, BadValuesBecomeNullAndAreCounted) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(
      dir.write("b.jsonl",
                R"({"user_id":"u","event":"purchase","timestamp":1,"amount":"lots","gift":3,"tags":[[1]],"paid_at":{"a":1}})" "\n"
                R"({"user_id":"u","event":"purchase","timestamp":2,"amount":"","gift":"","paid_at":""})" "\n"),
      mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 2u);
  for (const auto& r : *rows) EXPECT_EQ(r.cols, std::vector<O>(kNumCols));
  EXPECT_EQ(in.stats.bad_values, 4u);  // "" is a missing value, not a bad one
}

TEST(NdjsonReader, MappedFieldsAndPaths) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("m.ndjson", R"({"who":{"id":"u9"},"what":"Order Completed","at":"01/03/2024 10:00","data":{"total":5}})"),
                       mapping({"user=who.id", "event=what", "time=at", "time_format=%d/%m/%Y %H:%M",
                                "prop.amount=data.total", "alias.purchase=Order Completed"}),
                       in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0], (Row{"u9", kPurchase, kT0, 1, {O(), O(), O(5), O(), O(), O()}}));
}

TEST(NdjsonReader, SegmentTrackIdentifyAndOtherMessages) {
  TempDir dir;
  Ingest in;
  auto path = dir.write(
      "segment.ndjson",
      R"({"type":"identify","userId":"u1","traits":{"plan":"pro","age":41,"vip":true},"timestamp":"2024-03-01T09:00:00Z"})" "\n"
      R"({"type":"track","userId":"u1","event":"Order Completed","properties":{"amount":30,"type":"x"},"timestamp":"2024-03-01T10:00:00Z","context":{"ip":"1.2.3.4"}})" "\n"
      R"({"type":"track","anonymousId":"anon-7","event":"purchase","properties":{"amount":1},"timestamp":"2024-03-01T10:00:01Z"})" "\n"
      R"({"type":"page","userId":"u1","name":"Home","timestamp":"2024-03-01T10:00:02Z"})" "\n"
      R"({"type":"screen","userId":"u1","timestamp":"2024-03-01T10:00:03Z"})" "\n"
      R"({"type":"identify","anonymousId":"anon-7","traits":{"signup":"2024-03-01"}})" "\n"
      R"({"type":"identify","userId":"u1","traits":{"plan":"team","age":null}})" "\n"
      R"({"type":"identify","traits":{"plan":"nobody"}})" "\n"
      R"({"type":"track","userId":"u2","event":"Signed Up","timestamp":"2024-03-01T10:00:04Z"})" "\n");
  auto rows = read_all(path, mapping({"alias.purchase=Order Completed"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0], (Row{"u1", kPurchase, kT0, 2, {O(), O(), O(30), O(), O(), O()}}));
  EXPECT_EQ((*rows)[1], (Row{"anon-7", kPurchase, kT0 + 1, 3, {O(), O(), O(1), O(), O(), O()}}));
  EXPECT_EQ((*rows)[2].type, -1);
  EXPECT_EQ(in.stats.events_read, 3u);
  // Page and screen calls the rules do not declare are skipped, and counted by name
  // among the undeclared types.
  EXPECT_EQ(in.stats.unknown_by_name,
            (std::map<std::string, uint64_t>{{"Signed Up", 1}, {"page", 1}, {"screen", 1}}));
  EXPECT_EQ(in.stats.unknown_events, 1u);
  EXPECT_EQ(in.stats.other_messages, 2u);
  EXPECT_EQ(in.stats.profiles_read, 3u);
  EXPECT_EQ(in.stats.missing_user, 1u);
  EXPECT_EQ(in.stats.max_ts, kT0 + 4);  // identify, page and screen times are not event times
  // Traits: later messages overwrite what they set; a null leaves the earlier value.
  EXPECT_EQ(in.str(*in.attr("u1", kPlan)), "team");
  EXPECT_EQ(in.attr("u1", kAge), O(41));
  EXPECT_EQ(in.attr("u1", kVip), O(1));
  EXPECT_EQ(in.attr("anon-7", kSignup), O(1709251200));
  EXPECT_EQ(in.attr("anon-7", kPlan), O());
  EXPECT_EQ(in.users.size(), 3u);
}

TEST(NdjsonReader, MalformedLinesNameFileLineAndField) {
  TempDir dir;
  Ingest in;
  struct Case {
    std::string line, message;
  };
  std::vector<Case> cases = {
      {R"({"user_id":"u","event":"purchase","timestamp":1)", "invalid JSON"},
      {R"([1,2])", "not a JSON object"},
      {R"({"user_id":"u","event":"purchase","timestamp":1} {"x":1})", "invalid JSON (text after the object)"},
      {R"({"user_id":"u","event":"purchase"})", "missing the timestamp (field 'timestamp', 'time', 'event_time', 'ts' or 'originalTimestamp')"},
      {R"({"user_id":"u","timestamp":1})", "missing the event name (field 'event' or 'event_type')"},
      {R"({"user_id":"u","event":"purchase","time":"soon"})",
       "field 'time': cannot parse 'soon' as a timestamp (expected ISO-8601 or epoch seconds/milliseconds)"},
      {R"({"user_id":"u","event":"purchase","time":true})",
       "field 'time': cannot parse 'true' as a timestamp (expected ISO-8601 or epoch seconds/milliseconds)"},
      {R"({"user_id":"u","event":"purchase","timestamp":[1]})",
       "field 'timestamp': cannot parse a JSON array or object as a timestamp (expected ISO-8601 or epoch "
       "seconds/milliseconds)"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    auto path = dir.write("bad" + std::to_string(i) + ".ndjson",
                          "{\"user_id\":\"ok\",\"event\":\"email_open\",\"timestamp\":1}\n\n" + cases[i].line + "\n");
    auto rows = read_all(path, mapping({}), in);
    ASSERT_FALSE(rows.ok()) << cases[i].line;
    EXPECT_EQ(rows.error().file, path);
    EXPECT_EQ(rows.error().line, 3);
    EXPECT_EQ(rows.error().message.substr(0, cases[i].message.size()), cases[i].message) << rows.error().message;
  }
}

TEST(NdjsonReader, SkipBadAndMissingUsers) {
  TempDir dir;
  Ingest in;
  in.ctx.skip_bad = true;
  auto rows = read_all(dir.write("s.ndjson",
                                 "{\"user_id\":\"a\",\"event\":\"email_open\",\"timestamp\":1}\n"
                                 "not json\n"
                                 "{\"user_id\":\"\",\"event\":\"email_open\",\"timestamp\":2}\n"
                                 "{\"user_id\":null,\"event\":\"email_open\",\"timestamp\":3}\n"
                                 "{\"event\":\"email_open\",\"timestamp\":4}\n"
                                 "{\"user_id\":\"b\",\"event\":\"email_open\"}\n"
                                 "\"a string\"\n"
                                 "{\"user_id\":\"c\",\"event\":\"email_open\",\"timestamp\":8}\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].user, "c");
  EXPECT_EQ((*rows)[1].line, 8u);
  EXPECT_EQ(in.stats.skipped_bad, 3u);
  EXPECT_EQ(in.stats.missing_user, 3u);
  EXPECT_EQ(in.stats.events_read, 2u);
  EXPECT_EQ(in.users.size(), 2u);
}

TEST(NdjsonReader, CrOnlyLineEndsAndBlankLines) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("mac.ndjson",
                                 "{\"user_id\":\"a\",\"event\":\"email_open\",\"timestamp\":1}\r"
                                 "\r"
                                 "{\"user_id\":\"b\",\"event\":\"email_open\",\"timestamp\":2}\r\n"
                                 "  \n"
                                 "{\"user_id\":\"c\",\"event\":\"email_open\",\"timestamp\":3}\r"),
                       mapping({}), in, 1000, 16);  // small blocks: a CR may end a block
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].user, "b");
  EXPECT_EQ((*rows)[1].line, 3u);
  EXPECT_EQ((*rows)[2].line, 5u);
  EXPECT_EQ(in.stats.blank_lines, 2u);
}

TEST(NdjsonReader, DuplicateKeysThatAreReadAreBadLines) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("dup.ndjson",
                        "{\"user_id\":\"a\",\"event\":\"email_open\",\"timestamp\":1,\"note\":1,\"note\":2}\n"
                        "{\"user_id\":\"a\",\"event\":\"email_open\",\"timestamp\":2,\"user_id\":\"b\"}\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":2: key 'user_id' appears twice in the object; which one is meant?");
  Ingest skip;
  skip.ctx.skip_bad = true;
  rows = read_all(dir.write("dup2.ndjson",
                            "{\"userId\":\"a\",\"event\":\"purchase\",\"timestamp\":1,"
                            "\"properties\":{\"amount\":1},\"properties\":{\"amount\":2}}\n"
                            "{\"userId\":\"a\",\"event\":\"purchase\",\"timestamp\":1,\"properties\":{\"amount\":1,\"amount\":2}}\n"
                            "{\"userId\":\"a\",\"event\":\"purchase\",\"timestamp\":3,\"properties\":{\"amount\":3}}\n"),
                  mapping({}), skip);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].cols[kAmount], O(3));
  EXPECT_EQ(skip.stats.skipped_bad, 2u);
}

TEST(NdjsonReader, TrimmedIdsAreCountedAlsoInIdentify) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("t.ndjson",
                                 "{\"userId\":\" a\",\"type\":\"track\",\"event\":\"email_open\",\"timestamp\":1}\n"
                                 "{\"userId\":\"a \",\"type\":\"identify\",\"traits\":{\"plan\":\"pro\"}}\n"
                                 "{\"userId\":\"a\",\"type\":\"track\",\"event\":\"email_open\",\"timestamp\":2}\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(in.users.size(), 1u);
  EXPECT_EQ(in.stats.trimmed_ids, 2u);
  EXPECT_EQ(in.attr("a", kPlan), O(in.strings.find("pro")));
}

TEST(NdjsonReader, IdsMustBeValidUtf8) {
  TempDir dir;
  // A lone surrogate escape decodes to bytes that are not UTF-8; raw invalid bytes are
  // refused by the JSON parser itself.
  for (std::string id : {std::string("\\ud800"), std::string("\xED\xA0\x80"), std::string("caf\xE9")}) {
    Ingest in;
    auto path = dir.write("u.ndjson", "{\"user_id\":\"" + id + "\",\"event\":\"email_open\",\"timestamp\":1}\n");
    auto rows = read_all(path, mapping({}), in);
    ASSERT_FALSE(rows.ok()) << id;
    EXPECT_EQ(rows.error().line, 1);
  }
}

TEST(NdjsonReader, ConstantEventName) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("c.ndjson", R"({"user_id":"u","timestamp":1,"amount":2})"),
                       mapping({"event_name=purchase"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].type, kPurchase);
  EXPECT_EQ((*rows)[0].cols[kAmount], O(2));
}

TEST(NdjsonReader, FormatSniffedWithoutExtension) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("events.txt", "  {\"user_id\":\"u\",\"event\":\"email_open\",\"timestamp\":1}\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(rows->size(), 1u);
}

TEST(NdjsonReader, ChunkedReadEqualsWholeRead) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 400; ++i) {
    text += "{\"userId\":\"user" + std::to_string(i % 23) + "\",\"event\":\"" +
            (i % 4 ? "page_view" : "purchase") + "\",\"timestamp\":" + std::to_string(1700000000 + i) +
            ",\"properties\":{\"url\":\"/p/" + std::string(static_cast<size_t>(i % 150), 'x') +
            "\",\"amount\":" + std::to_string(i) + ",\"tags\":[\"t" + std::to_string(i % 3) + "\"]}}\n";
  }
  auto path = dir.write("big.ndjson", text);
  Ingest whole_in, chunk_in;
  auto whole = read_all(path, mapping({}), whole_in, 1'000'000);
  auto chunked = read_all(path, mapping({}), chunk_in, 5, 100);  // blocks shorter than many lines
  ASSERT_TRUE(whole.ok()) << whole.error().str();
  ASSERT_TRUE(chunked.ok()) << chunked.error().str();
  ASSERT_EQ(whole->size(), 400u);
  EXPECT_EQ(*whole, *chunked);
  EXPECT_EQ(whole->back().line, 400u);
  EXPECT_EQ(whole->back().cols[kUrl], O(whole_in.strings.find("/p/" + std::string(399 % 150, 'x'))));
}

}  // namespace
}  // namespace scorec::runtime::testing
