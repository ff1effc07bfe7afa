#include "runtime/engine/finalize.h"

#include <algorithm>
#include <cmath>

#include "ir/semantics.h"
#include "runtime/engine/run_state.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

ResultColumn column(std::string name, ColumnKind kind, size_t rows) {
  ResultColumn c;
  c.name = std::move(name);
  c.kind = kind;
  if (kind == ColumnKind::Text) c.texts.resize(rows);
  else c.numbers.resize(rows);
  c.valid.assign(rows, 1);
  return c;
}

double raw_score(Engine& engine, RunState& run, int score, uint32_t user) {
  return run.user_state(user)[run.program.scores[score].raw_slot] + engine.score_terms(score, user, run);
}

}  // namespace

Population rank_population(Engine& engine, RunState& run) {
  const ir::Program& p = run.program;
  run.grow_state();
  Population pop;
  pop.users = run.users.size();
  pop.raw.resize(p.scores.size());
  pop.sorted.resize(p.scores.size());
  for (size_t s = 0; s < p.scores.size(); ++s) {
    if (p.scores[s].scale.kind != ir::ScaleKind::Percentile) continue;
    pop.raw[s].resize(pop.users);
    for (uint32_t u = 0; u < pop.users; ++u) pop.raw[s][u] = raw_score(engine, run, static_cast<int>(s), u);
    // A NaN raw score is null and is not ranked (nor would NaN sort).
    for (double v : pop.raw[s])
      if (!std::isnan(v)) pop.sorted[s].push_back(v);
    std::sort(pop.sorted[s].begin(), pop.sorted[s].end());
  }
  return pop;
}

void finalize_user(Engine& engine, RunState& run, const Population& pop, uint32_t u, UserRow& row) {
  const ir::Program& p = run.program;
  const size_t ns = p.scores.size(), ng = p.grades.size(), nseg = p.segments.size();
  row.raw.resize(ns);
  row.value.resize(ns);
  row.tier.assign(ns, -1);
  row.points.resize(ng);
  row.letter.assign(ng, -1);
  row.segments.assign(nseg, 0);
  for (size_t s = 0; s < ns; ++s) {
    const ir::Score& sc = p.scores[s];
    const bool ranked = !pop.raw[s].empty();
    double raw = ranked ? pop.raw[s][u] : raw_score(engine, run, static_cast<int>(s), u);
    row.raw[s] = raw;
    switch (sc.scale.kind) {
      case ir::ScaleKind::None: row.value[s] = raw; break;
      case ir::ScaleKind::Linear: row.value[s] = ir::linear_scale(raw, sc.scale.lo, sc.scale.hi, sc.scale.a, sc.scale.b); break;
      case ir::ScaleKind::Percentile: {
        // Users with equal raw scores share a scaled score: rank by those strictly lower,
        // among the users whose raw score is not null.
        const auto& sorted = pop.sorted[s];
        auto lower = static_cast<uint64_t>(std::lower_bound(sorted.begin(), sorted.end(), raw) - sorted.begin());
        row.value[s] = std::isnan(raw) ? raw : ir::percentile_scale(lower, sorted.size(), sc.scale.a, sc.scale.b);
        break;
      }
    }
    if (!sc.tiers.empty()) {
      int t = ir::tier_of(sc.tiers, row.value[s]);
      row.tier[s] = t >= 0 ? sc.tiers[t].name_string : -1;
    }
  }
  for (size_t g = 0; g < ng; ++g) {
    row.points[g] = engine.grade_points(static_cast<int>(g), u, run);
    int t = ir::tier_of(p.grades[g].letters, row.points[g]);
    row.letter[g] = t >= 0 ? p.grades[g].letters[t].name_string : -1;
  }
  UserOutputs out{row.raw.data(), row.value.data(), row.tier.data(), row.points.data(), row.letter.data(),
                  row.segments.data()};
  // Segments are evaluated in order, so each sees the ones above it.
  for (size_t k = 0; k < nseg; ++k) row.segments[k] = engine.segment(static_cast<int>(k), u, out, run) ? 1 : 0;
}

ResultTable finalize(Engine& engine, RunState& run) { return finalize(engine, run, rank_population(engine, run)); }

