#include "io_test_util.h"

#include "runtime/io/csv_parser.h"

namespace scorec::runtime::testing {
namespace {

using O = std::optional<double>;
constexpr double kT0 = 1709287200;  // 2024-03-01T10:00:00Z

TEST(CsvReader, ReadsTypedColumns) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("e.csv",
                        "user_id,event,timestamp,url,duration,amount,tags,paid_at,gift\n"
                        "u1,page_view,2024-03-01T10:00:00Z,/home,30d,,,,\n"
                        "u2,purchase,1709287200,,,12.5,a|b| c||,2024-03-01,yes\n"
                        "u1,email_open,1709287201,/ignored,,99,,,\n"
                        "u2,purchase,1709287202,,90,-3,,1709287200000,0\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  const auto& r = *rows;
  EXPECT_EQ(r[0], (Row{"u1", kPageView, kT0, 2, {in.strings.find("/home") * 1.0, 30 * 86400.0, O(), O(), O(), O()}}));
  EXPECT_EQ(r[0].cols[kUrl], O(in.strings.find("/home")));
  EXPECT_EQ(in.str(*r[0].cols[kUrl]), "/home");
  EXPECT_EQ(r[1].user, "u2");
  EXPECT_EQ(r[1].type, kPurchase);
  EXPECT_EQ(r[1].line, 3u);
  EXPECT_EQ(r[1].cols[kAmount], O(12.5));
  EXPECT_EQ(in.list(*r[1].cols[kTags]), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r[1].cols[kPaidAt], O(1709251200));
  EXPECT_EQ(r[1].cols[kGift], O(1));
  EXPECT_EQ(r[1].cols[kUrl], O());  // not a purchase property
  EXPECT_EQ(r[1].cols[kDuration], O());
  // email_open declares no properties: every column null even when the file has values.
  EXPECT_EQ(r[2].cols, std::vector<O>(kNumCols));
  EXPECT_EQ(r[3].cols[kAmount], O(-3));
  EXPECT_EQ(r[3].cols[kPaidAt], O(kT0));
  EXPECT_EQ(r[3].cols[kGift], O(0));
  EXPECT_EQ(r[3].cols[kTags], O());  // empty field = null
  EXPECT_EQ(in.stats.events_read, 4u);
  EXPECT_EQ(in.stats.bad_values, 0u);
  EXPECT_EQ(in.stats.max_ts, kT0 + 2);
  EXPECT_EQ(in.users.size(), 2u);
  EXPECT_TRUE(in.stats.warnings.empty());
}

TEST(CsvReader, DurationsAsNumbersOrLiterals) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("d.csv",
                                 "user_id,event,timestamp,duration\n"
                                 "u,page_view,1,90\nu,page_view,2,1.5h\nu,page_view,3,2w\nu,page_view,4,soon\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].cols[kDuration], O(90));
  EXPECT_EQ((*rows)[1].cols[kDuration], O(5400));
  EXPECT_EQ((*rows)[2].cols[kDuration], O(14 * 86400));
  EXPECT_EQ((*rows)[3].cols[kDuration], O());
  EXPECT_EQ(in.stats.bad_values, 1u);
}

TEST(CsvReader, QuotingCrlfBomAndEmptyFields) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("q.csv",
                        "\xEF\xBB\xBF" "user_id,event,timestamp,url,amount\r\n"
                        "\"u,1\",page_view,1,\"/a,b\"\"c\"\"\",\r\n"
                        "u2,page_view,2,\"multi\r\nline\",\r\n"
                        "u3,page_view,3,,\r\n"
                        "\r\n"
                        "u4,purchase,4,\"\",\"7\"");  // no final line break
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  const auto& r = *rows;
  EXPECT_EQ(r[0].user, "u,1");
  EXPECT_EQ(in.str(*r[0].cols[kUrl]), "/a,b\"c\"");
  EXPECT_EQ(r[0].line, 2u);
  EXPECT_EQ(in.str(*r[1].cols[kUrl]), "multi\r\nline");
  EXPECT_EQ(r[1].line, 3u);
  EXPECT_EQ(r[2].line, 5u);  // the quoted line break counts as a physical line
  EXPECT_EQ(r[2].cols[kUrl], O());
  EXPECT_EQ(r[3].line, 7u);  // after a blank line
  EXPECT_EQ(r[3].cols[kAmount], O(7));
  EXPECT_EQ(in.stats.events_read, 4u);
}

TEST(CsvReader, SplitterEdgeCases) {
  std::vector<std::string_view> f;
  CsvSplitInfo info;
  const CsvDialect strict, lenient{',', true}, semicolon{';', false};
  std::string s = "a,\"b\",\"\",,\"c\"\"\"\nnext";
  ASSERT_EQ(split_csv_record(s.data(), s.size(), false, strict, f, info), CsvSplit::Done);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b", "", "", "c\""}));
  EXPECT_EQ(info.used, s.find('\n') + 1);
  EXPECT_EQ(info.newlines, 1u);
  std::string bx = "a,\"b\"x,c\n";  // text after a closing quote: kept only when lenient
  ASSERT_EQ(split_csv_record(bx.data(), bx.size(), false, strict, f, info), CsvSplit::Bad);
  EXPECT_EQ(info.problem, CsvSplitInfo::Problem::TextAfterQuote);
  EXPECT_EQ(info.field, 2u);
  EXPECT_EQ(info.after_quote, "x,c");
  ASSERT_EQ(split_csv_record(bx.data(), bx.size(), false, lenient, f, info), CsvSplit::Done);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "bx", "c"}));
  std::string t = "x,5\" screen,y\n";  // a quote inside an unquoted field is literal
  ASSERT_EQ(split_csv_record(t.data(), t.size(), false, strict, f, info), CsvSplit::Done);
  EXPECT_EQ(f, (std::vector<std::string_view>{"x", "5\" screen", "y"}));
  std::string u = "a,\"open\nstill";
  EXPECT_EQ(split_csv_record(u.data(), u.size(), false, strict, f, info), CsvSplit::NeedMore);
  EXPECT_EQ(split_csv_record(u.data(), u.size(), true, strict, f, info), CsvSplit::Unterminated);
  std::string v = "a,b";
  EXPECT_EQ(split_csv_record(v.data(), v.size(), false, strict, f, info), CsvSplit::NeedMore);
  ASSERT_EQ(split_csv_record(v.data(), v.size(), true, strict, f, info), CsvSplit::Done);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b"}));
  std::string w = "a;b;\n";
  ASSERT_EQ(split_csv_record(w.data(), w.size(), false, semicolon, f, info), CsvSplit::Done);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b", ""}));
  // Line ends: a lone CR ends a line; a CR at the end of the data may be half of a CRLF.
  std::string cr = "a,b\rc";
  ASSERT_EQ(split_csv_record(cr.data(), cr.size(), false, strict, f, info), CsvSplit::Done);
  EXPECT_EQ(info.used, 4u);
  std::string half = "a,b\r";
  EXPECT_EQ(split_csv_record(half.data(), half.size(), false, strict, f, info), CsvSplit::NeedMore);
  ASSERT_EQ(split_csv_record(half.data(), half.size(), true, strict, f, info), CsvSplit::Done);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b"}));
  std::string crlf = "\"a\",b\r\nc";
  ASSERT_EQ(split_csv_record(crlf.data(), crlf.size(), false, strict, f, info), CsvSplit::Done);
  EXPECT_EQ(info.used, 7u);
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b"}));
}

