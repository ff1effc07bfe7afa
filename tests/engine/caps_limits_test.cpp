// DESIGN.md §3, caps and count limits: epoch-aligned UTC buckets; within a bucket,
// events in timestamp order (ties in input order); undecayed weight accepted until the
// bucket's running magnitude reaches N, the crossing event partially; then decay.
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

const char* kDailyCap = "event e {}\nscore s { on e +3 cap 10 per 1d }";

TEST(Cap, PerDayPartialAcceptanceOfTheCrossingEvent) {
  // +3 with cap 10 per 1d, all on 2024-02-20 (UTC):
  //   3 events: 3+3+3 = 9; 4 events: 3+3+3+1 = 10 (the 4th is accepted partially);
  //   5 events: 3+3+3+1+0 = 10.
  std::string events;
  for (int i = 1; i <= 3; ++i) events += ev("three", "e", "2024-02-20T0" + std::to_string(i) + ":00:00Z");
  for (int i = 1; i <= 4; ++i) events += ev("four", "e", "2024-02-20T0" + std::to_string(i) + ":00:00Z");
  for (int i = 1; i <= 5; ++i) events += ev("five", "e", "2024-02-20T0" + std::to_string(i) + ":00:00Z");
  auto r = run_text(kDailyCap, events, "", T);
  EXPECT_EQ(r.num("three", "s_raw"), 9.0);
  EXPECT_EQ(r.num("four", "s_raw"), 10.0);
  EXPECT_EQ(r.num("five", "s_raw"), 10.0);
}

TEST(Cap, DailyBucketsAreUtcCalendarDays) {
  // 4 events at 23:56..23:59 on 02-20 -> 10 (capped); 4 events at 00:01..00:04 on 02-21
  // are a new bucket -> 10 more. Total 20 (a rolling 24 h window would give 10).
  std::string events;
  for (int i = 6; i <= 9; ++i) events += ev("u", "e", "2024-02-20T23:5" + std::to_string(i) + ":00Z");
  for (int i = 1; i <= 4; ++i) events += ev("u", "e", "2024-02-21T00:0" + std::to_string(i) + ":00Z");
  // 2024-02-21T01:30:00+02:00 is 2024-02-20T23:30Z: the same UTC day as the three at
  // noon, so 3+3+3 then 1 -> 10 (a local-day bucket would give 12).
  events += ev("tz", "e", "2024-02-20T12:00:00Z") + ev("tz", "e", "2024-02-20T12:01:00Z") +
            ev("tz", "e", "2024-02-20T12:02:00Z") + ev("tz", "e", "2024-02-21T01:30:00+02:00");
  auto r = run_text(kDailyCap, events, "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 20.0);
  EXPECT_EQ(r.num("tz", "s_raw"), 10.0);
}

TEST(Cap, SevenDayBucketsAreAlignedToTheUnixEpoch) {
  // cap 5 per 7d, +5 each. 7-day buckets start on Thursdays 00:00 UTC (1970-01-01 was
  // a Thursday); 2024-02-29 is one (day 19782 = 7 * 2826).
  //   Wed 02-28 23:59 and Thu 02-29 00:01: different buckets -> 5 + 5 = 10
  //   Sun 02-25 and Mon 02-26: same bucket (Thu 02-22 .. Wed 02-28) -> 5 + 0 = 5
  //     (ISO, Monday-aligned weeks would give 10 here and 5 above)
  //   Thu 02-22 00:00:00 and Wed 02-28 23:59:59: first and last second of a bucket -> 5
  auto r = run_text("event e {}\nscore s { on e +5 cap 5 per 7d }",
                    ev("wed_thu", "e", "2024-02-28T23:59:00Z") + ev("wed_thu", "e", "2024-02-29T00:01:00Z") +
                        ev("sun_mon", "e", "2024-02-25T12:00:00Z") + ev("sun_mon", "e", "2024-02-26T12:00:00Z") +
                        ev("bucket", "e", "2024-02-22T00:00:00Z") + ev("bucket", "e", "2024-02-28T23:59:59Z"),
                    "", T);
  EXPECT_EQ(r.num("wed_thu", "s_raw"), 10.0);
  EXPECT_EQ(r.num("sun_mon", "s_raw"), 5.0);
  EXPECT_EQ(r.num("bucket", "s_raw"), 5.0);
}

TEST(Cap, LifetimeCap) {
  // cap 50 with no period: +20 over months: 20 + 20 + 10 + 0 = 50; another user is
  // independent: 20.
  auto r = run_text("event e {}\nscore s { on e +20 cap 50 }",
                    ev("u", "e", "2023-10-01T00:00:00Z") + ev("u", "e", "2023-12-01T00:00:00Z") +
                        ev("u", "e", "2024-01-15T00:00:00Z") + ev("u", "e", "2024-02-20T00:00:00Z") +
                        ev("v", "e", "2024-02-20T00:00:00Z"),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 50.0);
  EXPECT_EQ(r.num("v", "s_raw"), 20.0);
}

TEST(Cap, CapCountsUndecayedWeightAndDecayAppliesToTheAcceptedPart) {
  // half_life 10d, +6 cap 10 per 1d, on 2024-02-20 (T - 10d):
  //   00:00 (age 10d):   accepted 6, contributes 6 * 2^-1     = 3
  //   12:00 (age 9.5d):  accepted 4 (partial), 4 * 2^-0.95
  //   18:00 (age 9.25d): accepted 0
  // = 3 + 4 * 2^-0.95 = 3 + 2.0705... = 5.0705...
  // (capping decayed weights instead would accept 3 + 6 * 2^-0.95 + ... = 6.1+.)
  auto r = run_text("event e {}\nscore s { decay half_life 10d\n on e +6 cap 10 per 1d }",
                    ev("u", "e", "2024-02-20T00:00:00Z") + ev("u", "e", "2024-02-20T12:00:00Z") +
                        ev("u", "e", "2024-02-20T18:00:00Z"),
                    "", T);
  EXPECT_REL(r.num("u", "s_raw"), 3.0 + 4.0 * std::exp2(-0.95));
}

TEST(Cap, NegativeWeightsUseMagnitude) {
  // -4 cap 10 per 1d: -4, -4, -2 (partial), 0 -> -10.
  auto r = run_text("event bounce {}\nscore s { on bounce -4 cap 10 per 1d }",
                    ev("u", "bounce", "2024-02-20T01:00:00Z") + ev("u", "bounce", "2024-02-20T02:00:00Z") +
                        ev("u", "bounce", "2024-02-20T03:00:00Z") + ev("u", "bounce", "2024-02-20T04:00:00Z"),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), -10.0);
}

