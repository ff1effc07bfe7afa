// DESIGN.md §2.7-8 and §3: per-user aggregates (window: T - w < ts <= T), time
// functions and inactivity with a sign-up fallback.
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(Inactivity, FallsBackToSignupWhenNeverLoggedIn) {
  // Everyone has one email_open at T (+1). Penalty -10 when
  // days_since(last(login) ?? signed_up) >= 30:
  //   never:     no login, signed up 2024-01-01 (60 days)        -> 1 - 10 = -9, dormant
  //   recent:    login at T-5d (signed up 2023-01-01)            -> 1
  //   neither:   no login, no sign-up: null >= 30 is false        -> 1, not dormant
  //   oldlogin:  login at T-40d, signed up T-5d: the login wins   -> -9, dormant
  //   newsignup: no login, signed up T-10d                        -> 1
  //   edge:      no login, signed up exactly T-30d: 30 >= 30      -> -9, dormant
  const char* rules = R"(event login {}
event email_open {}
profile { signed_up: timestamp }
score s {
  on email_open +1
  when days_since(last(login) ?? signed_up) >= 30 -10
}
segment dormant_30 = days_since(last(login) ?? signed_up) >= 30)";
  std::string events;
  for (const char* u : {"never", "recent", "neither", "oldlogin", "newsignup", "edge"}) events += ev_at(u, "email_open", T);
  events += ev_at("recent", "login", T - 5 * kDay) + ev_at("oldlogin", "login", T - 40 * kDay);
  std::string profiles = "user_id,signed_up\nnever,2024-01-01\nrecent,2023-01-01\nneither,\noldlogin," +
                         iso(T - 5 * kDay) + "\nnewsignup," + iso(T - 10 * kDay) + "\nedge," + iso(T - 30 * kDay) + "\n";
  auto r = run_text(rules, events, profiles, T);
  EXPECT_EQ(r.num("never", "s_raw"), -9.0);
  EXPECT_EQ(r.num("recent", "s_raw"), 1.0);
  EXPECT_EQ(r.num("neither", "s_raw"), 1.0);
  EXPECT_EQ(r.num("oldlogin", "s_raw"), -9.0);
  EXPECT_EQ(r.num("newsignup", "s_raw"), 1.0);
  EXPECT_EQ(r.num("edge", "s_raw"), -9.0);
  EXPECT_TRUE(r.flag("never", "dormant_30"));
  EXPECT_FALSE(r.flag("recent", "dormant_30"));
  EXPECT_FALSE(r.flag("neither", "dormant_30"));
  EXPECT_TRUE(r.flag("oldlogin", "dormant_30"));
  EXPECT_FALSE(r.flag("newsignup", "dormant_30"));
  EXPECT_TRUE(r.flag("edge", "dormant_30"));
  EXPECT_EQ(r.summary.engine.null_weights, 0u);  // a false condition is not a null weight
}

TEST(TimeFunctions, DaysSinceAndHoursSinceAreReal) {
  // last login at T-36h: days_since = 1.5, hours_since = 36. No login: null weights
  // (one per score), contributing 0.
  auto r = run_text(R"(event login {}
event e {}
score d { when true + days_since(last(login)) }
score h { when true + hours_since(last(login)) })",
                    ev_at("u", "login", T - 36 * kHour) + ev_at("nologin", "e", T), "", T);
  EXPECT_REL(r.num("u", "d_raw"), 1.5);
  EXPECT_REL(r.num("u", "h_raw"), 36.0);
  EXPECT_EQ(r.num("nologin", "d_raw"), 0.0);
  EXPECT_EQ(r.num("nologin", "h_raw"), 0.0);
  EXPECT_EQ(r.summary.engine.null_weights, 2u);
}