TEST(CsvReader, UnterminatedQuoteIsAnError) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("u.csv", "user_id,event,timestamp\nu,email_open,1\nu,\"email_open,2\nu,email_open,3\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":3: unterminated quoted field (a \" opens a field that never closes)");
}

TEST(CsvReader, UnterminatedQuoteWithSkipBadResynchronizesAtTheNextLine) {
  TempDir dir;
  Ingest in;
  in.ctx.skip_bad = true;
  auto path = dir.write("u.csv", "user_id,event,timestamp\nu,email_open,1\nu,\"email_open,2\nv,email_open,3\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].user, "v");
  EXPECT_EQ((*rows)[1].line, 4u);
  EXPECT_EQ(in.stats.skipped_bad, 1u);
}

// A stray quote must not swallow the rows after it into one field.
const char* kStrayQuote =
    "user_id,event,timestamp\n"
    "u1,email_open,1\n"
    "u2,\"email_open,2\n"  // opens a field that the quote on line 5 closes
    "u3,email_open,3\n"
    "u4,\"email_open\",4\n"
    "u5,email_open,5\n";

TEST(CsvReader, StrayQuoteIsABadLineAtItsOpeningLine) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("stray.csv", kStrayQuote);
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(),
            path + ":3: field 2: a quoted field opened on this line closes on line 5 and text follows its closing "
                   "quote ('email_open\",4'); a stray quote? (quote the whole field and double the quotes inside, "
                   "or pass --map csv_quotes=lenient)");
}