ResultTable finalize(Engine& engine, RunState& run, const Population& pop) {
  const ir::Program& p = run.program;
  const size_t n = pop.users;
  run.stats.null_raw_by_score.assign(p.scores.size(), 0);

  ResultTable table;
  table.user_ids.reserve(n);
  for (uint32_t u = 0; u < n; ++u) table.user_ids.emplace_back(run.users.id(u));
  // Column positions, in output order: per score raw, scaled, tier; per grade points,
  // letter; per segment a bool.
  struct Place {
    int raw = -1, value = -1, tier = -1;
  };
  std::vector<Place> score_col(p.scores.size());
  for (size_t s = 0; s < p.scores.size(); ++s) {
    const ir::Score& sc = p.scores[s];
    score_col[s].raw = static_cast<int>(table.columns.size());
    table.columns.push_back(column(sc.name + "_raw", ColumnKind::Number, n));
    if (sc.scale.kind != ir::ScaleKind::None) {
      score_col[s].value = static_cast<int>(table.columns.size());
      table.columns.push_back(column(sc.name, ColumnKind::Number, n));
    }
    if (!sc.tiers.empty()) {
      score_col[s].tier = static_cast<int>(table.columns.size());
      table.columns.push_back(column(sc.name + "_tier", ColumnKind::Text, n));
    }
  }
  const size_t grade_col = table.columns.size();
  for (const auto& g : p.grades) {
    table.columns.push_back(column(g.name + "_points", ColumnKind::Number, n));
    table.columns.push_back(column(g.name, ColumnKind::Text, n));
  }
  const size_t segment_col = table.columns.size();
  for (const auto& sg : p.segments) table.columns.push_back(column(sg.name, ColumnKind::Bool, n));

  auto set_text = [&](ResultColumn& c, size_t u, int string_id) {
    c.valid[u] = string_id >= 0;
    if (string_id >= 0) c.texts[u] = std::string(run.strings.get(static_cast<uint32_t>(string_id)));
  };
  // NaN (from +inf and -inf meeting in a sum) is null, as for any expression.
  auto set_number = [&](ResultColumn& c, size_t u, double v) {
    c.valid[u] = !std::isnan(v);
    c.numbers[u] = v;
  };
  UserRow row;
  for (uint32_t u = 0; u < n; ++u) {
    finalize_user(engine, run, pop, u, row);
    for (size_t s = 0; s < p.scores.size(); ++s) {
      set_number(table.columns[score_col[s].raw], u, row.raw[s]);
      run.stats.null_raw_by_score[s] += std::isnan(row.raw[s]);
      if (score_col[s].value >= 0) set_number(table.columns[score_col[s].value], u, row.value[s]);
      if (score_col[s].tier >= 0) set_text(table.columns[score_col[s].tier], u, row.tier[s]);
    }
    for (size_t g = 0; g < p.grades.size(); ++g) {
      set_number(table.columns[grade_col + 2 * g], u, row.points[g]);
      set_text(table.columns[grade_col + 2 * g + 1], u, row.letter[g]);
    }
    for (size_t k = 0; k < p.segments.size(); ++k) table.columns[segment_col + k].numbers[u] = row.segments[k];
  }
  return table;
}

}  // namespace scorec::runtime

namespace scorec::runtime {

void add_profile_columns(ResultTable& table, const RunState& run, const std::vector<int>& attrs) {
  const ir::Schema& schema = run.program.schema;
  std::vector<ResultColumn> added;
  for (int a : attrs) {
    const ir::AttrDecl& attr = schema.profile[static_cast<size_t>(a)];
    ResultColumn col;
    col.name = attr.name;
    const bool text = attr.type == ir::Type::String || attr.type == ir::Type::StringList || attr.type == ir::Type::Timestamp;
    col.kind = text ? ColumnKind::Text : attr.type == ir::Type::Bool ? ColumnKind::Bool : ColumnKind::Number;
    for (uint32_t u = 0; u < table.rows(); ++u) {
      const bool valid = run.profiles.valid(u, static_cast<size_t>(a));
      col.valid.push_back(valid ? 1 : 0);
      const double v = valid ? run.profiles.value(u, static_cast<size_t>(a)) : 0.0;
      if (!text) {
        col.numbers.push_back(v);
        continue;
      }
      std::string s;
      if (valid && attr.type == ir::Type::String) s = run.strings.get(static_cast<uint32_t>(v));
      if (valid && attr.type == ir::Type::Timestamp) s = format_iso8601(v);
      if (valid && attr.type == ir::Type::StringList)
        for (uint32_t item : run.lists.get(static_cast<uint32_t>(v))) s += (s.empty() ? "" : "|") + std::string(run.strings.get(item));
      col.texts.push_back(std::move(s));
    }
    added.push_back(std::move(col));
  }
  table.columns.insert(table.columns.begin(), std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
}

}  // namespace scorec::runtime