TEST(Aggregates, CountWithAndWithoutWindowEdge) {
  // purchases at T-40d, T-10d (exactly the edge), T-10d+1s, T:
  //   count(purchase) = 4;  count(purchase, 10d) = 2 (T-10d < ts <= T)
  // visit-only user: 0 and 0.
  auto r = run_text(R"(event purchase {}
event visit {}
score all { when true + count(purchase) }
score w10 { when true + count(purchase, 10d) })",
                    ev_at("u", "purchase", T - 40 * kDay) + ev_at("u", "purchase", T - 10 * kDay) +
                        ev_at("u", "purchase", T - 10 * kDay + 1) + ev_at("u", "purchase", T) + ev_at("none", "visit", T),
                    "", T);
  EXPECT_EQ(r.num("u", "all_raw"), 4.0);
  EXPECT_EQ(r.num("u", "w10_raw"), 2.0);
  EXPECT_EQ(r.num("none", "all_raw"), 0.0);
  EXPECT_EQ(r.num("none", "w10_raw"), 0.0);
}

TEST(Aggregates, SumMinMaxAvgSkipNullValues) {
  // amounts: 10 @T-20d, missing @T-5d, 30 @T-2d, 20 @T-1d
  //   all time: sum 60, min 10, max 30, avg 60/3 = 20 (nulls not counted), count 4
  //   7d (T-7d < ts): sum 50, min 20, max 30, avg 25, count 3
  auto r = run_text(R"(event purchase { amount: number }
score sum_all { when true + sum(purchase.amount) }
score min_all { when true + min(purchase.amount) }
score max_all { when true + max(purchase.amount) }
score avg_all { when true + avg(purchase.amount) }
score cnt_all { when true + count(purchase) }
score sum_7 { when true + sum(purchase.amount, 7d) }
score min_7 { when true + min(purchase.amount, 7d) }
score max_7 { when true + max(purchase.amount, 7d) }
score avg_7 { when true + avg(purchase.amount, 7d) }
score cnt_7 { when true + count(purchase, 7d) })",
                    ev_at("u", "purchase", T - 20 * kDay, R"("amount": 10)") + ev_at("u", "purchase", T - 5 * kDay) +
                        ev_at("u", "purchase", T - 2 * kDay, R"("amount": 30)") +
                        ev_at("u", "purchase", T - 1 * kDay, R"("amount": 20)"),
                    "", T);
  EXPECT_REL(r.num("u", "sum_all_raw"), 60.0);
  EXPECT_REL(r.num("u", "min_all_raw"), 10.0);
  EXPECT_REL(r.num("u", "max_all_raw"), 30.0);
  EXPECT_REL(r.num("u", "avg_all_raw"), 20.0);
  EXPECT_REL(r.num("u", "cnt_all_raw"), 4.0);
  EXPECT_REL(r.num("u", "sum_7_raw"), 50.0);
  EXPECT_REL(r.num("u", "min_7_raw"), 20.0);
  EXPECT_REL(r.num("u", "max_7_raw"), 30.0);
  EXPECT_REL(r.num("u", "avg_7_raw"), 25.0);
  EXPECT_REL(r.num("u", "cnt_7_raw"), 3.0);
  EXPECT_EQ(r.summary.engine.null_weights, 0u);
}

TEST(Aggregates, EmptyAggregates) {
  // none: no purchase; nullonly: one purchase without an amount.
  //   sum of nothing = 0 (not null);  min/max/avg of nothing = null -> ?? defaults
  //   first(purchase) of nothing = null; nullonly has one, so has(first(purchase)).
  //   `when true + min(purchase.amount)` alone -> null weight (counted) -> 0.
  auto r = run_text(R"(event purchase { amount: number }
event visit {}
score sum_ { when true + sum(purchase.amount) }
score mn { when true + (min(purchase.amount) ?? -1) }
score mx { when true + (max(purchase.amount) ?? -2) }
score av { when true + (avg(purchase.amount) ?? -3) }
score raw_min { when true + min(purchase.amount) }
segment has_min = has(min(purchase.amount))
segment has_first = has(first(purchase)))",
                    ev_at("none", "visit", T) + ev_at("nullonly", "purchase", T), "", T);
  for (const char* u : {"none", "nullonly"}) {
    SCOPED_TRACE(u);
    EXPECT_EQ(r.num(u, "sum__raw"), 0.0);
    EXPECT_EQ(r.num(u, "mn_raw"), -1.0);
    EXPECT_EQ(r.num(u, "mx_raw"), -2.0);
    EXPECT_EQ(r.num(u, "av_raw"), -3.0);
    EXPECT_EQ(r.num(u, "raw_min_raw"), 0.0);
    EXPECT_FALSE(r.flag(u, "has_min"));
  }
  EXPECT_FALSE(r.flag("none", "has_first"));
  EXPECT_TRUE(r.flag("nullonly", "has_first"));
  EXPECT_EQ(r.summary.engine.null_weights, 2u);  // raw_min for both users
}

