#include "runtime/engine/finalize.h"

#include <algorithm>

#include "ir/semantics.h"

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

// Scaled scores by percentile rank: users with equal raw scores share a scaled score.
std::vector<double> percentile(const std::vector<double>& raw, const ir::Scale& s) {
  std::vector<double> sorted = raw;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> out(raw.size());
  for (size_t u = 0; u < raw.size(); ++u) {
    uint64_t lower = static_cast<uint64_t>(std::lower_bound(sorted.begin(), sorted.end(), raw[u]) - sorted.begin());
    out[u] = ir::percentile_scale(lower, raw.size(), s.a, s.b);
  }
  return out;
}

}  // namespace

ResultTable finalize(Engine& engine, RunState& run) {
  const ir::Program& p = run.program;
  run.grow_state();
  const size_t n = run.users.size();
  const size_t ns = p.scores.size(), ng = p.grades.size(), nseg = p.segments.size();

  std::vector<std::vector<double>> raw(ns, std::vector<double>(n)), value(ns);
  std::vector<std::vector<int>> tier(ns, std::vector<int>(n, -1));
  for (size_t s = 0; s < ns; ++s) {
    const ir::Score& sc = p.scores[s];
    for (uint32_t u = 0; u < n; ++u) raw[s][u] = run.user_state(u)[sc.raw_slot] + engine.score_terms(static_cast<int>(s), u, run);
    switch (sc.scale.kind) {
      case ir::ScaleKind::None: value[s] = raw[s]; break;
      case ir::ScaleKind::Linear:
        value[s].resize(n);
        for (size_t u = 0; u < n; ++u) value[s][u] = ir::linear_scale(raw[s][u], sc.scale.lo, sc.scale.hi, sc.scale.a, sc.scale.b);
        break;
      case ir::ScaleKind::Percentile: value[s] = percentile(raw[s], sc.scale); break;
    }
    if (!sc.tiers.empty())
      for (size_t u = 0; u < n; ++u) {
        int t = ir::tier_of(sc.tiers, value[s][u]);
        tier[s][u] = t >= 0 ? sc.tiers[t].name_string : -1;
      }
  }
  std::vector<std::vector<double>> points(ng, std::vector<double>(n));
  std::vector<std::vector<int>> letter(ng, std::vector<int>(n, -1));
  for (size_t g = 0; g < ng; ++g) {
    for (uint32_t u = 0; u < n; ++u) {
      points[g][u] = engine.grade_points(static_cast<int>(g), u, run);
      int t = ir::tier_of(p.grades[g].letters, points[g][u]);
      letter[g][u] = t >= 0 ? p.grades[g].letters[t].name_string : -1;
    }
  }
  std::vector<std::vector<uint8_t>> seg(nseg, std::vector<uint8_t>(n));
  {
    std::vector<double> r(ns), v(ns), pts(ng);
    std::vector<int> t(ns), l(ng);
    std::vector<uint8_t> sg(nseg);
    UserOutputs out{r.data(), v.data(), t.data(), pts.data(), l.data(), sg.data()};
    for (uint32_t u = 0; u < n && nseg > 0; ++u) {
      for (size_t s = 0; s < ns; ++s) {
        r[s] = raw[s][u];
        v[s] = value[s][u];
        t[s] = tier[s][u];
      }
      for (size_t g = 0; g < ng; ++g) {
        pts[g] = points[g][u];
        l[g] = letter[g][u];
      }
      // Segments are evaluated in order, so each sees the ones above it.
      for (size_t k = 0; k < nseg; ++k) {
        sg[k] = engine.segment(static_cast<int>(k), u, out, run) ? 1 : 0;
        seg[k][u] = sg[k];
      }
    }
  }

  ResultTable table;
  table.user_ids.reserve(n);
  for (uint32_t u = 0; u < n; ++u) table.user_ids.emplace_back(run.users.id(u));
  auto name_of = [&](int string_id) { return string_id >= 0 ? std::string(run.strings.get(static_cast<uint32_t>(string_id))) : std::string(); };
  for (size_t s = 0; s < ns; ++s) {
    const ir::Score& sc = p.scores[s];
    auto c = column(sc.name + "_raw", ColumnKind::Number, n);
    c.numbers = raw[s];
    table.columns.push_back(std::move(c));
    if (sc.scale.kind != ir::ScaleKind::None) {
      auto v = column(sc.name, ColumnKind::Number, n);
      v.numbers = value[s];
      table.columns.push_back(std::move(v));
    }
    if (!sc.tiers.empty()) {
      auto t = column(sc.name + "_tier", ColumnKind::Text, n);
      for (size_t u = 0; u < n; ++u) {
        t.texts[u] = name_of(tier[s][u]);
        t.valid[u] = tier[s][u] >= 0;
      }
      table.columns.push_back(std::move(t));
    }
  }
  for (size_t g = 0; g < ng; ++g) {
    auto c = column(p.grades[g].name + "_points", ColumnKind::Number, n);
    c.numbers = points[g];
    table.columns.push_back(std::move(c));
    auto l = column(p.grades[g].name, ColumnKind::Text, n);
    for (size_t u = 0; u < n; ++u) {
      l.texts[u] = name_of(letter[g][u]);
      l.valid[u] = letter[g][u] >= 0;
    }
    table.columns.push_back(std::move(l));
  }
  for (size_t k = 0; k < nseg; ++k) {
    auto c = column(p.segments[k].name, ColumnKind::Bool, n);
    for (size_t u = 0; u < n; ++u) c.numbers[u] = seg[k][u];
    table.columns.push_back(std::move(c));
  }
  return table;
}

}  // namespace scorec::runtime
