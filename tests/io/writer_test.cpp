#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "runtime/io/result_writer.h"

namespace scorec::runtime {
namespace {

ResultTable sample() {
  ResultTable t;
  t.user_ids = {"u1", "needs,\"quoting\"", "ü\n\t\x01"};
  ResultColumn raw{"engagement_raw", ColumnKind::Number, {12.5, -0.0000001, 1.0 / 3.0}, {}, {1, 1, 0}};
  ResultColumn tier{"engagement_tier", ColumnKind::Text, {}, {"hot", "cold, \"really\"", ""}, {1, 1, 0}};
  ResultColumn seg{"is_vip", ColumnKind::Bool, {1, 0, 1}, {}, {1, 1, 1}};
  ResultColumn big{"spend total", ColumnKind::Number, {1e15, std::numeric_limits<double>::quiet_NaN(), 100}, {}, {1, 1, 1}};
  t.columns = {raw, tier, seg, big};
  return t;
}

TEST(Writers, CsvGolden) {
  std::ostringstream out;
  write_csv(sample(), out);
  EXPECT_EQ(out.str(),
            "user_id,engagement_raw,engagement_tier,is_vip,spend total\n"
            "u1,12.5,hot,true,1000000000000000\n"
            "\"needs,\"\"quoting\"\"\",0,\"cold, \"\"really\"\"\",false,nan\n"
            "\"\xC3\xBC\n\t\x01\",,,true,100\n");
}

TEST(Writers, NdjsonGolden) {
  std::ostringstream out;
  write_ndjson(sample(), out);
  EXPECT_EQ(out.str(),
            "{\"user_id\":\"u1\",\"engagement_raw\":12.5,\"engagement_tier\":\"hot\",\"is_vip\":true,"
            "\"spend total\":1000000000000000}\n"
            "{\"user_id\":\"needs,\\\"quoting\\\"\",\"engagement_raw\":0,\"engagement_tier\":\"cold, \\\"really\\\"\","
            "\"is_vip\":false,\"spend total\":null}\n"
            "{\"user_id\":\"\xC3\xBC\\n\\t\\u0001\",\"engagement_raw\":null,\"engagement_tier\":null,\"is_vip\":true,"
            "\"spend total\":100}\n");
}

TEST(Writers, CsvFormulaGuard) {
  ResultTable t;
  t.user_ids = {"=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-3.5", "plain", "a=b"};
  ResultColumn tier{"tier", ColumnKind::Text, {}, {"=HYPERLINK(\"x\")", "", "", "", "", "", "-7", "ok", ""},
                    {1, 1, 1, 1, 1, 1, 1, 1, 1}};
  ResultColumn n{"n", ColumnKind::Number, {-3.5, 0, 0, 0, 0, 0, 0, 0, 0}, {}, {1, 1, 1, 1, 1, 1, 1, 1, 1}};
  t.columns = {tier, n};
  std::ostringstream guarded, plain;
  write_csv(t, guarded, CsvWriteOptions{.guard_formulas = true});
  write_csv(t, plain);
  EXPECT_EQ(guarded.str(),
            "user_id,tier,n\n"
            "'=cmd|' /C calc'!A0,\"'=HYPERLINK(\"\"x\"\")\",-3.5\n"
            "'+1,,0\n"
            "'-2+3,,0\n"
            "'@SUM(A1),,0\n"
            "'\tx,,0\n"
            "\"'\rx\",,0\n"
            "-3.5,-7,0\n"  // a cell that is a plain number is no formula: left alone
            "plain,ok,0\n"
            "a=b,,0\n");
  EXPECT_EQ(plain.str().substr(0, 34), "user_id,tier,n\n=cmd|' /C calc'!A0,");  // off by default
}

TEST(Writers, NdjsonNeverWritesSurrogatesOrOverlongs) {
  ResultTable t;
  t.user_ids = {"u"};
  ResultColumn s{"s", ColumnKind::Text, {}, {"a\xED\xA0\x80" "b\xC0\xAF" "c\xF4\x90\x80\x80"}, {1}};
  t.columns = {s};
  std::ostringstream out;
  write_ndjson(t, out);
  EXPECT_EQ(out.str(), "{\"user_id\":\"u\",\"s\":\"a\\ufffd\\ufffd\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffd\\ufffd\"}\n");
}

TEST(Writers, EmptyTableWritesHeaderOnly) {
  ResultTable t;
  t.columns.push_back(ResultColumn{"score", ColumnKind::Number, {}, {}, {}});
  std::ostringstream csv, nd;
  write_csv(t, csv);
  write_ndjson(t, nd);
  EXPECT_EQ(csv.str(), "user_id,score\n");
  EXPECT_EQ(nd.str(), "");
}

TEST(Writers, Deterministic) {
  std::ostringstream a, b;
  write_csv(sample(), a);
  write_csv(sample(), b);
  EXPECT_EQ(a.str(), b.str());
}

}  // namespace
}  // namespace scorec::runtime
