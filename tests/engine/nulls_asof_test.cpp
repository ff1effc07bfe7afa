// DESIGN.md §3, nulls (missing -> null; arithmetic null; comparison false; null weight
// contributes 0 and is counted) and the as-of time T.
#include <filesystem>
#include <fstream>

#include "runtime/engine/engine.h"
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(Nulls, MissingPropertyGivesANullWeightThatIsCountedAndContributesZero) {
  // purchase + amount * 0.5: amount 10 -> 5; amount missing -> null (0, counted);
  // amount "abc" (not a number) -> null (0, counted, and a bad value);
  // visit +1 -> 1.   raw = 6; null weights 2, both from the purchase rule.
  auto r = run_text(R"(event purchase { amount: number }
event visit {}
score s {
  on purchase + amount * 0.5
  on visit +1
})",
                    ev_at("u", "purchase", T - 3 * kHour, R"("amount": 10)") + ev_at("u", "purchase", T - 2 * kHour) +
                        ev_at("u", "purchase", T - 1 * kHour, R"("amount": "abc")") + ev_at("u", "visit", T),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 6.0);
  EXPECT_EQ(r.summary.engine.null_weights, 2u);
  EXPECT_EQ(r.null_weights_of_rule("on purchase"), 2u);
  EXPECT_EQ(r.null_weights_of_rule("on visit"), 0u);
  EXPECT_EQ(r.summary.events.bad_values, 1u);
}

TEST(Nulls, NullWeightOfAPerUserTermIsCounted) {
  // when true + bonus: bonus 5 -> 5; bonus missing -> null weight, 0, counted once.
  auto r = run_text("event e {}\nprofile { bonus: number }\nscore s { when true + bonus }", ev_at("a", "e", T),
                    "user_id,bonus\na,5\nb,\n", T);
  EXPECT_EQ(r.num("a", "s_raw"), 5.0);
  EXPECT_EQ(r.num("b", "s_raw"), 0.0);
  EXPECT_EQ(r.summary.engine.null_weights, 1u);
}

TEST(Nulls, ComparisonWithNullIsFalse) {
  // Weights are powers of two so the sum tells which rules fired.
  //   null:   >= F, < F, == F, != F, not(>=) = not false = T -> 16
  //   ten:    >= T (1), == T (4)                             -> 5
  //   five:   < T (2), != T (8), not(>=) T (16)              -> 26
  auto r = run_text(R"(event e { amount: number }
score s {
  on e when amount >= 10 +1
  on e when amount < 10 +2
  on e when amount == 10 +4
  on e when amount != 10 +8
  on e when not (amount >= 10) +16
})",
                    ev_at("null", "e", T) + ev_at("ten", "e", T, R"("amount": 10)") +
                        ev_at("five", "e", T, R"("amount": 5)"),
                    "", T);
  EXPECT_EQ(r.num("null", "s_raw"), 16.0);
  EXPECT_EQ(r.num("ten", "s_raw"), 5.0);
  EXPECT_EQ(r.num("five", "s_raw"), 26.0);
  EXPECT_EQ(r.summary.engine.null_weights, 0u);  // conditions that do not hold are not null weights
}

TEST(Nulls, CoalesceGivesTheDefault) {
  //   on e + (amount ?? 2) * 3: missing -> 6; 5 -> 15
  //   when (plan ?? "free") == "free" +100: no plan -> +100; "paid" -> 0
  auto r = run_text(R"(event e { amount: number }
profile { plan: string }
score s {
  on e + (amount ?? 2) * 3
  when (plan ?? "free") == "free" +100
})",
                    ev_at("missing", "e", T) + ev_at("five", "e", T, R"("amount": 5)"),
                    "user_id,plan\nmissing,\nfive,paid\n", T);
  EXPECT_EQ(r.num("missing", "s_raw"), 106.0);
  EXPECT_EQ(r.num("five", "s_raw"), 15.0);
  EXPECT_EQ(r.summary.engine.null_weights, 0u);
}

