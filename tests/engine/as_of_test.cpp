// DESIGN.md §3, the as-of time T of a run: by default the latest event's time over
// every user and every event read, an error without events. (The nulls and an explicit
// as-of time are specified in tests/spec/nulls.score and as_of.score; the counts a run
// reports in run_counters_test.cpp.)
#include <filesystem>
#include <fstream>

#include "runtime/engine/engine.h"
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(AsOf, DefaultIsTheLatestEventTimestamp) {
  // No as-of given: T = latest event = 2024-03-01T00:00Z (user b's event, listed first).
  // half_life 10d, +8: a at T-10d -> 4; b at T -> 8.
  auto r = run_text("event e {}\nscore s { decay half_life 10d\n on e +8 }",
                    ev_at("b", "e", T) + ev_at("a", "e", T - 10 * kDay));
  EXPECT_EQ(r.summary.as_of, T);
  EXPECT_TRUE(r.summary.as_of_from_events);
  EXPECT_REL(r.num("a", "s_raw"), 4.0);
  EXPECT_REL(r.num("b", "s_raw"), 8.0);
  EXPECT_EQ(r.summary.engine.future, 0u);
}

TEST(AsOf, DefaultCountsEventsOfUnknownTypes) {
  // The driver takes the latest timestamp of every well-formed event read, including
  // types the rules do not declare (IngestStats::max_ts is updated before the type is
  // resolved). Here the latest event is an undeclared 'mystery' at T, so a's event at
  // T-10d is 10 days old: 8 * 2^-1 = 4 (it would be 8 if unknown types were left out).
  auto r = run_text("event e {}\nscore s { decay half_life 10d\n on e +8 }",
                    ev_at("a", "e", T - 10 * kDay) + ev_at("m", "mystery", T));
  EXPECT_EQ(r.summary.as_of, T);
  EXPECT_REL(r.num("a", "s_raw"), 4.0);
  EXPECT_EQ(r.summary.events.unknown_events, 1u);
}

TEST(AsOf, NoEventsAndNoAsOfIsAnErrorButAnAsOfMakesItWork) {
  auto program = compile_text("event e {}\nprofile { plan: string }\nscore s { when plan == \"paid\" +5 }");
  ASSERT_TRUE(program.has_value());
  std::string dir = test_temp_dir();
  { std::ofstream(dir + "/events.ndjson") << ""; }
  { std::ofstream(dir + "/profiles.csv") << "user_id,plan\np,paid\n"; }
  runtime::RunOptions o;
  o.events_path = dir + "/events.ndjson";
  o.profiles_path = dir + "/profiles.csv";
  auto engine = runtime::make_interpreter();
  auto out = runtime::run_rules(*program, o, *engine);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("as-of"), std::string::npos) << out.error().str();
  // With an as-of time the profile-only population is scored: p = 5.
  o.as_of = T;
  auto out2 = runtime::run_rules(*program, o, *engine);
  ASSERT_TRUE(out2.ok()) << out2.error().str();
  ASSERT_EQ(out2->table.rows(), 1u);
  EXPECT_EQ(out2->table.user_ids[0], "p");
  EXPECT_EQ(out2->table.columns[0].name, "s_raw");
  EXPECT_EQ(out2->table.columns[0].numbers[0], 5.0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scorec::testing