TEST(CsvReader, StrayQuoteWithSkipBadSkipsOnlyItsOpeningLine) {
  TempDir dir;
  Ingest in;
  in.ctx.skip_bad = true;
  auto rows = read_all(dir.write("stray.csv", kStrayQuote), mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].user, "u1");
  EXPECT_EQ((*rows)[1].user, "u3");
  EXPECT_EQ((*rows)[1].line, 4u);
  EXPECT_EQ((*rows)[2].user, "u4");
  EXPECT_EQ((*rows)[2].line, 5u);
  EXPECT_EQ((*rows)[3].line, 6u);
  EXPECT_EQ(in.stats.skipped_bad, 1u);
  EXPECT_EQ(in.stats.unknown_events, 0u);
}

TEST(CsvReader, TextAfterAClosingQuoteIsBadUnlessLenient) {
  TempDir dir;
  auto path = dir.write("t.csv", "user_id,event,timestamp\n\"u\"1,email_open,1\n");
  Ingest strict;
  auto rows = read_all(path, mapping({}), strict);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(),
            path + ":2: field 1: text follows its closing quote ('1,email_open,1'); quote the whole field and double "
                   "the quotes inside, or pass --map csv_quotes=lenient");
  Ingest lenient;
  rows = read_all(path, mapping({"csv_quotes=lenient"}), lenient);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].user, "u1");
}

// The message quotes the rest of the line whatever the block size (found by fuzz_csv:
// 13-byte blocks cut the quoted text short).
TEST(CsvReader, TextAfterAClosingQuoteIsQuotedTheSameInTinyBlocks) {
  TempDir dir;
  auto path = dir.write("t.csv", "user_id,event,timestamp\nu,\"email_open\"quot8,x,FALSE,1\n");
  Ingest whole, tiny;
  auto a = read_all(path, mapping({}), whole);
  auto b = read_all(path, mapping({}), tiny, 1000, 7);
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(a.error().str(), b.error().str());
  EXPECT_NE(a.error().str().find("('quot8,x,FALSE,1')"), std::string::npos) << a.error().str();
}

TEST(CsvReader, QuotedFieldSpanIsLimitedUnlessLenient) {
  TempDir dir;
  std::string text = "user_id,event,timestamp\nu0,\"email_open,0\n";
  for (int i = 1; i <= 150; ++i) text += "u" + std::to_string(i) + ",email_open," + std::to_string(i) + "\n";
  text += "z,\"email_open\",9\n";  // its first quote would close line 2's field, 151 lines later
  auto path = dir.write("span.csv", text);
  Ingest strict;
  auto rows = read_all(path, mapping({}), strict);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(),
            path + ":2: field 2: a quoted field opened on this line is still open 100 lines later (a stray quote? "
                   "a quoted field may span at most 100 lines and 1 MiB; pass --map csv_quotes=lenient to lift "
                   "the limit)");
  Ingest skip;
  skip.ctx.skip_bad = true;
  rows = read_all(path, mapping({}), skip, 1000, 4096);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(rows->size(), 151u);  // u1..u150 and z
  EXPECT_EQ(skip.stats.skipped_bad, 1u);
  Ingest lenient;
  rows = read_all(path, mapping({"csv_quotes=lenient"}), lenient);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);  // one field of 151 lines: what lenient means
  EXPECT_EQ((*rows)[0].user, "u0");

  std::string big = "user_id,event,timestamp,url\nu,page_view,1,\"" + std::string(size_t{1} << 21, 'x') + "\"\n";
  Ingest bytes;
  rows = read_all(dir.write("big.csv", big), mapping({}), bytes);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().line, 2);
  EXPECT_NE(rows.error().message.find("field 4: a quoted field opened on this line is still open after 1 MiB"),
            std::string::npos)
      << rows.error().message;
}

