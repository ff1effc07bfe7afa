// A continuation worked out by hand: a state saved on 2024-03-01, continued with a week
// of new events on 2024-03-08, then with nothing on 2024-03-15; every value checked
// against the hand computation below and against one run over everything, under both
// engines.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/state/state_harness.h"
#include "tests/support/run_helpers.h"

namespace scorec::statetest {
namespace {

using scorec::testing::ts;

constexpr const char* kRules = R"(
event visit { }
event purchase { amount: number }
score engagement {
  decay half_life 7d
  on visit +8 cap 36
  on purchase +20 once
}
score recent {
  window 30d
  on visit +5 cap 10 per 7d
  when count(purchase, 14d) >= 2 +15
  scale percentile 1..10
  tiers { hot >= 8, warm >= 4, cold }
}
)";

// Part A, scored as of T_A = 2024-03-01. Users appear in the order alice, bob, carol.
constexpr const char* kEventsA = R"({"user_id":"alice","event":"visit","timestamp":"2024-01-26T00:00:00Z"}
{"user_id":"bob","event":"visit","timestamp":"2024-02-20T00:00:00Z"}
{"user_id":"carol","event":"purchase","timestamp":"2024-01-10T00:00:00Z","amount":5}
{"user_id":"alice","event":"visit","timestamp":"2024-02-09T00:00:00Z"}
{"user_id":"alice","event":"purchase","timestamp":"2024-02-23T00:00:00Z","amount":50}
{"user_id":"bob","event":"visit","timestamp":"2024-02-21T00:00:00Z"}
{"user_id":"bob","event":"visit","timestamp":"2024-02-21T12:00:00Z"}
{"user_id":"carol","event":"visit","timestamp":"2024-02-05T00:00:00Z"}
{"user_id":"alice","event":"purchase","timestamp":"2024-02-28T00:00:00Z","amount":10}
{"user_id":"alice","event":"visit","timestamp":"2024-02-29T00:00:00Z"}
{"user_id":"alice","event":"visit","timestamp":"2024-03-01T00:00:00Z"}
)";

// Part B, one week later (T_B = 2024-03-08); dave is new.
constexpr const char* kEventsB = R"({"user_id":"bob","event":"purchase","timestamp":"2024-03-02T00:00:00Z","amount":7}
{"user_id":"alice","event":"visit","timestamp":"2024-03-03T00:00:00Z"}
{"user_id":"bob","event":"purchase","timestamp":"2024-03-04T00:00:00Z","amount":8}
{"user_id":"alice","event":"purchase","timestamp":"2024-03-05T00:00:00Z","amount":20}
{"user_id":"alice","event":"visit","timestamp":"2024-03-07T00:00:00Z"}
{"user_id":"dave","event":"visit","timestamp":"2024-03-08T00:00:00Z"}
)";

double p(double days) { return std::exp2(-days / 7.0); }  // half-life 7d decay of an age in days

// The hand computation. 7-day cap buckets are epoch-aligned and start on Thursdays:
// [Feb 1, Feb 8), [Feb 8, Feb 15), [Feb 15, Feb 22), [Feb 22, Feb 29), [Feb 29, Mar 7),
// [Mar 7, Mar 14). The retention horizon is 30d (the window; the aggregate's 14d is
// shorter), so state A's base holds the events up to Jan 31 (alice's Jan 26 visit,
// carol's Jan 10 purchase) and keeps the rest.
//
// engagement (half-life 7d; visits +8 under a lifetime cap of 36 undecayed; the first
// purchase +20):
//   alice: visits Jan 26, Feb 9, Feb 29, Mar 1 accept 8 each (used 32); purchase Feb 23
//     +20; purchase Feb 28 is past `once`.
//     T_A: 8 p(35) + 8 p(21) + 20 p(7) + 8 p(1) + 8 p(0) = 0.25 + 1 + 10 + 8 p(1) + 8
//     T_B: the Mar 3 visit crosses the cap and is accepted partially (36 - 32 = 4), the
//     Mar 7 visit gives 0, the Mar 5 purchase is past `once`:
//     8 p(42) + 8 p(28) + 20 p(14) + 8 p(8) + 8 p(7) + 4 p(5) = 9.625 + 8 p(8) + 4 p(5)
//     (the Jan 26 visit is in the base: 8 p(35) = 0.25 at T_A re-based by p(7) = 1/2).
//   bob: visits Feb 20, Feb 21, Feb 21 12:00; purchase Mar 2 +20 (Mar 4 past `once`).
//     T_A: 8 (p(10) + p(9) + p(8.5));  T_B: 8 (p(17) + p(16) + p(15.5)) + 20 p(6)
//   carol: purchase Jan 10 +20 (base), visit Feb 5.
//     T_A: 20 p(51) + 8 p(25);  T_B: 20 p(58) + 8 p(32)
//   dave: visit Mar 8 at T_B: 8.
//
// recent (visits +5 capped at 10 per 7-day bucket, only events with ts > T - 30d; +15
// when at least two purchases have T - 14d < ts <= T):
//   T_A (window after Jan 31, purchases after Feb 16):
//     alice: Feb 9 +5, Feb 29 +5, Mar 1 +5 (bucket Feb 29 now full); purchases Feb 23,
//       Feb 28: +15 -> 30
//     bob: Feb 20 +5, Feb 21 +5, Feb 21 12:00 +0 (bucket full) -> 10
//     carol: Feb 5 +5 -> 5
//     percentile over 3 users, 1 + floor(10 lower / 3): alice 7 (warm), bob 4 (warm),
//     carol 1 (cold)
//   T_B (window after Feb 7, purchases after Feb 23 — Feb 23 itself is out):
//     alice: Feb 9 +5, Feb 29 +5, Mar 1 +5, Mar 3 +0 (the bucket of Feb 29 stays full
//       across the state), Mar 7 +5 (new bucket); purchases Feb 28, Mar 5: +15 -> 35
//     bob: 10; purchases Mar 2, Mar 4: +15 -> 25
//     carol: Feb 5 slid out of the window -> 0
//     dave: Mar 8 +5 -> 5
//     percentile over 4 users, 1 + floor(10 lower / 4): alice 8 (hot), bob 6 (warm),
//     dave 3 (cold), carol 1 (cold)
//   T_C = Mar 15, no new events (window after Feb 14, purchases after Mar 1):
//     alice: Feb 29 +5, Mar 1 +5, Mar 3 +0, Mar 7 +5; one purchase (Mar 5) -> 15
//     bob: 10 + 15 (Mar 2, Mar 4) -> 25;  carol 0;  dave 5
//     percentile: bob 8 (hot), alice 6 (warm), dave 3 (cold), carol 1 (cold)
//   engagement at T_C is engagement at T_B halved (every age grows by 7 days).
struct Expected {
  double engagement, recent_raw, recent;
  const char* tier;
};

