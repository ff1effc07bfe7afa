#include "io_test_util.h"

namespace scorec::runtime::testing {
namespace {

using O = std::optional<double>;

TEST(Profiles, CsvRowsKeyedByUser) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("p.csv",
                        "id,plan,Age,vip,signup,ignored\n"
                        "u1,pro,41,yes,2024-03-01,x\n"
                        "u2,,n/a,0,,y\n"
                        ",free,1,1,,z\n"
                        "u1,team,,,,\n");
  auto st = read_profiles(path, mapping({"user=id", "attr.age=Age"}), in.ctx);
  ASSERT_TRUE(st.ok()) << st.error().str();
  EXPECT_EQ(in.stats.profiles_read, 3u);
  EXPECT_EQ(in.stats.missing_user, 1u);
  EXPECT_EQ(in.stats.bad_values, 1u);  // "n/a"
  EXPECT_EQ(in.users.size(), 2u);
  EXPECT_EQ(in.str(*in.attr("u1", kPlan)), "team");
  EXPECT_EQ(in.attr("u1", kAge), O(41));  // an empty field leaves the earlier value
  EXPECT_EQ(in.attr("u1", kVip), O(1));
  EXPECT_EQ(in.attr("u1", kSignup), O(1709251200));
  EXPECT_EQ(in.attr("u2", kPlan), O());
  EXPECT_EQ(in.attr("u2", kAge), O());
  EXPECT_EQ(in.attr("u2", kVip), O(0));
}

TEST(Profiles, CsvErrors) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("p.csv", "user_id,plan\nu1,pro,extra\n");
  auto st = read_profiles(path, mapping({}), in.ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().str(), path + ":2: expected 2 fields as in the header, found 3");
  in.ctx.skip_bad = true;
  st = read_profiles(path, mapping({}), in.ctx);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(in.stats.skipped_bad, 1u);
  st = read_profiles(path, mapping({"attr.age=years"}), in.ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "no column 'years' for attribute 'age' in the header; the columns are: user_id, plan");
}

TEST(Profiles, NdjsonRowsTraitsAndIdentify) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("p.ndjson",
                        R"({"user_id":"u1","plan":"pro","age":41})" "\n"
                        R"({"userId":"u2","traits":{"plan":"free","vip":false},"plan":"ignored"})" "\n"
                        R"({"type":"identify","userId":"u3","traits":{"signup":"2024-03-01T00:00:00Z"}})" "\n"
                        R"({"type":"track","userId":"u4","event":"x","timestamp":1})" "\n"
                        R"({"user_id":7,"age":"7"})" "\n"
                        R"({"plan":"nobody"})" "\n");
  auto st = read_profiles(path, mapping({}), in.ctx);
  ASSERT_TRUE(st.ok()) << st.error().str();
  EXPECT_EQ(in.stats.profiles_read, 4u);
  EXPECT_EQ(in.stats.other_messages, 1u);
  EXPECT_EQ(in.stats.missing_user, 1u);
  EXPECT_EQ(in.str(*in.attr("u1", kPlan)), "pro");
  EXPECT_EQ(in.attr("u1", kAge), O(41));
  EXPECT_EQ(in.str(*in.attr("u2", kPlan)), "free");
  EXPECT_EQ(in.attr("u2", kVip), O(0));
  EXPECT_EQ(in.attr("u3", kSignup), O(1709251200));
  EXPECT_EQ(in.attr("7", kAge), O(7));
  EXPECT_LT(in.users.find("u4"), 0);  // a track message in a profiles file is not a profile
}

TEST(Profiles, NdjsonBadLine) {
  TempDir dir;
  Ingest in;
  auto path = dir.write("p.ndjson", "{\"user_id\":\"u1\"}\n{oops}\n");
  auto st = read_profiles(path, mapping({}), in.ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().line, 2);
  EXPECT_EQ(st.error().file, path);
  EXPECT_EQ(st.error().message.substr(0, 12), "invalid JSON");
}

}  // namespace
}  // namespace scorec::runtime::testing
