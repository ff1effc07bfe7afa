// The run's counters that `test` blocks cannot see (DESIGN.md §3: a null weight
// contributes 0 and is counted, with its rule; events after the as-of time are ignored
// and counted). The values these runs score are specified in tests/spec/*.score (the
// file named at each test); here only what the run summary reports, plus a value read
// from the input that a test block cannot write (a string for a number).
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(NullCounts, MissingPropertyAndBadValueAreNullWeightsOfTheirRule) {
  // purchase + amount * 0.5: amount 10 -> 5; amount missing -> null (0, counted);
  // amount "abc" (not a number) -> null (0, counted, and a bad value);
  // visit +1 -> 1.   raw = 6; null weights 2, both from the purchase rule.
  // (tests/spec/nulls.score: "a missing property gives a null weight that contributes 0")
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

TEST(NullCounts, NullWeightOfAPerUserTermIsCountedOnce) {
  // when true + bonus: bonus 5 -> 5; bonus missing -> a null weight (tests/spec/nulls.score).
  auto r = run_text("event e {}\nprofile { bonus: number }\nscore s { when true + bonus }", ev_at("a", "e", T),
                    "user_id,bonus\na,5\nb,\n", T);
  EXPECT_EQ(r.summary.engine.null_weights, 1u);
}

TEST(NullCounts, ConditionsThatDoNotHoldAreNotNullWeights) {
  // Comparisons with a null amount are false, `??` defaults and a false inactivity
  // condition: no null weight (tests/spec/nulls.score, aggregates.score).
  auto cmp = run_text(R"(event e { amount: number }
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
  EXPECT_EQ(cmp.summary.engine.null_weights, 0u);
  auto coalesce = run_text(R"(event e { amount: number }
profile { plan: string }
score s {
  on e + (amount ?? 2) * 3
  when (plan ?? "free") == "free" +100
})",
                           ev_at("missing", "e", T) + ev_at("five", "e", T, R"("amount": 5)"),
                           "user_id,plan\nmissing,\nfive,paid\n", T);
  EXPECT_EQ(coalesce.summary.engine.null_weights, 0u);
  auto inactive = run_text(R"(event login {}
event email_open {}
profile { signed_up: timestamp }
score s {
  on email_open +1
  when days_since(last(login) ?? signed_up) >= 30 -10
})",
                           ev_at("neither", "email_open", T) + ev_at("recent", "email_open", T) +
                               ev_at("recent", "login", T - 5 * kDay),
                           "user_id,signed_up\nneither,\nrecent,2023-01-01\n", T);
  EXPECT_EQ(inactive.num("neither", "s_raw"), 1.0);
  EXPECT_EQ(inactive.summary.engine.null_weights, 0u);
}

TEST(NullCounts, DivisionByZeroIsANullWeightOfItsRule) {
  // + 10 / d with d = 0: one null weight, from that rule; the conditions 1 / d >= 0 and
  // 7 % d >= 0 are false, not null weights (tests/spec/nulls.score).
  auto r = run_text(R"(event e { d: number }
score s {
  on e + 10 / d
  on e when 1 / d >= 0 +100
  on e when 7 % d >= 0 +1000
})",
                    ev_at("zero", "e", T, R"("d": 0)") + ev_at("four", "e", T, R"("d": 4)"), "", T);
  EXPECT_EQ(r.summary.engine.null_weights, 1u);
  EXPECT_EQ(r.null_weights_of_rule("10 / d"), 1u);
}

TEST(NullCounts, AggregatesAndTimeFunctionsOfNothing) {
  // days_since / hours_since of no login: one null weight per score (2). Sum, min, max
  // and avg over values that are there: none. `+ min(purchase.amount)` over nothing:
  // one per user (2). (tests/spec/aggregates.score)
  auto times = run_text(R"(event login {}
event e {}
score d { when true + days_since(last(login)) }
score h { when true + hours_since(last(login)) })",
                        ev_at("u", "login", T - 36 * kHour) + ev_at("nologin", "e", T), "", T);
  EXPECT_EQ(times.summary.engine.null_weights, 2u);
  auto sums = run_text(R"(event purchase { amount: number }
score sum_all { when true + sum(purchase.amount) }
score min_all { when true + min(purchase.amount) }
score avg_7 { when true + avg(purchase.amount, 7d) })",
                       ev_at("u", "purchase", T - 20 * kDay, R"("amount": 10)") + ev_at("u", "purchase", T - 5 * kDay) +
                           ev_at("u", "purchase", T - 2 * kDay, R"("amount": 30)"),
                       "", T);
  EXPECT_EQ(sums.summary.engine.null_weights, 0u);
  auto empty = run_text(R"(event purchase { amount: number }
event visit {}
score sum_ { when true + sum(purchase.amount) }
score raw_min { when true + min(purchase.amount) })",
                        ev_at("none", "visit", T) + ev_at("nullonly", "purchase", T), "", T);
  EXPECT_EQ(empty.summary.engine.null_weights, 2u);  // raw_min for both users
}

TEST(NullCounts, BuiltinsOfNullOrOutOfDomain) {
  // len of a null list, log of a negative number: one null weight each
  // (tests/spec/builtins.score).
  auto lists = run_text(R"(event e {}
profile { tags: list<string> }
score s { when true + len(tags) })",
                        ev_at("vb", "e", T), "user_id,tags\nvb,vip|beta\nnone,\n", T);
  EXPECT_EQ(lists.num("vb", "s_raw"), 2.0);  // a list read from CSV: '|'-separated
  EXPECT_EQ(lists.summary.engine.null_weights, 1u);
  auto math = run_text("event e {}\nprofile { x: number }\nscore lg { when true + log(exp(2)) }\n"
                       "score bad { when true + log(-x) }",
                       ev_at("u", "e", T), "user_id,x\nu,16\n", T);
  EXPECT_EQ(math.summary.engine.null_weights, 1u);
}

TEST(AsOfCounts, FutureEventsAreIgnoredAndCounted) {
  // as of T: events at T-1d and T count; T+1s and T+1d are after T: raw 2, count(e) 2
  // (tests/spec/as_of.score), used 2, future 2, read 4.
  auto r = run_text("event e {}\nscore s { on e +1 }\nscore n { when true + count(e) }",
                    ev_at("u", "e", T - kDay) + ev_at("u", "e", T) + ev_at("u", "e", T + 1) + ev_at("u", "e", T + kDay),
                    "", T);
  EXPECT_EQ(r.summary.engine.future, 2u);
  EXPECT_EQ(r.summary.engine.used, 2u);
  EXPECT_EQ(r.summary.events.events_read, 4u);
  EXPECT_EQ(r.summary.as_of, T);
  EXPECT_FALSE(r.summary.as_of_from_events);
}

}  // namespace
}  // namespace scorec::testing