TEST(CsvReader, CrOnlyLineEnds) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("mac.csv",
                                 "user_id,event,timestamp,url\r"
                                 "u1,page_view,1,\"two\rlines\"\r"
                                 "\r"
                                 "u2,page_view,2,x\r\n"
                                 "u3,page_view,3,y\r"),
                       mapping({}), in, 1000, 7);  // tiny blocks: a CR may end a block
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].line, 2u);
  EXPECT_EQ(in.str(*(*rows)[0].cols[kUrl]), "two\rlines");
  EXPECT_EQ((*rows)[1].line, 5u);  // the quoted CR and the blank line count
  EXPECT_EQ(in.str(*(*rows)[1].cols[kUrl]), "x");
  EXPECT_EQ((*rows)[2].line, 6u);  // CRLF is one line end
  EXPECT_EQ(in.stats.blank_lines, 1u);
}

TEST(CsvReader, BlankLinesAreCounted) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("b.csv", "user_id,event,timestamp\n\nu,email_open,1\n\r\n\nu,email_open,2\n\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(rows->size(), 2u);
  EXPECT_EQ(in.stats.blank_lines, 4u);
}

TEST(CsvReader, DuplicateColumnThatIsReadIsAnError) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("d.csv", "user_id,event,timestamp,user_id\nu,email_open,1,v\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(),
            path + ":1: column 'user_id' (the user id) appears twice in the header, as columns 1 and 4; rename or "
                   "drop one");
  path = dir.write("d2.csv", "user_id,event,timestamp,amount,note,amount\nu,purchase,1,2,x,3\n");
  rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().line, 1);
  EXPECT_NE(rows.error().message.find("as columns 4 and 6"), std::string::npos) << rows.error().message;
  // Duplicates of columns that nothing reads are harmless.
  Ingest ok;
  rows = read_all(dir.write("d3.csv", "user_id,event,timestamp,note,note\nu,email_open,1,a,b\n"), mapping({}), ok);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(rows->size(), 1u);
}

TEST(CsvReader, TrimmedIdsAreCounted) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("t.csv", "user_id,event,timestamp\n u1 ,email_open,1\nu1,email_open,2\nu2\t,email_open,3\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].user, "u1");
  EXPECT_EQ(in.users.size(), 2u);
  EXPECT_EQ(in.stats.trimmed_ids, 2u);
}

TEST(CsvReader, IdsMustBeValidUtf8) {
  TempDir dir;
  for (std::string id : {std::string("caf\xE9"), std::string("\xED\xA0\x80"), std::string("\xC0\xAF")}) {
    Ingest in;
    auto path = dir.write("x.csv", "user_id,event,timestamp\nok\xC3\xA9,email_open,1\n" + id + ",email_open,2\n");
    auto rows = read_all(path, mapping({}), in);
    ASSERT_FALSE(rows.ok()) << id;
    EXPECT_EQ(rows.error().line, 3);
    EXPECT_NE(rows.error().message.find("the user id is not valid UTF-8"), std::string::npos) << rows.error().message;
    Ingest skip;
    skip.ctx.skip_bad = true;
    rows = read_all(path, mapping({}), skip);
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->size(), 1u);
    EXPECT_EQ(skip.stats.skipped_bad, 1u);
  }
}