TEST(Cap, MixedSignWeightsFillTheCapByMagnitude) {
  // + d cap 10 (lifetime), d = 4, -4, 4 in time order. The running magnitude is the sum
  // of |accepted|: 4 (used 4), -4 (used 8), 2 (partial, used 10) -> 4 - 4 + 2 = 2.
  // (Assumed reading of "running magnitude"; |running sum| would give 4.)
  auto r = run_text("event e { d: number }\nscore s { on e + d cap 10 }",
                    ev("u", "e", "2024-02-20T01:00:00Z", R"("d": 4)") +
                        ev("u", "e", "2024-02-20T02:00:00Z", R"("d": -4)") +
                        ev("u", "e", "2024-02-20T03:00:00Z", R"("d": 4)"),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 2.0);
}

TEST(Cap, EventsAreTakenInTimestampOrderNotInputOrder) {
  // half_life 1d, + v cap 10 per 1d, as of 2024-02-20T04:00Z. Input order: 03:00 v=8,
  // 01:00 v=5, 02:00 v=4. Timestamp order: 5 (used 5), 4 (used 9), 8 -> 1 accepted:
  //   5 * 2^(-3/24) + 4 * 2^(-2/24) + 1 * 2^(-1/24)
  // (input order would give 8 * 2^(-1/24) + 2 * 2^(-3/24)).
  const double as_of = ts("2024-02-20T04:00:00Z");
  auto r = run_text("event e { v: number }\nscore s { decay half_life 1d\n on e + v cap 10 per 1d }",
                    ev("u", "e", "2024-02-20T03:00:00Z", R"("v": 8)") + ev("u", "e", "2024-02-20T01:00:00Z", R"("v": 5)") +
                        ev("u", "e", "2024-02-20T02:00:00Z", R"("v": 4)"),
                    "", as_of);
  EXPECT_REL(r.num("u", "s_raw"), 5 * std::exp2(-3.0 / 24) + 4 * std::exp2(-2.0 / 24) + 1 * std::exp2(-1.0 / 24));
}

TEST(Cap, LimitTakesTheEarliestEventEvenWhenItComesLaterInTheInput) {
  // + v limit 1 per 1d: input 03:00 v=8 then 01:00 v=5 -> the 01:00 event wins: 5.
  auto r = run_text("event e { v: number }\nscore s { on e + v limit 1 per 1d }",
                    ev("u", "e", "2024-02-20T03:00:00Z", R"("v": 8)") + ev("u", "e", "2024-02-20T01:00:00Z", R"("v": 5)"),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 5.0);
}

