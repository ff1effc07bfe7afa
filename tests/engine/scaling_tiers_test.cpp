// DESIGN.md §3: linear and percentile scaling, tiers (first match), grade letters.
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

TEST(Linear, BucketsAndClampingAtBothEnds) {
  // linear 0..100 to 1..10: 1 + floor(10 * raw / 100), clamped to [1, 10]
  //   -5 -> 1 + floor(-0.5) = 0 -> clamped 1     0 -> 1     9.99 -> 1 + floor(0.999) = 1
  //   10 -> 2    55 -> 1 + 5 = 6    99.99 -> 1 + 9 = 10    100 -> 11 -> clamped 10    250 -> 10
  auto r = run_text("event e { v: number }\nscore s { on e + v\n scale linear 0..100 to 1..10 }",
                    raws({{"neg", -5}, {"zero", 0}, {"r9", 9.99}, {"r10", 10}, {"r55", 55}, {"r99", 99.99},
                          {"r100", 100}, {"r250", 250}}),
                    "", T);
  EXPECT_EQ(r.num("neg", "s"), 1.0);
  EXPECT_EQ(r.num("zero", "s"), 1.0);
  EXPECT_EQ(r.num("r9", "s"), 1.0);
  EXPECT_EQ(r.num("r10", "s"), 2.0);
  EXPECT_EQ(r.num("r55", "s"), 6.0);
  EXPECT_EQ(r.num("r99", "s"), 10.0);
  EXPECT_EQ(r.num("r100", "s"), 10.0);
  EXPECT_EQ(r.num("r250", "s"), 10.0);
  EXPECT_EQ(r.num("r55", "s_raw"), 55.0);
}

TEST(Linear, NonZeroLowAndZeroBasedTarget) {
  // linear 20..40 to 0..4 (width 5): floor(5 * (raw - 20) / 20), clamped to [0, 4]
  //   10 -> floor(-2.5) = -3 -> 0   20 -> 0   23.9 -> floor(0.975) = 0   24 -> 1
  //   35.9 -> floor(3.975) = 3   36 -> 4   40 -> 5 -> clamped 4
  // (a rounding formula a + round((b-a)(raw-lo)/(hi-lo)) would give 23.9 -> 1.)
  auto r = run_text("event e { v: number }\nscore s { on e + v\n scale linear 20..40 to 0..4 }",
                    raws({{"r10", 10}, {"r20", 20}, {"r23", 23.9}, {"r24", 24}, {"r35", 35.9}, {"r36", 36}, {"r40", 40}}),
                    "", T);
  EXPECT_EQ(r.num("r10", "s"), 0.0);
  EXPECT_EQ(r.num("r20", "s"), 0.0);
  EXPECT_EQ(r.num("r23", "s"), 0.0);
  EXPECT_EQ(r.num("r24", "s"), 1.0);
  EXPECT_EQ(r.num("r35", "s"), 3.0);
  EXPECT_EQ(r.num("r36", "s"), 4.0);
  EXPECT_EQ(r.num("r40", "s"), 4.0);
}

TEST(Tiers, FirstMatchingThresholdTopToBottom) {
  // No scale: tiers apply to raw. 100 matches high and medium -> high (first match).
  auto r = run_text("event e { v: number }\nscore s { on e + v\n tiers { high >= 7, medium >= 4, low } }",
                    raws({{"r100", 100}, {"r7", 7}, {"r6", 6.99}, {"r4", 4}, {"r3", 3.99}, {"neg", -5}}), "", T);
  EXPECT_EQ(r.text("r100", "s_tier"), "high");
  EXPECT_EQ(r.text("r7", "s_tier"), "high");
  EXPECT_EQ(r.text("r6", "s_tier"), "medium");
  EXPECT_EQ(r.text("r4", "s_tier"), "medium");
  EXPECT_EQ(r.text("r3", "s_tier"), "low");
  EXPECT_EQ(r.text("neg", "s_tier"), "low");
  EXPECT_FALSE(r.has_column("s"));  // no scale, no scaled column
}

