// DESIGN.md §3: percentile scaling, which ranks a user among everyone scored (linear
// scaling, tiers and grades, which need no population, are specified in
// tests/spec/scaling.score and tiers_grades.score); the shared scale functions on any
// input; the output's columns.
#include <cmath>
#include <limits>
#include <sstream>

#include "ir/semantics.h"

#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

// One event per user carrying the raw score as v (decay none, so raw = v exactly).
std::string raws(const std::vector<std::pair<std::string, double>>& users) {
  std::string out;
  for (const auto& [u, v] : users) {
    std::ostringstream num;
    num.precision(17);
    num << v;
    out += ev_at(u, "e", T, "\"v\": " + num.str());
  }
  return out;
}

TEST(Percentile, TiesShareAScore) {
  // 1..10 (width 10), n = 5, raw 0,0,10,10,20: lower = 0,0,2,2,4
  //   1 + floor(10*0/5) = 1;  1 + floor(10*2/5) = 5;  1 + floor(10*4/5) = 9
  auto r = run_text("event e { v: number }\nscore s { on e + v\n scale percentile 1..10 }",
                    raws({{"a", 0}, {"b", 0}, {"c", 10}, {"d", 10}, {"e", 20}}), "", T);
  EXPECT_EQ(r.num("a", "s"), 1.0);
  EXPECT_EQ(r.num("b", "s"), 1.0);
  EXPECT_EQ(r.num("c", "s"), 5.0);
  EXPECT_EQ(r.num("d", "s"), 5.0);
  EXPECT_EQ(r.num("e", "s"), 9.0);
  EXPECT_EQ(r.num("e", "s_raw"), 20.0);  // the raw column is not scaled
}

TEST(Percentile, FormulaWithDistinctScoresAndAZeroBasedRange) {
  // 1..10, n = 3 distinct: lower 0,1,2 -> 1, 1+floor(10/3) = 4, 1+floor(20/3) = 7
  // (the top user is not forced to 10).
  auto r = run_text("event e { v: number }\nscore s { on e + v\n scale percentile 1..10 }",
                    raws({{"low", 1}, {"mid", 2}, {"top", 3}}), "", T);
  EXPECT_EQ(r.num("low", "s"), 1.0);
  EXPECT_EQ(r.num("mid", "s"), 4.0);
  EXPECT_EQ(r.num("top", "s"), 7.0);
  // 0..4 (width 5), n = 4, raw -5, 0, 0, 7: lower 0,1,1,3 ->
  //   0 + floor(5*0/4) = 0; floor(5/4) = 1; floor(15/4) = 3
  auto q = run_text("event e { v: number }\nscore s { on e + v\n scale percentile 0..4 }",
                    raws({{"neg", -5}, {"z1", 0}, {"z2", 0}, {"big", 7}}), "", T);
  EXPECT_EQ(q.num("neg", "s"), 0.0);
  EXPECT_EQ(q.num("z1", "s"), 1.0);
  EXPECT_EQ(q.num("z2", "s"), 1.0);
  EXPECT_EQ(q.num("big", "s"), 3.0);
}

TEST(Percentile, TwentyUsersSpanTheWholeRange) {
  // n = 20 distinct raw 0..19: user k has lower = k -> 1 + floor(10k/20) = 1 + floor(k/2)
  // so 0,1 -> 1; 18,19 -> 10.
  std::vector<std::pair<std::string, double>> us;
  for (int k = 0; k < 20; ++k) us.push_back({"u" + std::to_string(k), static_cast<double>(k)});
  auto r = run_text("event e { v: number }\nscore s { on e + v\n scale percentile 1..10 }", raws(us), "", T);
  for (int k = 0; k < 20; ++k) EXPECT_EQ(r.num("u" + std::to_string(k), "s"), 1.0 + k / 2) << "k=" << k;
}

TEST(Percentile, NullRawScoresAreNotRanked) {
  // "nan": +inf (1e10 * 1e300) and -inf meet, raw NaN -> null raw and scaled score, not
  // ranked, counted in the summary. The others rank among the n = 3 ranked users:
  // "ninf" -inf: lower 0 -> 1; "zero" 0: lower 1 -> 1 + floor(10/3) = 4; "pinf" +inf:
  // lower 2 -> 1 + floor(20/3) = 7. A NaN used to sort anywhere and rank arbitrarily.
  auto r = run_text("event e { v: number }\nscore s { on e + v * 1e300\n scale percentile 1..10 }",
                    ev_at("nan", "e", T, "\"v\": 1e10") + ev_at("nan", "e", T, "\"v\": -1e10") +
                        ev_at("ninf", "e", T, "\"v\": -1e10") + ev_at("zero", "e", T, "\"v\": 0") +
                        ev_at("pinf", "e", T, "\"v\": 1e10"),
                    "", T);
  EXPECT_EQ(r.num_opt("nan", "s_raw"), std::nullopt);
  EXPECT_EQ(r.num_opt("nan", "s"), std::nullopt);
  EXPECT_EQ(r.num("ninf", "s"), 1.0);
  EXPECT_EQ(r.num("zero", "s"), 4.0);
  EXPECT_EQ(r.num("pinf", "s"), 7.0);
  EXPECT_EQ(r.summary.engine.null_raw_by_score, std::vector<uint64_t>{1});
}

TEST(Percentile, AncientActivityDecaysToExactlyZeroAndTiesWithNone) {
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

TEST(ScaleFunctions, DefinedForAnyInput) {
  // The checker keeps scaled ranges within +-2^53 (E035), but the shared functions
  // stay defined for any input (IR read back from a file, NaN or infinite raw scores):
  // no integer overflow (b - a + 1 used to overflow int64 here, which UBSan stops on),
  // no float-to-int conversion of NaN, no division by a population of 0.
  constexpr int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(ir::linear_scale(5, 0, 10, lo, hi), 0.0);  // -2^63 + floor(2^64 / 2)
  EXPECT_TRUE(std::isnan(ir::linear_scale(std::nan(""), 0, 10, 1, 10)));
  EXPECT_EQ(ir::linear_scale(HUGE_VAL, 0, 10, 1, 10), 10.0);
  EXPECT_EQ(ir::linear_scale(-HUGE_VAL, 0, 10, 1, 10), 1.0);
  EXPECT_EQ(ir::percentile_scale(3, 4, lo, hi), std::ldexp(1.0, 62));  // -2^63 + floor(2^64 * 3/4)
  EXPECT_EQ(ir::percentile_scale(0, 0, 1, 10), 1.0);
  EXPECT_EQ(ir::decay_exp2(std::nan("")), 0.0);
  EXPECT_EQ(ir::decay_exp2(-HUGE_VAL), 0.0);
  EXPECT_EQ(ir::decay_exp2(0), 1.0);
  EXPECT_EQ(ir::tier_of({ir::Tier{}}, std::nan("")), -1);  // a null score has no tier
}

TEST(Output, ColumnsInDeclarationOrder) {
  auto r = run_text(R"(event e {}
score a { on e +1
  scale linear 0..10 to 1..10
  tiers { high >= 7, low } }
score b { on e +1 }
grade g { when true +1
  letters { A >= 1, F } }
segment seg = a.raw > 0)",
                    ev_at("u", "e", T), "", T);
  std::vector<std::string> expected = {"a_raw", "a", "a_tier", "b_raw", "g_points", "g", "seg"};
  EXPECT_EQ(r.columns(), expected);
}

}  // namespace
}  // namespace scorec::testing