TEST(CsvReader, FieldCountMismatchNamesFileAndLine) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("bad.csv", "user_id,event,timestamp\nu1,email_open,1\nu2,email_open\nu3,email_open,3,x\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().file, path);
  EXPECT_EQ(rows.error().line, 3);
  EXPECT_EQ(rows.error().str(), path + ":3: expected 3 fields as in the header, found 2");
}

TEST(CsvReader, SkipBadCountsAndContinues) {
  TempDir dir;
  Ingest in;
  in.ctx.skip_bad = true;
  auto path = dir.write("bad.csv",
                        "user_id,event,timestamp\n"
                        "u1,email_open,1\n"
                        "u2,email_open\n"            // too few fields
                        "u3,email_open,3,x\n"        // too many
                        "u4,email_open,yesterday\n"  // bad time
                        "u5,email_open,\n"           // missing time
                        "u6,,6\n"                    // missing event
                        "u7,email_open,7\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].user, "u1");
  EXPECT_EQ((*rows)[1].user, "u7");
  EXPECT_EQ((*rows)[1].line, 8u);
  EXPECT_EQ(in.stats.skipped_bad, 5u);
  EXPECT_EQ(in.stats.events_read, 2u);
  EXPECT_EQ(in.users.size(), 2u);  // users of skipped lines are not interned
}

TEST(CsvReader, MissingFieldErrorsNameTheField) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("m.csv", "user_id,event,timestamp\nu1,,1\n");
  auto rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":2: field 'event': missing the event name");
  path = dir.write("m2.csv", "user_id,event,timestamp\nu1,email_open,\n");
  rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":2: field 'timestamp': missing the timestamp");
}

TEST(CsvReader, EmptyUserIdIsCountedNotAnError) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("e.csv", "user_id,event,timestamp\n,email_open,1\n  ,email_open,2\nu,email_open,3\n"),
                       mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(rows->size(), 1u);
  EXPECT_EQ(in.stats.missing_user, 2u);
  EXPECT_EQ(in.stats.events_read, 1u);
  EXPECT_EQ(in.stats.max_ts, 3);  // skipped rows do not move the as-of time
  EXPECT_EQ(in.stats.skipped_bad, 0u);
}

TEST(CsvReader, IntegralFloatIdsAreNormalised) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("f.csv",
                                 "CustomerID,event,timestamp\n17850.0,email_open,1\n17850,email_open,2\n"
                                 "1.5,email_open,3\n-7.00,email_open,4\n12.,email_open,5\n"),
                       mapping({"user=CustomerID"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0].user, "17850");
  EXPECT_EQ((*rows)[1].user, "17850");
  EXPECT_EQ((*rows)[2].user, "1.5");
  EXPECT_EQ((*rows)[3].user, "-7");
  EXPECT_EQ((*rows)[4].user, "12.");
  EXPECT_EQ(in.users.size(), 4u);
}

TEST(CsvReader, UnknownEventsAndAliases) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("a.csv",
                                 "user_id,event,timestamp\n"
                                 "u1,Email Opened,1\nu2,signup,2\nu3,signup,3\nu1,Page Viewed,4\nu4,email_open,5\n"),
                       mapping({"alias.email_open=Email Opened"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0].type, kEmailOpen);
  EXPECT_EQ((*rows)[1].type, -1);
  EXPECT_EQ((*rows)[3].type, -1);
  EXPECT_EQ((*rows)[4].type, kEmailOpen);
  EXPECT_EQ(in.stats.events_read, 5u);
  EXPECT_EQ(in.stats.unknown_events, 3u);
  EXPECT_EQ(in.stats.unknown_by_name, (std::map<std::string, uint64_t>{{"Page Viewed", 1}, {"signup", 2}}));
  EXPECT_EQ(in.users.size(), 4u);  // users of unknown events are part of the population
  EXPECT_EQ(in.stats.max_ts, 5);
}

