// Phase 2 and 3 of a run: raw scores, scaling (percentile over the whole population),
// tiers, grades and segments, into the output table, or for one user.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/result_table.h"

namespace scorec::runtime {

// What one user's outputs need from everyone else: for each percentile-scaled score,
// every user's raw score (by user) and the same sorted.
struct Population {
  size_t users = 0;
  std::vector<std::vector<double>> raw;     // per score; empty unless percentile-scaled
  std::vector<std::vector<double>> sorted;  // per score; empty unless percentile-scaled
};
Population rank_population(Engine& engine, RunState& run);

// One user's outputs; tier and letter are string ids (-1: none).
struct UserRow {
  std::vector<double> raw, value;
  std::vector<int> tier;
  std::vector<double> points;
  std::vector<int> letter;
  std::vector<uint8_t> segments;
};
void finalize_user(Engine& engine, RunState& run, const Population& population, uint32_t user, UserRow& row);

ResultTable finalize(Engine& engine, RunState& run);
// With the population given: a run split into shards ranks each user among everyone
// (Population::sorted over all shards, Population::raw of this shard's users).
ResultTable finalize(Engine& engine, RunState& run, const Population& population);

}  // namespace scorec::runtime

namespace scorec::runtime {

// `scorec run --keep ATTR,...`: the users' values of these profile attributes as
// columns (text, numbers, bools; timestamps as ISO-8601, lists joined with `|`), in
// user-index order like the rest of the table, placed after the user id.
void add_profile_columns(ResultTable& table, const RunState& run, const std::vector<int>& attrs);

}  // namespace scorec::runtime
