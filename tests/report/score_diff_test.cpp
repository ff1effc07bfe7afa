// Unit tests of the diff itself (runtime/report/score_diff.h): expectations computed
// by hand on small hand-built result tables.
#include "runtime/report/score_diff.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "frontend/compiler.h"
#include "tests/report/table_builders.h"

namespace scorec::report {
namespace {

using namespace scorec::report::testing;
using Counts = std::vector<std::vector<size_t>>;
constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

// ----------------------------------------------------------------------------------
// Quantiles: linear interpolation between closest ranks (type 7):
// h = (n - 1) p, q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).

TEST(Quantile, LinearInterpolationBetweenRanks) {
  std::vector<double> x{1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile(x, 0.0), 1);
  EXPECT_DOUBLE_EQ(quantile(x, 0.25), 1.75);  // h = 0.75
  EXPECT_DOUBLE_EQ(quantile(x, 0.5), 2.5);    // h = 1.5: the usual even-n median
  EXPECT_DOUBLE_EQ(quantile(x, 0.9), 3.7);    // h = 2.7
  EXPECT_DOUBLE_EQ(quantile(x, 1.0), 4);
}

TEST(Quantile, FiveValues) {
  std::vector<double> x{10, 20, 30, 40, 50};
  EXPECT_DOUBLE_EQ(quantile(x, 0.10), 14);  // h = 0.4
  EXPECT_DOUBLE_EQ(quantile(x, 0.25), 20);  // h = 1: exactly a rank
  EXPECT_DOUBLE_EQ(quantile(x, 0.50), 30);
  EXPECT_DOUBLE_EQ(quantile(x, 0.75), 40);
  EXPECT_DOUBLE_EQ(quantile(x, 0.90), 46);  // h = 3.6
}

TEST(Quantile, SingleValueAndTies) {
  EXPECT_DOUBLE_EQ(quantile({5}, 0.1), 5);
  EXPECT_DOUBLE_EQ(quantile({5}, 0.9), 5);
  EXPECT_DOUBLE_EQ(quantile({2, 2, 2, 8}, 0.5), 2);
  EXPECT_DOUBLE_EQ(quantile({2, 2, 2, 8}, 0.9), 6.2);  // h = 2.7: 2 + 0.7 * 6
}

TEST(Distribution, MeanQuantilesAndNullsLeftOut) {
  auto d = distribution({3, 1, kNull, 2, 4, 0});
  EXPECT_EQ(d.count, 5u);
  EXPECT_DOUBLE_EQ(d.mean, 2);
  EXPECT_DOUBLE_EQ(d.min, 0);
  EXPECT_DOUBLE_EQ(d.max, 4);
  EXPECT_DOUBLE_EQ(d.p10, 0.4);  // sorted 0 1 2 3 4: h = 0.4
  EXPECT_DOUBLE_EQ(d.p25, 1);
  EXPECT_DOUBLE_EQ(d.p50, 2);
  EXPECT_DOUBLE_EQ(d.p75, 3);
  EXPECT_DOUBLE_EQ(d.p90, 3.6);
}

TEST(Distribution, Empty) {
  EXPECT_EQ(distribution({}).count, 0u);
  EXPECT_EQ(distribution({kNull}).count, 0u);
}

// ----------------------------------------------------------------------------------
// Migration matrices and user matching.

RulesMeta one_score(std::vector<std::string> tiers, bool scaled = false) {
  RulesMeta m;
  m.scores.push_back({"s", scaled, std::move(tiers)});
  return m;
}

TEST(ScoreDiff, TierMigrationMatrix) {
  //        a     b     c     d     e     f
  // old   hot   warm  cold  cold  warm  cold
  // new   hot   hot   warm  cold  cold  cold
  auto o = table({"a", "b", "c", "d", "e", "f"},
                 {num_col("s_raw", {9, 5, 1, 1, 5, 0}),
                  text_col("s_tier", {"hot", "warm", "cold", "cold", "warm", "cold"})});
  // NEW lists the users in another order: matching is by id, not by row.
  auto n = table({"f", "e", "d", "c", "b", "a"},
                 {num_col("s_raw", {0, 2, 1, 5, 8, 9}),
                  text_col("s_tier", {"cold", "cold", "cold", "warm", "hot", "hot"})});
  auto d = diff_results(o, one_score({"hot", "warm", "cold"}), n, one_score({"hot", "warm", "cold"}));
  ASSERT_EQ(d.scores.size(), 1u);
  const auto& s = d.scores[0];
  ASSERT_TRUE(s.tiers);
  EXPECT_EQ(s.tiers->rows, (std::vector<std::string>{"hot", "warm", "cold"}));
  EXPECT_EQ(s.tiers->cols, (std::vector<std::string>{"hot", "warm", "cold"}));
  EXPECT_EQ(s.tiers->counts, (Counts{{1, 0, 0}, {1, 0, 1}, {0, 1, 2}}));
  EXPECT_EQ(s.tiers->changed, 3u);  // b, c, e
  EXPECT_EQ(s.raw_changed, 3u);     // b +3, c +4, e -3
  EXPECT_EQ(d.users_matched, 6u);
}

TEST(ScoreDiff, UsersInOnlyOneRunAreCountedAndLeftOut) {
  auto o = table({"a", "b", "old_only"}, {num_col("s_raw", {1, 2, 100})});
  auto n = table({"new_only", "b", "a"}, {num_col("s_raw", {-100, 2, 1})});
  auto d = diff_results(o, one_score({}), n, one_score({}));
  EXPECT_EQ(d.users_old, 3u);
  EXPECT_EQ(d.users_new, 3u);
  EXPECT_EQ(d.users_matched, 2u);
  const auto& s = d.scores[0];
  EXPECT_FALSE(s.tiers);
  EXPECT_EQ(s.raw_changed, 0u);
  EXPECT_TRUE(s.movers.empty());
  EXPECT_EQ(s.raw_old.count, 2u);
  EXPECT_DOUBLE_EQ(s.raw_old.max, 2);
  EXPECT_DOUBLE_EQ(s.raw_new.min, 1);
}

TEST(ScoreDiff, RenamedTiersUseEachVersionsOrder) {
  auto o = table({"a", "b", "c"}, {num_col("s_raw", {9, 5, 1}), text_col("s_tier", {"hot", "cold", "cold"})});
  auto n = table({"a", "b", "c"}, {num_col("s_raw", {9, 5, 1}), text_col("s_tier", {"high", "mid", "low"})});
  auto d = diff_results(o, one_score({"hot", "cold"}), n, one_score({"high", "mid", "low"}));
  const auto& m = *d.scores[0].tiers;
  EXPECT_EQ(m.rows, (std::vector<std::string>{"hot", "cold"}));
  EXPECT_EQ(m.cols, (std::vector<std::string>{"high", "mid", "low"}));
  EXPECT_EQ(m.counts, (Counts{{1, 0, 0}, {0, 1, 1}}));
  EXPECT_EQ(m.changed, 3u);  // by name, every user changed
}

TEST(ScoreDiff, NullTierGetsItsOwnRowOrColumn) {
  auto o = table({"a", "b"}, {num_col("s_raw", {1, 2}), text_col("s_tier", {std::nullopt, "low"})});
  auto n = table({"a", "b"}, {num_col("s_raw", {1, 2}), text_col("s_tier", {"low", "low"})});
  auto d = diff_results(o, one_score({"high", "low"}), n, one_score({"high", "low"}));
  const auto& m = *d.scores[0].tiers;
  EXPECT_EQ(m.rows, (std::vector<std::string>{"high", "low", kNoLabel}));
  EXPECT_EQ(m.cols, (std::vector<std::string>{"high", "low"}));
  EXPECT_EQ(m.counts, (Counts{{0, 0}, {0, 1}, {0, 1}}));
  EXPECT_EQ(m.changed, 1u);
}

TEST(ScoreDiff, TiersInOnlyOneVersionGiveNoMatrix) {
  auto o = table({"a"}, {num_col("s_raw", {1}), text_col("s_tier", {"low"})});
  auto n = table({"a"}, {num_col("s_raw", {1})});
  auto d = diff_results(o, one_score({"low"}), n, one_score({}));
  EXPECT_TRUE(d.scores[0].old_tiers);
  EXPECT_FALSE(d.scores[0].new_tiers);
  EXPECT_FALSE(d.scores[0].tiers);
}

TEST(ScoreDiff, BiggestMoversByAbsoluteChangeTiesByUserId) {
  // changes: a +1, b -5, c +5, d 0, e +1e-12 (no change as shown), f +3, g -5
  auto o = table({"g", "f", "e", "d", "c", "b", "a"},
                 {num_col("s_raw", {10, 0, 1, 4, 0, 5, 0}), num_col("s", {2, 1, 1, 1, 1, 2, 1}),
                  text_col("s_tier", {"hi", "lo", "lo", "lo", "lo", "hi", "lo"})});
  auto n = table({"a", "b", "c", "d", "e", "f", "g"},
                 {num_col("s_raw", {1, 0, 5, 4, 1 + 1e-12, 3, 5}), num_col("s", {1, 1, 2, 1, 1, 1, 2}),
                  text_col("s_tier", {"lo", "lo", "hi", "lo", "lo", "lo", "hi"})});
  DiffOptions opt;
  opt.top_movers = 4;
  auto d = diff_results(o, one_score({"hi", "lo"}, true), n, one_score({"hi", "lo"}, true), opt);
  const auto& s = d.scores[0];
  EXPECT_EQ(s.raw_changed, 5u);  // a b c f g
  ASSERT_EQ(s.movers.size(), 4u);
  EXPECT_EQ(s.movers[0].user, "b");  // |5|, ties by id: b c g
  EXPECT_EQ(s.movers[1].user, "c");
  EXPECT_EQ(s.movers[2].user, "g");
  EXPECT_EQ(s.movers[3].user, "f");  // |3|
  EXPECT_DOUBLE_EQ(s.movers[0].old_raw, 5);
  EXPECT_DOUBLE_EQ(s.movers[0].new_raw, 0);
  EXPECT_DOUBLE_EQ(s.movers[0].delta(), -5);
  EXPECT_EQ(s.movers[0].old_scaled, 2.0);
  EXPECT_EQ(s.movers[0].new_scaled, 1.0);
  EXPECT_EQ(s.movers[0].old_tier, "hi");
  EXPECT_EQ(s.movers[0].new_tier, "lo");
  ASSERT_TRUE(s.scaled_old && s.scaled_new);
  EXPECT_EQ(s.scaled_old->count, 7u);
  EXPECT_DOUBLE_EQ(s.scaled_old->mean, 9.0 / 7);
}

TEST(ScoreDiff, AddedAndRemovedByName) {
  RulesMeta om, nm;
  om.scores = {{"kept", false, {}}, {"gone", false, {}}};
  nm.scores = {{"fresh", false, {}}, {"kept", false, {}}};
  om.grades = {{"fit", {"A", "B"}}};
  nm.grades = {{"fit2", {"A", "B"}}};
  om.segments = {"same", "old_seg"};
  nm.segments = {"new_seg", "same"};
  auto o = table({"a", "b", "c"}, {num_col("kept_raw", {1, 2, 3}), num_col("gone_raw", {0, 0, 0}),
                                   num_col("fit_points", {1, 1, 1}), text_col("fit", {"A", "A", "B"}),
                                   bool_col("same", {1, 1, 0}), bool_col("old_seg", {1, 0, 1})});
  auto n = table({"a", "b", "c"}, {num_col("fresh_raw", {0, 0, 0}), num_col("kept_raw", {1, 2, 3}),
                                   num_col("fit2_points", {1, 1, 1}), text_col("fit2", {"A", "A", "B"}),
                                   bool_col("new_seg", {0, 0, 1}), bool_col("same", {0, 1, 1})});
  auto d = diff_results(o, om, n, nm);
  ASSERT_EQ(d.scores.size(), 1u);
  EXPECT_EQ(d.scores[0].name, "kept");
  EXPECT_EQ(d.scores_added, std::vector<std::string>{"fresh"});
  EXPECT_EQ(d.scores_removed, std::vector<std::string>{"gone"});
  EXPECT_TRUE(d.grades.empty());
  EXPECT_EQ(d.grades_added, std::vector<std::string>{"fit2"});
  EXPECT_EQ(d.grades_removed, std::vector<std::string>{"fit"});
  ASSERT_EQ(d.segments.size(), 1u);
  EXPECT_EQ(d.segments[0].name, "same");
  EXPECT_EQ(d.segments[0].old_members, 2u);
  EXPECT_EQ(d.segments[0].new_members, 2u);
  EXPECT_EQ(d.segments[0].entered, 1u);  // c
  EXPECT_EQ(d.segments[0].left, 1u);     // a
  ASSERT_EQ(d.segments_added.size(), 1u);
  EXPECT_EQ(d.segments_added[0].name, "new_seg");
  EXPECT_EQ(d.segments_added[0].members, 1u);
  ASSERT_EQ(d.segments_removed.size(), 1u);
  EXPECT_EQ(d.segments_removed[0].name, "old_seg");
  EXPECT_EQ(d.segments_removed[0].members, 2u);
}

TEST(GradeDiff, LetterMigrationAndPoints) {
  RulesMeta m;
  m.grades = {{"fit", {"A", "B", "C", "F"}}};
  auto o = table({"a", "b", "c", "d"}, {num_col("fit_points", {40, 30, 20, 0}), text_col("fit", {"A", "B", "C", "F"})});
  auto n = table({"a", "b", "c", "d"}, {num_col("fit_points", {30, 30, 30, 10}), text_col("fit", {"B", "B", "B", "F"})});
  auto d = diff_results(o, m, n, m);
  ASSERT_EQ(d.grades.size(), 1u);
  const auto& g = d.grades[0];
  EXPECT_EQ(g.letters.counts, (Counts{{0, 1, 0, 0}, {0, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}}));
  EXPECT_EQ(g.letters.changed, 2u);
  EXPECT_DOUBLE_EQ(g.points_old.mean, 22.5);
  EXPECT_DOUBLE_EQ(g.points_new.mean, 25);
  EXPECT_DOUBLE_EQ(g.points_new.p50, 30);
}

// ----------------------------------------------------------------------------------
// The metadata comes from the compiled program: declared tier and letter order.

TEST(Describe, DeclaredOrderOfTiersAndLetters) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto p = frontend::compile_string(R"(
    event e { }
    profile { industry: string }
    score plain { on e +1 }
    score scaled {
      on e +1
      scale linear 0..10 to 1..5
      tiers { top >= 4, middle >= 2, bottom }
    }
    grade fit {
      when industry == "software" +20
      letters { A >= 20, B >= 10, F }
    }
    segment busy = count(e) >= 3
  )", "meta.score", sources, diags);
  ASSERT_TRUE(p) << "rules did not compile";
  auto m = describe(*p);
  ASSERT_EQ(m.scores.size(), 2u);
  EXPECT_EQ(m.scores[0].name, "plain");
  EXPECT_FALSE(m.scores[0].scaled);
  EXPECT_TRUE(m.scores[0].tiers.empty());
  EXPECT_EQ(m.scores[1].name, "scaled");
  EXPECT_TRUE(m.scores[1].scaled);
  EXPECT_EQ(m.scores[1].tiers, (std::vector<std::string>{"top", "middle", "bottom"}));
  ASSERT_EQ(m.grades.size(), 1u);
  EXPECT_EQ(m.grades[0].letters, (std::vector<std::string>{"A", "B", "F"}));
  EXPECT_EQ(m.segments, std::vector<std::string>{"busy"});
}

}  // namespace
}  // namespace scorec::report