const std::vector<std::string> kUsersA = {"alice", "bob", "carol"};
const std::vector<std::string> kUsers = {"alice", "bob", "carol", "dave"};

std::vector<Expected> expected_a() {
  return {{19.25 + 8 * p(1), 30, 7, "warm"},
          {8 * (p(10) + p(9) + p(8.5)), 10, 4, "warm"},
          {20 * p(51) + 8 * p(25), 5, 1, "cold"}};
}

std::vector<Expected> expected_b() {
  return {{9.625 + 8 * p(8) + 4 * p(5), 35, 8, "hot"},
          {8 * (p(17) + p(16) + p(15.5)) + 20 * p(6), 25, 6, "warm"},
          {20 * p(58) + 8 * p(32), 0, 1, "cold"},
          {8, 5, 3, "cold"}};
}

std::vector<Expected> expected_c() {
  auto e = expected_b();
  for (auto& x : e) x.engagement /= 2;
  e[0].recent_raw = 15;
  e[0].recent = 6;
  e[0].tier = "warm";
  e[1].recent = 8;
  e[1].tier = "hot";
  return e;
}

const runtime::ResultColumn& column(const runtime::ResultTable& t, const std::string& name) {
  for (const auto& c : t.columns)
    if (c.name == name) return c;
  ADD_FAILURE() << "no column " << name;
  static runtime::ResultColumn none;
  return none;
}

void expect_values(const runtime::ResultTable& t, const std::vector<std::string>& users,
                   const std::vector<Expected>& want, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(t.user_ids, users);
  const auto& eng = column(t, "engagement_raw");
  const auto& raw = column(t, "recent_raw");
  const auto& scaled = column(t, "recent");
  const auto& tier = column(t, "recent_tier");
  for (size_t u = 0; u < users.size(); ++u) {
    SCOPED_TRACE(users[u]);
    EXPECT_REL(eng.numbers[u], want[u].engagement);
    EXPECT_EQ(raw.numbers[u], want[u].recent_raw);
    EXPECT_EQ(scaled.numbers[u], want[u].recent);
    EXPECT_EQ(tier.texts[u], want[u].tier);
  }
}

class HandComputed : public ::testing::TestWithParam<EngineKind> {};

