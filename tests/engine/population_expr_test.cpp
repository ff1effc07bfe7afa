// DESIGN.md §3: the scored population (who is scored, percentile ranks among them),
// and the checker's errors for a few mistakes. Segments, string functions, `in` lists,
// list<string> membership and the math builtins are specified in tests/spec/.
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(Population, ProfileOnlyUsersAppearWithTheirTerms) {
  // e_user: +1 from an event; paid (profile only): 0 + 500; free (profile only): 0.
  auto r = run_text(R"(event e {}
profile { plan: string }
score s {
  on e +1
  when plan == "paid" +500
})",
                    ev_at("e_user", "e", T), "user_id,plan\npaid,paid\nfree,free\n", T);
  EXPECT_EQ(r.summary.users, 3u);
  EXPECT_EQ(r.table.rows(), 3u);
  EXPECT_EQ(r.num("e_user", "s_raw"), 1.0);
  EXPECT_EQ(r.num("paid", "s_raw"), 500.0);
  EXPECT_EQ(r.num("free", "s_raw"), 0.0);
}

TEST(Population, UsersWithOnlyUnknownEventsAppear) {
  // ghost has only events of an undeclared type: raw 0 + the term for having no plan (3).
  // known: +1 + 3 = 4.
  auto r = run_text(R"(event e {}
profile { plan: string }
score s {
  on e +1
  when not has(plan) +3
})",
                    ev_at("known", "e", T) + ev_at("ghost", "mystery", T - kHour) + ev_at("ghost", "mystery", T), "", T);
  EXPECT_TRUE(r.has_user("ghost"));
  EXPECT_EQ(r.num("ghost", "s_raw"), 3.0);
  EXPECT_EQ(r.num("known", "s_raw"), 4.0);
  EXPECT_EQ(r.summary.users, 2u);
  EXPECT_EQ(r.summary.events.unknown_events, 2u);
  EXPECT_EQ(r.summary.events.unknown_by_name.at("mystery"), 2u);
  EXPECT_EQ(r.summary.engine.used, 1u);
}

TEST(Population, PercentileRanksCountProfileOnlyUsers) {
  // n = 3: active raw 10 (lower = 2) -> 1 + floor(10*2/3) = 7; two profile-only users
  // with raw 0 -> 1. (Leaving them out would make active 1.)
  auto r = run_text("event e {}\nprofile { plan: string }\nscore s { on e +10\n scale percentile 1..10 }",
                    ev_at("active", "e", T), "user_id,plan\np1,free\np2,free\n", T);
  EXPECT_EQ(r.num("active", "s"), 7.0);
  EXPECT_EQ(r.num("p1", "s"), 1.0);
  EXPECT_EQ(r.num("p2", "s"), 1.0);
}

TEST(Segments, PercentileScoreAndGradeLetterInSegments) {
  // percentile 1..10 over raw 1, 2, 3 -> 1, 4, 7; segment top = email.score >= 7;
  // letter via fit.letter.
  auto r = run_text(R"(event e { v: number }
profile { plan: string }
score email { on e + v
  scale percentile 1..10 }
grade fit { when plan == "paid" +10
  letters { A >= 10, F } }
segment top = email.score >= 7
segment paid_a = fit.letter == "A" and not top)",
                    ev_at("x", "e", T, R"("v": 1)") + ev_at("y", "e", T, R"("v": 2)") + ev_at("z", "e", T, R"("v": 3)"),
                    "user_id,plan\nx,paid\nz,paid\n", T);
  EXPECT_FALSE(r.flag("x", "top"));
  EXPECT_FALSE(r.flag("y", "top"));
  EXPECT_TRUE(r.flag("z", "top"));
  EXPECT_TRUE(r.flag("x", "paid_a"));
  EXPECT_FALSE(r.flag("y", "paid_a"));
  EXPECT_FALSE(r.flag("z", "paid_a"));
}

TEST(Segments, LaterSegmentCannotBeUsedEarlier) {
  expect_compile_error("event e {}\nsegment a = b\nsegment b = true", "segment 'b' is used before it is defined");
}

TEST(Segments, ScoresCannotBeUsedInsideScores) {
  expect_compile_error("event e {}\nscore a { on e +1 }\nscore b { when a.raw > 0 +1 }", "can only be used in a segment");
}

TEST(Aggregates, RejectedInEventRules) {
  expect_compile_error("event e {}\nscore s { on e when count(e) > 1 +1 }", "cannot be used in an 'on' rule");
}

TEST(Checker, UnknownEventSuggestsTheClosestName) {
  expect_compile_error("event email_open {}\nscore s { on emial_open +3 }", "did you mean 'email_open'?");
}

TEST(Checker, ComparingAStringWithANumberIsAnError) {
  expect_compile_error("profile { plan: string }\nscore s { when plan == 5 +1 }", "cannot compare a string with a number");
}

TEST(Checker, UnreachableTierIsAnError) {
  expect_compile_error("event e {}\nscore s { on e +1\n tiers { low >= 1, high >= 5, rest } }", "can never be reached");
}

}  // namespace
}  // namespace scorec::testing