TEST(Tiers, TiersUseTheScaledValueWhenTheScoreScales) {
  // linear 0..100 to 1..10: raw 55 -> 6 (medium, though 55 >= 7), 65 -> 7 (high),
  // 35 -> 4 (medium), 25 -> 3 (low).
  auto r = run_text(
      "event e { v: number }\nscore s { on e + v\n scale linear 0..100 to 1..10\n tiers { high >= 7, medium >= 4, low } }",
      raws({{"r55", 55}, {"r65", 65}, {"r35", 35}, {"r25", 25}}), "", T);
  EXPECT_EQ(r.text("r55", "s_tier"), "medium");
  EXPECT_EQ(r.text("r65", "s_tier"), "high");
  EXPECT_EQ(r.text("r35", "s_tier"), "medium");
  EXPECT_EQ(r.text("r25", "s_tier"), "low");
}

TEST(Tiers, RangeFormTiers) {
  // 1..10 with { low 1..3, medium 4..6, high 7..10 }:
  //   -3 -> 1 low; 25 -> 3 low; 35 -> 4 medium; 59.9 -> 1 + floor(5.99) = 6 medium;
  //   65 -> 7 high; 150 -> 10 high
  auto r = run_text(
      "event e { v: number }\nscore s { on e + v\n scale linear 0..100 to 1..10\n"
      " tiers { low 1..3, medium 4..6, high 7..10 } }",
      raws({{"neg", -3}, {"r25", 25}, {"r35", 35}, {"r59", 59.9}, {"r65", 65}, {"r150", 150}}), "", T);
  EXPECT_EQ(r.text("neg", "s_tier"), "low");
  EXPECT_EQ(r.text("r25", "s_tier"), "low");
  EXPECT_EQ(r.text("r35", "s_tier"), "medium");
  EXPECT_EQ(r.text("r59", "s_tier"), "medium");
  EXPECT_EQ(r.text("r65", "s_tier"), "high");
  EXPECT_EQ(r.text("r150", "s_tier"), "high");
  EXPECT_EQ(r.num("r59", "s"), 6.0);
}

TEST(Grades, PointsAndLetters) {
  //   cto:    software 20 + Paris 15 + CTO 10 = 45 -> A
  //   paris:  software 20 + Paris 15        = 35 -> B
  //   fin:    finance 20                    = 20 -> C
  //   retail: retail (not in list) + Paris  = 15 -> D
  //   none:   no industry -5                = -5 -> F
  const char* rules = R"(event e {}
profile { industry: string, city: string, title: string }
grade fit {
  when industry in ["software", "finance"] +20
  when city == "Paris" +15
  when title == "CTO" +10
  when not has(industry) -5
  letters { A >= 40, B >= 30, C >= 20, D >= 10, F }
})";
  auto r = run_text(rules, ev_at("cto", "e", T),
                    "user_id,industry,city,title\ncto,software,Paris,CTO\nparis,software,Paris,\nfin,finance,,\n"
                    "retail,retail,Paris,\nnone,,,\n",
                    T);
  EXPECT_EQ(r.num("cto", "fit_points"), 45.0);
  EXPECT_EQ(r.text("cto", "fit"), "A");
  EXPECT_EQ(r.num("paris", "fit_points"), 35.0);
  EXPECT_EQ(r.text("paris", "fit"), "B");
  EXPECT_EQ(r.num("fin", "fit_points"), 20.0);
  EXPECT_EQ(r.text("fin", "fit"), "C");
  EXPECT_EQ(r.num("retail", "fit_points"), 15.0);
  EXPECT_EQ(r.text("retail", "fit"), "D");
  EXPECT_EQ(r.num("none", "fit_points"), -5.0);
  EXPECT_EQ(r.text("none", "fit"), "F");
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
