// DESIGN.md §3: contribution = weight x decay(age); the window filters first.
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(Instants, TIsMarchFirst2024) {
  EXPECT_EQ(ts("2024-03-01T00:00:00Z"), T);
  EXPECT_EQ(ts("2024-02-29T00:00:00Z"), T - kDay);
  // 2024-02-29 starts a 7-day epoch bucket: 1709164800 / 604800 = 2826 exactly.
  EXPECT_EQ(ts("2024-02-29T00:00:00Z"), 2826.0 * 7 * kDay);
}

TEST(Decay, NoneGivesFullWeightAtAnyAge) {
  // decay none -> factor 1: 3 + 3 + 3 = 9 regardless of age (100 days, 1 day, 0).
  auto r = run_text("event e {}\nscore s { decay none\n on e +3 }",
                    ev_at("u", "e", T - 100 * kDay) + ev_at("u", "e", T - kDay) + ev_at("u", "e", T), "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 9.0);
}

TEST(Decay, HalfLifeHalvesPerHalfLife) {
  auto r = run_text("event e {}\nscore s { decay half_life 30d\n on e +8 }",
                    ev_at("age0", "e", T) + ev_at("one", "e", T - 30 * kDay) + ev_at("two", "e", T - 60 * kDay) +
                        ev_at("half", "e", T - 15 * kDay) + ev_at("mix", "e", T - 30 * kDay) + ev_at("mix", "e", T),
                    "", T);
  EXPECT_REL(r.num("age0", "s_raw"), 8.0);                 // 8 * 2^0
  EXPECT_REL(r.num("one", "s_raw"), 4.0);                  // 8 * 2^(-30/30) = 4
  EXPECT_REL(r.num("two", "s_raw"), 2.0);                  // 8 * 2^(-60/30) = 2
  EXPECT_REL(r.num("half", "s_raw"), 5.656854249492381);   // 8 * 2^(-0.5) = 8 / sqrt(2)
  EXPECT_REL(r.num("mix", "s_raw"), 12.0);                 // 4 + 8
}

TEST(Decay, LinearToZero) {
  auto r = run_text("event e {}\nscore s { decay linear 90d\n on e +10 }",
                    ev_at("half", "e", T - 45 * kDay) + ev_at("tenth", "e", T - 9 * kDay) +
                        ev_at("edge", "e", T - 90 * kDay) + ev_at("old", "e", T - 120 * kDay) +
                        ev_at("mix", "e", T - 45 * kDay) + ev_at("mix", "e", T - 120 * kDay),
                    "", T);
  EXPECT_REL(r.num("half", "s_raw"), 5.0);   // 10 * (1 - 45/90)
  EXPECT_REL(r.num("tenth", "s_raw"), 9.0);  // 10 * (1 - 9/90)
  EXPECT_REL(r.num("edge", "s_raw"), 0.0);   // 10 * max(0, 1 - 90/90)
  EXPECT_REL(r.num("old", "s_raw"), 0.0);    // 10 * max(0, 1 - 120/90) = 0, not -3.33
  EXPECT_REL(r.num("mix", "s_raw"), 5.0);    // 5 + 0
}

TEST(Decay, NegativeWeightsDecayToo) {
  // -20 * 2^(-10/10) = -10; -20 at age 0 = -20; total -30.
  auto r = run_text("event bounce {}\nscore s { decay half_life 10d\n on bounce -20 }",
                    ev_at("u", "bounce", T - 10 * kDay) + ev_at("u", "bounce", T), "", T);
  EXPECT_REL(r.num("u", "s_raw"), -30.0);
}

TEST(Decay, HoursHalfLife) {
  // half_life 12h, age 6h: 4 * 2^(-0.5) = 2.8284271247461903
  auto r = run_text("event e {}\nscore s { decay half_life 12h\n on e +4 }", ev_at("u", "e", T - 6 * kHour), "", T);
  EXPECT_REL(r.num("u", "s_raw"), 4.0 * std::exp2(-0.5));
}

TEST(Decay, AncientActivityDecaysToExactlyZeroAndTiesWithNone) {
  // half_life 1d: an event 1100 days old contributes 2^-1100, which is 0 in doubles
  // (below 2^-1075), so "old" ties with "none" and "quiet" (who have only undeclared
  // events): lower = 0 for all three -> 1; "fresh" (raw 1) has lower = 3 ->
  // 1 + floor(10 * 3 / 4) = 8. The factor used to stop at 2^-1022, ranking "old"
  // above the other two (1 + floor(10 * 2 / 4) = 6) and making it active.
  auto r = run_text("event e {}\nscore s { decay half_life 1d\n on e +1\n scale percentile 1..10 }\n"
                    "segment active = s.raw > 0",
                    ev_at("old", "e", T - 1100 * kDay) + ev_at("none", "x", T) + ev_at("quiet", "x", T) +
                        ev_at("fresh", "e", T),
                    "", T);
  EXPECT_EQ(r.num("old", "s_raw"), 0.0);
  EXPECT_FALSE(r.flag("old", "active"));
  EXPECT_EQ(r.num("old", "s"), 1.0);
  EXPECT_EQ(r.num("none", "s"), 1.0);
  EXPECT_EQ(r.num("quiet", "s"), 1.0);
  EXPECT_EQ(r.num("fresh", "s"), 8.0);
}

TEST(Window, EventExactlyAtEdgeIsExcludedOneSecondLaterIncluded) {
  // window 30d: an event at ts <= T - 30d does not count; at T - 30d + 1s it does.
  auto r = run_text("event e {}\nscore s { window 30d\n on e +1 }",
                    ev_at("edge", "e", T - 30 * kDay) + ev_at("inside", "e", T - 30 * kDay + 1) +
                        ev_at("both", "e", T - 30 * kDay) + ev_at("both", "e", T - 30 * kDay + 1),
                    "", T);
  EXPECT_EQ(r.num("edge", "s_raw"), 0.0);
  EXPECT_EQ(r.num("inside", "s_raw"), 1.0);
  EXPECT_EQ(r.num("both", "s_raw"), 1.0);
}

TEST(Window, ExcludedEventsFillNeitherCapNorLimit) {
  // e: T-40d (outside, must not use the lifetime cap of 5), T-10d -> +5.
  // f: T-31d (outside, must not use `once`), T-5d -> +7.   Total 12 (0 if they did).
  auto r = run_text(R"(event e {}
event f {}
score s {
  window 30d
  on e +5 cap 5
  on f +7 once
})",
                    ev_at("u", "e", T - 40 * kDay) + ev_at("u", "e", T - 10 * kDay) + ev_at("u", "f", T - 31 * kDay) +
                        ev_at("u", "f", T - 5 * kDay),
                    "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 12.0);
}

TEST(Window, WindowFiltersBeforeDecay) {
  // half_life 10d, window 25d, +8 each: T-10d -> 4, T-20d -> 2, T-30d -> excluded
  // (would add 8 * 2^-3 = 1). Total 6.
  auto r = run_text("event e {}\nscore s { decay half_life 10d\n window 25d\n on e +8 }",
                    ev_at("u", "e", T - 10 * kDay) + ev_at("u", "e", T - 20 * kDay) + ev_at("u", "e", T - 30 * kDay),
                    "", T);
  EXPECT_REL(r.num("u", "s_raw"), 6.0);
}

TEST(Scores, SeveralScoresAreIndependent) {
  // Same two events at T-10d:
  //   a: no decay, no cap: 10 + 10 = 20
  //   b: half_life 10d, lifetime cap 10: accepted 10 then 0 -> 10 * 0.5 = 5
  auto r = run_text(R"(event e {}
score a { on e +10 }
score b { decay half_life 10d
  on e +10 cap 10 })",
                    ev_at("u", "e", T - 10 * kDay) + ev_at("u", "e", T - 10 * kDay), "", T);
  EXPECT_EQ(r.num("u", "a_raw"), 20.0);
  EXPECT_REL(r.num("u", "b_raw"), 5.0);
}

