// What a rule change does to the population: two result tables (the same input scored
// by an OLD and a NEW rule set) compared user by user, for `scorec diff`.
//
// Users are matched by id; every figure below is over the users present in both
// tables (the counts of the others are reported). Scores, grades and segments are
// matched by name; those in only one version are listed as added / removed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/result_table.h"

namespace scorec::report {

// What the diff needs to know about a rule set besides its result table: the names
// of its scores, grades and segments, and the declared order of tiers and letters
// (the order of the migration matrix's rows and columns).
struct ScoreMeta {
  std::string name;
  bool scaled = false;
  std::vector<std::string> tiers;  // declared order; empty: the score has no tiers
};
struct GradeMeta {
  std::string name;
  std::vector<std::string> letters;  // declared order
};
struct RulesMeta {
  std::vector<ScoreMeta> scores;
  std::vector<GradeMeta> grades;
  std::vector<std::string> segments;
};
RulesMeta describe(const ir::Program& program);

// The quantile of `sorted` (ascending, non-empty) at p in [0, 1], by linear
// interpolation between closest ranks (Hyndman & Fan type 7, NumPy's and R's
// default): h = (n - 1) * p, q = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
// p = 0 is the minimum, p = 1 the maximum, p = 0.5 the usual median.
double quantile(const std::vector<double>& sorted, double p);

// Mean and quantiles of a set of values (NaN values are left out). With no values,
// count is 0 and the other fields are meaningless.
struct Distribution {
  size_t count = 0;
  double mean = 0, min = 0, p10 = 0, p25 = 0, p50 = 0, p75 = 0, p90 = 0, max = 0;
};
Distribution distribution(std::vector<double> values);

// users[i][j]: how many users went from row label i (old) to column label j (new).
// Rows are the old version's labels in declared order, columns the new version's;
// a user with no label (null) counts under kNoLabel, a row / column present only
// when such a user exists.
inline constexpr const char* kNoLabel = "(none)";
struct Migration {
  std::vector<std::string> rows;  // old labels
  std::vector<std::string> cols;  // new labels
  std::vector<std::vector<size_t>> counts;
  size_t changed = 0;  // users whose label changed (by name)
};

struct Mover {
  std::string user;
  double old_raw = 0, new_raw = 0;
  std::optional<double> old_scaled, new_scaled;
  std::optional<std::string> old_tier, new_tier;
  double delta() const { return new_raw - old_raw; }
};

struct ScoreDiff {
  std::string name;
  bool old_tiers = false, new_tiers = false;
  std::optional<Migration> tiers;  // when both versions have tiers
  size_t raw_changed = 0;          // users whose raw score changed (by more than 1e-9)
  Distribution raw_old, raw_new;
  std::optional<Distribution> scaled_old, scaled_new;  // when that version scales
  std::vector<Mover> movers;  // the largest |new raw - old raw| first, ties by user id; no zero moves
};

struct GradeDiff {
  std::string name;
  Migration letters;
  Distribution points_old, points_new;
};

struct SegmentDiff {
  std::string name;
  size_t old_members = 0, new_members = 0;
  size_t entered = 0, left = 0;  // not in OLD but in NEW; in OLD but not in NEW
};

struct NamedCount {
  std::string name;
  size_t members = 0;  // segments: users in the segment in the version that has it
};

struct Diff {
  size_t users_old = 0, users_new = 0, users_matched = 0;
  std::vector<ScoreDiff> scores;  // in OLD's order
  std::vector<std::string> scores_added, scores_removed;
  std::vector<GradeDiff> grades;
  std::vector<std::string> grades_added, grades_removed;
  std::vector<SegmentDiff> segments;
  std::vector<NamedCount> segments_added, segments_removed;
};

struct DiffOptions {
  size_t top_movers = 10;
};

Diff diff_results(const runtime::ResultTable& old_table, const RulesMeta& old_meta,
                  const runtime::ResultTable& new_table, const RulesMeta& new_meta,
                  const DiffOptions& options = {});

// The gate of `scorec diff --max-tier-changes PCT`: one sentence for each score (tier)
// and grade (letter) whose share of changed users, among the users in both runs, is
// above `max_percent`; empty when the change stays within it.
std::vector<std::string> tier_change_violations(const Diff& d, double max_percent);

}  // namespace scorec::report