TEST(CsvReader, ConstantEventNameAndMappedColumns) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("c.csv", "Customer;When;Total;Labels\nc1;2024-03-01 10:00:00;3,5;x,y\n"),
                       mapping({"user=Customer", "time=When", "event_name=purchase", "prop.amount=Total",
                                "prop.tags=Labels", "delimiter=;", "list_separator=,"}),
                       in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].type, kPurchase);
  EXPECT_EQ((*rows)[0].ts, kT0);
  EXPECT_EQ((*rows)[0].cols[kAmount], O());  // "3,5" is not a number
  EXPECT_EQ(in.stats.bad_values, 1u);
  EXPECT_EQ(in.list(*(*rows)[0].cols[kTags]), (std::vector<std::string>{"x", "y"}));
  // Unmapped properties of the constant event are reported, once each.
  EXPECT_EQ(in.stats.warnings.size(), 2u);
  EXPECT_NE(in.stats.warnings[0].find("no column 'paid_at' for property 'paid_at'"), std::string::npos)
      << in.stats.warnings[0];
}

TEST(CsvReader, MissingMappedColumnSuggestsOne) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("h.csv", "CustomerID,event,timestamp\n1,email_open,1\n");
  auto rows = read_all(path, mapping({"user=CustomerId"}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":1: no column 'CustomerId' for the user id in the header (did you mean "
                                       "'CustomerID'?); the columns are: CustomerID, event, timestamp");
  rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ":1: no column 'user_id', 'userId' or 'user' for the user id in the header; the "
                                       "columns are: CustomerID, event, timestamp (map one with user=COLUMN)");
  rows = read_all(path, mapping({"user=CustomerID", "prop.amount=Amount"}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().message,
            "no column 'Amount' for property 'amount' in the header; the columns are: CustomerID, event, timestamp");
  path = dir.write("empty.csv", "");
  rows = read_all(path, mapping({}), in);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().str(), path + ": empty file: a CSV file needs a header row");
}

TEST(CsvReader, TsvByNameAndTabDelimiter) {
  TempDir dir;
  Ingest in;
  auto rows = read_all(dir.write("e.tsv", "user_id\tevent\ttimestamp\tamount\nu\tpurchase\t1\t2,5\n"), mapping({}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).cols[kAmount], O());
  rows = read_all(dir.write("e.txt", "user_id\tevent\ttimestamp\tamount\nu\tpurchase\t1\t2.5\n"),
                  mapping({"delimiter=tab"}), in);
  ASSERT_TRUE(rows.ok()) << rows.error().str();
  EXPECT_EQ(rows->at(0).cols[kAmount], O(2.5));
}

// Many records with quoted line breaks read through tiny blocks and tiny batches give
// exactly what one big block and batch gives.
TEST(CsvReader, ChunkedReadEqualsWholeRead) {
  TempDir dir;
  std::string csv = "user_id,event,timestamp,url,amount,tags\r\n";
  for (int i = 0; i < 500; ++i) {
    csv += "user" + std::to_string(i % 37) + (i % 3 ? ",page_view," : ",purchase,") + std::to_string(1000 + i) +
           ",\"/p/" + std::to_string(i) + (i % 5 == 0 ? "\nsecond \"\"line\"\"" : "") + "\"," +
           std::to_string(i * 0.25) + ",t" + std::to_string(i % 4) + "|shared\r\n";
  }
  auto path = dir.write("big.csv", csv);
  Ingest whole_in, chunk_in;
  auto whole = read_all(path, mapping({}), whole_in, 1'000'000);
  auto chunked = read_all(path, mapping({}), chunk_in, 7, 64);
  ASSERT_TRUE(whole.ok()) << whole.error().str();
  ASSERT_TRUE(chunked.ok()) << chunked.error().str();
  ASSERT_EQ(whole->size(), 500u);
  EXPECT_EQ(*whole, *chunked);
  EXPECT_EQ(whole->back().line, 2u + 499u + 100u);
  EXPECT_EQ(whole_in.str(*(*whole)[5].cols[kUrl]), "/p/5\nsecond \"line\"");
  EXPECT_EQ(whole_in.stats.events_read, chunk_in.stats.events_read);
  EXPECT_EQ(whole_in.lists.size(), 4u);  // equal lists share one pool entry
}

}  // namespace
}  // namespace scorec::runtime::testing