TEST_P(HandComputed, StateContinuedAWeekLater) {
  std::string error;
  auto program = compile_rules(kRules, &error);
  ASSERT_TRUE(program) << error;
  auto engine = make_engine(GetParam(), *program, &error);
  ASSERT_TRUE(engine) << error;
  const std::string dir = scorec::testing::test_temp_dir();
  const std::string a = dir + "/a.ndjson", b = dir + "/b.ndjson", ab = dir + "/ab.ndjson", none = dir + "/none.ndjson";
  write_file(a, kEventsA);
  write_file(b, kEventsB);
  write_file(ab, std::string(kEventsA) + kEventsB);
  write_file(none, "");

  auto options = [&](const std::string& events, double as_of) {
    runtime::RunOptions o;
    o.events_path = events;
    o.as_of = as_of;
    return o;
  };

  // A, saved as of Mar 1.
  runtime::RunOptions oa = options(a, ts("2024-03-01"));
  oa.state_out = dir + "/a.state";
  Outcome ra = run(*program, oa, *engine);
  ASSERT_TRUE(ra.ok) << ra.error;
  expect_values(ra.table, kUsersA, expected_a(), "run A as of Mar 1");

  // B, continued from A's state as of Mar 8.
  runtime::RunOptions ob = options(b, ts("2024-03-08"));
  ob.state_in = oa.state_out;
  ob.state_out = dir + "/b.state";
  Outcome rb = run(*program, ob, *engine);
  ASSERT_TRUE(rb.ok) << rb.error;
  expect_values(rb.table, kUsers, expected_b(), "A's state continued with B as of Mar 8");
  EXPECT_EQ(rb.summary.state.carried_users, 3u);
  EXPECT_EQ(rb.summary.state.late, 0u);
  // The kept events are A's events after Jan 31 (all but alice's Jan 26 visit and
  // carol's Jan 10 purchase).
  EXPECT_EQ(rb.summary.state.carried_events, 9u);
  EXPECT_EQ(rb.summary.state_as_of, ts("2024-03-01"));
  EXPECT_EQ(rb.summary.users, 4u);

  Outcome single_b = run(*program, options(ab, ts("2024-03-08")), *engine);
  ASSERT_TRUE(single_b.ok) << single_b.error;
  expect_values(single_b.table, kUsers, expected_b(), "one run over A and B as of Mar 8");
  TableDiff d = compare_tables(single_b.table, rb.table);
  EXPECT_TRUE(d.equal) << (d.diffs.empty() ? "" : d.diffs[0]);

  // C: nothing new, one more week (a second re-base, from B's state).
  runtime::RunOptions oc = options(none, ts("2024-03-15"));
  oc.state_in = ob.state_out;
  Outcome rc = run(*program, oc, *engine);
  ASSERT_TRUE(rc.ok) << rc.error;
  expect_values(rc.table, kUsers, expected_c(), "B's state continued with nothing as of Mar 15");
  Outcome single_c = run(*program, options(ab, ts("2024-03-15")), *engine);
  ASSERT_TRUE(single_c.ok) << single_c.error;
  expect_values(single_c.table, kUsers, expected_c(), "one run over A and B as of Mar 15");
}

// A late event with caps: bob's visit of Feb 28 arrives after the state of Mar 1 was
// saved. It is newer than the state's cut-off (Jan 31), so it is applied in time order
// with the kept events, exactly as one run over everything applies it: in the bucket
// [Feb 22, Feb 29) it adds 5 to `recent`, and 8 p(9) to engagement (lifetime cap 36:
// 24 used before it, 32 after), before his purchases.
TEST_P(HandComputed, LateEventWithinTheHorizon) {
  std::string error;
  auto program = compile_rules(kRules, &error);
  ASSERT_TRUE(program) << error;
  auto engine = make_engine(GetParam(), *program, &error);
  ASSERT_TRUE(engine) << error;
  const std::string dir = scorec::testing::test_temp_dir();
  const std::string late = R"({"user_id":"bob","event":"visit","timestamp":"2024-02-28T00:00:00Z"})"
                           "\n";
  write_file(dir + "/a.ndjson", kEventsA);
  write_file(dir + "/b.ndjson", late + kEventsB);
  write_file(dir + "/ab.ndjson", std::string(kEventsA) + late + kEventsB);

  runtime::RunOptions oa;
  oa.events_path = dir + "/a.ndjson";
  oa.as_of = ts("2024-03-01");
  oa.state_out = dir + "/a.state";
  ASSERT_TRUE(run(*program, oa, *engine).ok);
  runtime::RunOptions ob;
  ob.events_path = dir + "/b.ndjson";
  ob.as_of = ts("2024-03-08");
  ob.state_in = oa.state_out;
  Outcome rb = run(*program, ob, *engine);
  ASSERT_TRUE(rb.ok) << rb.error;
  EXPECT_EQ(rb.summary.state.late, 1u);

  auto want = expected_b();
  want[1].engagement += 8 * p(9);
  want[1].recent_raw = 30;  // alice 35, bob 30, dave 5, carol 0: the same ranks
  expect_values(rb.table, kUsers, want, "continued with a late event");

  runtime::RunOptions single;
  single.events_path = dir + "/ab.ndjson";
  single.as_of = ts("2024-03-08");
  Outcome rs = run(*program, single, *engine);
  ASSERT_TRUE(rs.ok) << rs.error;
  expect_values(rs.table, kUsers, want, "one run over everything");
}

INSTANTIATE_TEST_SUITE_P(State, HandComputed, ::testing::Values(EngineKind::Interpreter, EngineKind::Jit),
                         [](const auto& info) { return std::string(engine_name(info.param)); });

}  // namespace
}  // namespace scorec::statetest