TEST(Aggregates, FirstAndLastTimestamps) {
  // logins at T-20d, T-10d, T-3d:
  //   days_since(first(login)) = 20; days_since(last(login)) = 3
  //   first(login, 15d) = T-10d -> 10; first(login, 10d): T-10d is on the edge,
  //   excluded -> T-3d -> 3; last(login, 2d) = null -> ?? -1
  auto r = run_text(R"(event login {}
score f { when true + days_since(first(login)) }
score l { when true + days_since(last(login)) }
score f15 { when true + days_since(first(login, 15d)) }
score f10 { when true + days_since(first(login, 10d)) }
score l2 { when true + (days_since(last(login, 2d)) ?? -1) })",
                    ev_at("u", "login", T - 10 * kDay) + ev_at("u", "login", T - 20 * kDay) +
                        ev_at("u", "login", T - 3 * kDay),
                    "", T);
  EXPECT_REL(r.num("u", "f_raw"), 20.0);
  EXPECT_REL(r.num("u", "l_raw"), 3.0);
  EXPECT_REL(r.num("u", "f15_raw"), 10.0);
  EXPECT_REL(r.num("u", "f10_raw"), 3.0);
  EXPECT_REL(r.num("u", "l2_raw"), -1.0);
}

TEST(Aggregates, InWhenTermsAndSegments) {
  //   u1: 60 @T-40d, 50 @T-20d, 60 @T-1d: count(purchase, 30d) = 2 -> +50;
  //       sum = 170 >= 100 -> +7 => 57; sum(30d) = 110 -> big; count = 3 -> frequent
  //   u2: 200 @T-40d: count 30d = 0; sum 200 -> +7 => 7; sum 30d = 0 -> not big; not frequent
  auto r = run_text(R"(event purchase { amount: number }
score s {
  when count(purchase, 30d) >= 2 +50
  when sum(purchase.amount) >= 100 +7
}
segment big = sum(purchase.amount, 30d) >= 100
segment frequent = count(purchase) >= 3)",
                    ev_at("u1", "purchase", T - 40 * kDay, R"("amount": 60)") +
                        ev_at("u1", "purchase", T - 20 * kDay, R"("amount": 50)") +
                        ev_at("u1", "purchase", T - 1 * kDay, R"("amount": 60)") +
                        ev_at("u2", "purchase", T - 40 * kDay, R"("amount": 200)"),
                    "", T);
  EXPECT_EQ(r.num("u1", "s_raw"), 57.0);
  EXPECT_EQ(r.num("u2", "s_raw"), 7.0);
  EXPECT_TRUE(r.flag("u1", "big"));
  EXPECT_FALSE(r.flag("u2", "big"));
  EXPECT_TRUE(r.flag("u1", "frequent"));
  EXPECT_FALSE(r.flag("u2", "frequent"));
}

TEST(Aggregates, AreNotLimitedByTheScoresWindow) {
  // Assumed: a score's `window` filters its event contributions only; an aggregate
  // without its own window sees all events <= T.
  //   window 30d, on purchase +1: only the T-1d purchase -> 1
  //   when count(purchase) >= 2 +100: count = 2 (T-40d and T-1d) -> +100.  Total 101.
  auto r = run_text(R"(event purchase {}
score s {
  window 30d
  on purchase +1
  when count(purchase) >= 2 +100
})",
                    ev_at("u", "purchase", T - 40 * kDay) + ev_at("u", "purchase", T - kDay), "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 101.0);
}

TEST(Aggregates, RejectedInEventRules) {
  expect_compile_error("event e {}\nscore s { on e when count(e) > 1 +1 }", "cannot be used in an 'on' rule");
}

}  // namespace
}  // namespace scorec::testing