TEST(Cap, TiesAreTakenInInputOrder) {
  // Same timestamp, `once`: the first in the input is accepted.
  //   a: v=8 then v=5 -> 8;  b: v=5 then v=8 -> 5.  Interleaved users do not matter.
  // c's earlier event comes last, so the input is not already in time order and the
  // engine must really sort (stably).
  const std::string t = "2024-02-20T10:00:00Z";
  auto r = run_text("event e { v: number }\nscore s { on e + v once }",
                    ev("a", "e", t, R"("v": 8)") + ev("b", "e", t, R"("v": 5)") + ev("a", "e", t, R"("v": 5)") +
                        ev("b", "e", t, R"("v": 8)") + ev("c", "e", "2024-02-19T10:00:00Z", R"("v": 1)"),
                    "", T);
  EXPECT_EQ(r.num("a", "s_raw"), 8.0);
  EXPECT_EQ(r.num("b", "s_raw"), 5.0);
  EXPECT_EQ(r.num("c", "s_raw"), 1.0);
}

TEST(Limit, OnceCountsOnlyEventsThatPassTheCondition) {
  //   u: e x3 -> 7 once.  purchases 50 (condition false, does not use `once`), 150, 200
  //   -> +20 once.  Total 27.   small: only a purchase of 50 -> 0.
  auto r = run_text(R"(event e {}
event purchase { amount: number }
const big_order = 100
score s {
  on e +7 once
  on purchase when amount >= big_order +20 once
})",
                    ev_at("u", "e", T - 3 * kDay) + ev_at("u", "e", T - 2 * kDay) + ev_at("u", "e", T - kDay) +
                        ev_at("u", "purchase", T - 3 * kDay, R"("amount": 50)") +
                        ev_at("u", "purchase", T - 2 * kDay, R"("amount": 150)") +
                        ev_at("u", "purchase", T - kDay, R"("amount": 200)") +
                        ev_at("small", "purchase", T - kDay, R"("amount": 50)"),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 27.0);
  EXPECT_EQ(r.num("small", "s_raw"), 0.0);
}

TEST(Limit, OnceKeepsTheEarliestEventAndItsDecay) {
  // half_life 10d, +8 once; events at T-10d and T: the earliest is kept -> 8 * 0.5 = 4.
  auto r = run_text("event e {}\nscore s { decay half_life 10d\n on e +8 once }",
                    ev_at("u", "e", T) + ev_at("u", "e", T - 10 * kDay), "", T);
  EXPECT_REL(r.num("u", "s_raw"), 4.0);
}

TEST(Limit, LimitTwoPerDay) {
  // limit 2 per 1d, +1: 3 events on 02-20, 3 on 02-21, 1 on 02-22 -> 2 + 2 + 1 = 5.
  std::string events;
  for (int i = 1; i <= 3; ++i) events += ev("u", "e", "2024-02-20T0" + std::to_string(i) + ":00:00Z");
  for (int i = 1; i <= 3; ++i) events += ev("u", "e", "2024-02-21T0" + std::to_string(i) + ":00:00Z");
  events += ev("u", "e", "2024-02-22T05:00:00Z");
  auto r = run_text("event e {}\nscore s { on e +1 limit 2 per 1d }", events, "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 5.0);
}

TEST(Limit, LimitAndCapTogether) {
  // +3 cap 10 per 1d limit 2 per 1d: 4 events on one day -> the limit stops at 2
  // events: 3 + 3 = 6 (the cap alone would give 10).
  std::string events;
  for (int i = 1; i <= 4; ++i) events += ev("u", "e", "2024-02-20T0" + std::to_string(i) + ":00:00Z");
  auto r = run_text("event e {}\nscore s { on e +3 cap 10 per 1d limit 2 per 1d }", events, "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 6.0);
}

}  // namespace
}  // namespace scorec::testing

namespace scorec::testing {
namespace {

TEST(Cap, NegativeExpressionWeightWithConstantsForCapAndHalfLife) {
  // const hl = 10d, big = 5; `- amount * 0.5 cap big per 1d`, half_life hl:
  //   02-20 00:00 amount 4: -2, used 2, age 10d        -> -2 * 2^-1 = -1
  //   02-20 01:00 amount 8: -4, room 3 -> -3, age 9d23h -> -3 * 2^(-(9 + 23/24)/10)
  //   03-01 00:00 amount 30: -15, new bucket, room 5 -> -5, age 0 -> -5
  auto r = run_text(R"(event refund { amount: number }
const hl = 10d
const big = 5
score s {
  decay half_life hl
  on refund - amount * 0.5 cap big per 1d
})",
                    ev("a", "refund", "2024-02-20T00:00:00Z", R"("amount": 4)") +
                        ev("a", "refund", "2024-02-20T01:00:00Z", R"("amount": 8)") +
                        ev("a", "refund", "2024-03-01T00:00:00Z", R"("amount": 30)"),
                    "", T);
  EXPECT_REL(r.num("a", "s_raw"), -1.0 - 3.0 * std::exp2(-(9.0 + 23.0 / 24.0) / 10.0) - 5.0);
}

}  // namespace
}  // namespace scorec::testing
