// DESIGN.md §3: the scored population; segments over scores, tiers, grades and earlier
// segments; string functions, `in` lists, list<string> membership, math builtins; the
// checker's errors for a few mistakes.
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

TEST(Segments, ReferToScoresTiersGradesAndEarlierSegments) {
  //          v    scaled tier    fit pts letter | hot raw_big mid good fit_pts target nurture
  //   a      80   9      high    software 40 A  |  T    T      F   T    T       T      F
  //   b      65   7      high    retail   10 D  |  T    T      F   F    T       F      T
  //   c      55   6      medium  software 40 A  |  F    T      T   T    T       F      T
  //   d      10   2      low     (none)    0 F  |  F    F      F   F    F       F      F
  const char* rules = R"(event e { v: number }
profile { industry: string }
score engagement {
  on e + v
  scale linear 0..100 to 1..10
  tiers { high >= 7, medium >= 4, low }
}
grade fit {
  when industry == "software" +40
  when industry == "retail" +10
  letters { A >= 40, B >= 30, C >= 20, D >= 10, F }
}
segment hot = engagement.tier == "high"
segment raw_big = engagement.raw >= 50
segment mid = engagement >= 4 and engagement < 7
segment good = fit == "A"
segment fit_pts = fit.points >= 10
segment target = hot and good
segment nurture = raw_big and not target)";
  auto r = run_text(rules,
                    ev_at("a", "e", T, R"("v": 80)") + ev_at("b", "e", T, R"("v": 65)") + ev_at("c", "e", T, R"("v": 55)") +
                        ev_at("d", "e", T, R"("v": 10)"),
                    "user_id,industry\na,software\nb,retail\nc,software\nd,\n", T);
  struct Row {
    const char* user;
    bool hot, raw_big, mid, good, fit_pts, target, nurture;
  };
  for (const Row& w : {Row{"a", true, true, false, true, true, true, false}, Row{"b", true, true, false, false, true, false, true},
                       Row{"c", false, true, true, true, true, false, true},
                       Row{"d", false, false, false, false, false, false, false}}) {
    SCOPED_TRACE(w.user);
    EXPECT_EQ(r.flag(w.user, "hot"), w.hot);
    EXPECT_EQ(r.flag(w.user, "raw_big"), w.raw_big);
    EXPECT_EQ(r.flag(w.user, "mid"), w.mid);
    EXPECT_EQ(r.flag(w.user, "good"), w.good);
    EXPECT_EQ(r.flag(w.user, "fit_pts"), w.fit_pts);
    EXPECT_EQ(r.flag(w.user, "target"), w.target);
    EXPECT_EQ(r.flag(w.user, "nurture"), w.nurture);
  }
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

TEST(Strings, StringFunctions) {
  //                                  contains  starts  ends  lower  upper  len>=6
  //                                  +1        +2      +4    +8     +16    +32
  //   all:  "/blog/pricing-x.pdf", "SPRING"  1  2  4  8  16  32 = 63
  //   some: "/pricing", "summer"             1  -  -  -  -   32 = 33
  //   case: "/Pricing.PDF", "Fall" (case-sensitive contains/ends_with)     = 0
  //   none: no url, no campaign: every function is null -> conditions false = 0
  auto r = run_text(R"(event visit { url: string, campaign: string }
score s {
  on visit when contains(url, "pricing") +1
  on visit when starts_with(url, "/blog") +2
  on visit when ends_with(url, ".pdf") +4
  on visit when lower(campaign) == "spring" +8
  on visit when upper(campaign) == "SPRING" +16
  on visit when len(campaign) >= 6 +32
})",
                    ev_at("all", "visit", T, R"("url": "/blog/pricing-x.pdf", "campaign": "SPRING")") +
                        ev_at("some", "visit", T, R"("url": "/pricing", "campaign": "summer")") +
                        ev_at("case", "visit", T, R"("url": "/Pricing.PDF", "campaign": "Fall")") +
                        ev_at("none", "visit", T),
                    "", T);
  EXPECT_EQ(r.num("all", "s_raw"), 63.0);
  EXPECT_EQ(r.num("some", "s_raw"), 33.0);
  EXPECT_EQ(r.num("case", "s_raw"), 0.0);
  EXPECT_EQ(r.num("none", "s_raw"), 0.0);
}