TEST(Nulls, HasTellsPresentFromMissing) {
  //   with:    has(plan) +1, has(amount) on its event +100 -> 101
  //   without: not has(plan) +10, has(amount) false       -> 10
  auto r = run_text(R"(event e { amount: number }
profile { plan: string }
score s {
  on e when has(amount) +100
  when has(plan) +1
  when not has(plan) +10
})",
                    ev_at("with", "e", T, R"("amount": 0)") + ev_at("without", "e", T),
                    "user_id,plan\nwith,paid\nwithout,\n", T);
  EXPECT_EQ(r.num("with", "s_raw"), 101.0);
  EXPECT_EQ(r.num("without", "s_raw"), 10.0);
}

TEST(Nulls, DivisionByZeroIsNull) {
  //   + 10 / d: d=0 -> null weight (counted, 0); d=4 -> 2.5
  //   when 1 / d >= 0 +100: d=0 -> null >= 0 is false; d=4 -> +100
  //   when 7 % d >= 0 +1000: same with %
  auto r = run_text(R"(event e { d: number }
score s {
  on e + 10 / d
  on e when 1 / d >= 0 +100
  on e when 7 % d >= 0 +1000
})",
                    ev_at("zero", "e", T, R"("d": 0)") + ev_at("four", "e", T, R"("d": 4)"), "", T);
  EXPECT_EQ(r.num("zero", "s_raw"), 0.0);
  EXPECT_EQ(r.num("four", "s_raw"), 1102.5);
  EXPECT_EQ(r.summary.engine.null_weights, 1u);
  EXPECT_EQ(r.null_weights_of_rule("10 / d"), 1u);
}

TEST(Nulls, AndOrAreThreeValued) {
  //                                  vip null      vip false     vip true
  //   vip or true            +1      T (1)         T (1)         T (1)
  //   not (vip and true)     +10     not null = -  not F = T(10) not T = F
  //   not (vip or false)     +100    not null = -  not F = T(100) F
  //   (vip and true) ?? true +1000   null??T = T   F             T (1000)
  //   (vip and false) ?? true +1e4   F (null and F = F)  F       F
  //   vip                    +1e5    -             F             T (1e5)
  //   sums:                          1001          111           101001
  auto r = run_text(R"(event e {}
profile { vip: bool }
score s {
  when vip or true +1
  when not (vip and true) +10
  when not (vip or false) +100
  when (vip and true) ?? true +1000
  when (vip and false) ?? true +10000
  when vip +100000
})",
                    ev_at("null", "e", T), "user_id,vip\nnull,\nno,false\nyes,true\n", T);
  EXPECT_EQ(r.num("null", "s_raw"), 1001.0);
  EXPECT_EQ(r.num("no", "s_raw"), 111.0);
  EXPECT_EQ(r.num("yes", "s_raw"), 101001.0);
}

TEST(AsOf, FutureEventsAreIgnoredAndCounted) {
  // as of T: events at T-1d and T count (+1 each); T+1s and T+1d are after T.
  //   raw 2, count(e) 2, used 2, future 2.
  auto r = run_text("event e {}\nscore s { on e +1 }\nscore n { when true + count(e) }",
                    ev_at("u", "e", T - kDay) + ev_at("u", "e", T) + ev_at("u", "e", T + 1) + ev_at("u", "e", T + kDay),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 2.0);
  EXPECT_EQ(r.num("u", "n_raw"), 2.0);
  EXPECT_EQ(r.summary.engine.future, 2u);
  EXPECT_EQ(r.summary.engine.used, 2u);
  EXPECT_EQ(r.summary.events.events_read, 4u);
  EXPECT_EQ(r.summary.as_of, T);
  EXPECT_FALSE(r.summary.as_of_from_events);
}

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

TEST(AsOf, ExplicitAsOfOverridesTheEvents) {
  // as of T+10d: the event at T is 10 days old: 8 * 0.5 = 4.
  auto r = run_text("event e {}\nscore s { decay half_life 10d\n on e +8 }", ev_at("u", "e", T), "", T + 10 * kDay);
  EXPECT_EQ(r.summary.as_of, T + 10 * kDay);
  EXPECT_FALSE(r.summary.as_of_from_events);
  EXPECT_REL(r.num("u", "s_raw"), 4.0);
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