TEST(RawScore, PerUserTermsAreAddedOnceAndNotDecayed) {
  // half_life 1d, +10 per event: T -> 10, T-1d -> 5, T-2d -> 2.5; the term +500 once,
  // undecayed: 517.5. A profile-only paid user: 500. A free user with one event at T: 10.
  auto r = run_text(R"(event e {}
profile { plan: string }
score s {
  decay half_life 1d
  on e +10
  when plan == "paid" +500
})",
                    ev_at("paid", "e", T) + ev_at("paid", "e", T - kDay) + ev_at("paid", "e", T - 2 * kDay) +
                        ev_at("free", "e", T),
                    "user_id,plan\npaid,paid\nfree,free\nonly,paid\n", T);
  EXPECT_REL(r.num("paid", "s_raw"), 517.5);
  EXPECT_REL(r.num("only", "s_raw"), 500.0);
  EXPECT_REL(r.num("free", "s_raw"), 10.0);
}

TEST(Weights, ExpressionWeights) {
  // site_visit when seconds >= 30 + min(seconds / 60, 5):
  //   20 s -> condition false; 90 s -> min(1.5, 5) = 1.5; 600 s -> min(10, 5) = 5.
  // purchase + amount * 0.01: 150 -> 1.5.     Total 1.5 + 5 + 1.5 = 8.
  auto r = run_text(R"(event site_visit { seconds: number }
event purchase { amount: number }
score s {
  on site_visit when seconds >= 30 + min(seconds / 60, 5)
  on purchase + amount * 0.01
})",
                    ev_at("u", "site_visit", T - 3 * kHour, R"("seconds": 20)") +
                        ev_at("u", "site_visit", T - 2 * kHour, R"("seconds": 90)") +
                        ev_at("u", "site_visit", T - 1 * kHour, R"("seconds": 600)") +
                        ev_at("u", "purchase", T, R"("amount": 150)"),
                    "", T);
  EXPECT_REL(r.num("u", "s_raw"), 8.0);
}

}  // namespace
}  // namespace scorec::testing