TEST(Strings, InAndNotInLists) {
  //   in ["software","finance"] +1;  not in ["software"] +10;  n in [1, 2, 3] +100
  //   sw (n=2):  1 + 0 + 100 = 101;  retail (n=4): 0 + 10 + 0 = 10
  //   null industry, no n: membership of null is false, `not in` too -> 0
  auto r = run_text(R"(event e { n: number }
profile { industry: string }
score s {
  on e when n in [1, 2, 3] +100
  when industry in ["software", "finance"] +1
  when industry not in ["software"] +10
})",
                    ev_at("sw", "e", T, R"("n": 2)") + ev_at("retail", "e", T, R"("n": 4)") + ev_at("null", "e", T),
                    "user_id,industry\nsw,software\nretail,retail\nnull,\n", T);
  EXPECT_EQ(r.num("sw", "s_raw"), 101.0);
  EXPECT_EQ(r.num("retail", "s_raw"), 10.0);
  EXPECT_EQ(r.num("null", "s_raw"), 0.0);
}

TEST(Lists, ListMembershipAndLength) {
  //   "vip" in tags +50; "beta" not in tags +7; + len(tags)
  //   vb "vip|beta": 50 + 0 + 2 = 52;  b "beta": 0 + 0 + 1 = 1;  o "other": 0 + 7 + 1 = 8
  //   none (empty field = null list): in false, not in false, len null -> null weight -> 0
  auto r = run_text(R"(event e {}
profile { tags: list<string> }
score s {
  when "vip" in tags +50
  when "beta" not in tags +7
  when true + len(tags)
})",
                    ev_at("vb", "e", T), "user_id,tags\nvb,vip|beta\nb,beta\no,other\nnone,\n", T);
  EXPECT_EQ(r.num("vb", "s_raw"), 52.0);
  EXPECT_EQ(r.num("b", "s_raw"), 1.0);
  EXPECT_EQ(r.num("o", "s_raw"), 8.0);
  EXPECT_EQ(r.num("none", "s_raw"), 0.0);
  EXPECT_EQ(r.summary.engine.null_weights, 1u);
}

TEST(Math, Builtins) {
  // x = 16 from the profile so nothing folds away.
  //   min(x, 3, 9) = 3; max(x, 20) = 20; clamp(x, 0, 10) = 10; abs(-x) = 16;
  //   sqrt(x) = 4; round(x / 5) = round(3.2) = 3; floor(-x / 10) = floor(-1.6) = -2;
  //   ceil(x / 10) = 2; pow(x, 0.5) = 4; exp(0 * x) = 1; log(exp(2)) ~ 2
  //   log(-x): null -> null weight, 0
  const char* rules = R"(event e {}
profile { x: number }
score mn { when true + min(x, 3, 9) }
score mx { when true + max(x, 20) }
score cl { when true + clamp(x, 0, 10) }
score ab { when true + abs(-x) }
score sq { when true + sqrt(x) }
score ro { when true + round(x / 5) }
score fl { when true + floor(-x / 10) }
score ce { when true + ceil(x / 10) }
score po { when true + pow(x, 0.5) }
score ex { when true + exp(0 * x) }
score lg { when true + log(exp(2)) }
score bad { when true + log(-x) })";
  auto r = run_text(rules, ev_at("u", "e", T), "user_id,x\nu,16\n", T);
  EXPECT_REL(r.num("u", "mn_raw"), 3.0);
  EXPECT_REL(r.num("u", "mx_raw"), 20.0);
  EXPECT_REL(r.num("u", "cl_raw"), 10.0);
  EXPECT_REL(r.num("u", "ab_raw"), 16.0);
  EXPECT_REL(r.num("u", "sq_raw"), 4.0);
  EXPECT_REL(r.num("u", "ro_raw"), 3.0);
  EXPECT_REL(r.num("u", "fl_raw"), -2.0);
  EXPECT_REL(r.num("u", "ce_raw"), 2.0);
  EXPECT_REL(r.num("u", "po_raw"), 4.0);
  EXPECT_REL(r.num("u", "ex_raw"), 1.0);
  EXPECT_REL(r.num("u", "lg_raw"), 2.0);
  EXPECT_EQ(r.num("u", "bad_raw"), 0.0);
  EXPECT_EQ(r.summary.engine.null_weights, 1u);
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
