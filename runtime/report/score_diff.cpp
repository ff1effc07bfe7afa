#include "runtime/report/score_diff.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "support/text.h"

namespace scorec::report {
namespace {

using runtime::ColumnKind;
using runtime::ResultColumn;
using runtime::ResultTable;

// Values as the output shows them (6 decimals): two values that print the same are
// the same, so a difference of 1e-12 between engines is no change and no reordering.
double shown(double v) { return std::round(v * 1e6); }

const ResultColumn* find_column(const ResultTable& t, const std::string& name, ColumnKind kind) {
  for (const auto& c : t.columns)
    if (c.name == name && c.kind == kind) return &c;
  return nullptr;
}

std::optional<double> number_at(const ResultColumn* c, size_t row) {
  if (!c || !c->valid[row] || std::isnan(c->numbers[row])) return std::nullopt;
  return c->numbers[row];
}

std::optional<std::string> text_at(const ResultColumn* c, size_t row) {
  if (!c || !c->valid[row]) return std::nullopt;
  return c->texts[row];
}

template <class T>
const T* find_named(const std::vector<T>& v, const std::string& name) {
  for (const auto& x : v)
    if (x.name == name) return &x;
  return nullptr;
}

// The pairs (old row, new row) of the users in both tables, in OLD's row order.
std::vector<std::pair<size_t, size_t>> match_users(const ResultTable& a, const ResultTable& b) {
  std::unordered_map<std::string_view, size_t> in_b;
  in_b.reserve(b.rows());
  for (size_t r = 0; r < b.rows(); ++r) in_b.emplace(b.user_ids[r], r);
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t r = 0; r < a.rows(); ++r)
    if (auto it = in_b.find(a.user_ids[r]); it != in_b.end()) pairs.emplace_back(r, it->second);
  return pairs;
}

// Declared labels first; labels the declaration does not name (not expected) after
// them, sorted; the null label last, when some user has it.
std::vector<std::string> axis(const std::vector<std::string>& declared, const std::set<std::string>& seen, bool null_seen) {
  std::vector<std::string> out = declared;
  for (const auto& s : seen)
    if (std::find(declared.begin(), declared.end(), s) == declared.end()) out.push_back(s);
  if (null_seen) out.push_back(kNoLabel);
  return out;
}

Migration migration(const std::vector<std::pair<size_t, size_t>>& pairs, const ResultColumn* old_col,
                    const std::vector<std::string>& old_declared, const ResultColumn* new_col,
                    const std::vector<std::string>& new_declared) {
  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> labels;
  labels.reserve(pairs.size());
  std::set<std::string> seen_old, seen_new;
  bool null_old = false, null_new = false;
  for (auto [ro, rn] : pairs) {
    auto a = text_at(old_col, ro), b = text_at(new_col, rn);
    if (a) seen_old.insert(*a);
    else null_old = true;
    if (b) seen_new.insert(*b);
    else null_new = true;
    labels.emplace_back(std::move(a), std::move(b));
  }
  Migration m;
  m.rows = axis(old_declared, seen_old, null_old);
  m.cols = axis(new_declared, seen_new, null_new);
  m.counts.assign(m.rows.size(), std::vector<size_t>(m.cols.size(), 0));
  auto index = [](const std::vector<std::string>& axis, const std::optional<std::string>& label) {
    const std::string& key = label ? *label : std::string(kNoLabel);
    return static_cast<size_t>(std::find(axis.begin(), axis.end(), key) - axis.begin());
  };
  for (const auto& [a, b] : labels) {
    m.counts[index(m.rows, a)][index(m.cols, b)]++;
    if (a != b) m.changed++;
  }
  return m;
}

std::vector<double> gather(const std::vector<std::pair<size_t, size_t>>& pairs, const ResultColumn* c, bool old_side) {
  std::vector<double> v;
  if (!c) return v;
  v.reserve(pairs.size());
  for (auto [ro, rn] : pairs)
    if (auto x = number_at(c, old_side ? ro : rn)) v.push_back(*x);
  return v;
}

ScoreDiff score_diff(const std::vector<std::pair<size_t, size_t>>& pairs, const ResultTable& ot, const ScoreMeta& om,
                     const ResultTable& nt, const ScoreMeta& nm, const DiffOptions& options) {
  ScoreDiff d;
  d.name = om.name;
  d.old_tiers = !om.tiers.empty();
  d.new_tiers = !nm.tiers.empty();
  const ResultColumn* oraw = find_column(ot, om.name + "_raw", ColumnKind::Number);
  const ResultColumn* nraw = find_column(nt, nm.name + "_raw", ColumnKind::Number);
  const ResultColumn* oval = om.scaled ? find_column(ot, om.name, ColumnKind::Number) : nullptr;
  const ResultColumn* nval = nm.scaled ? find_column(nt, nm.name, ColumnKind::Number) : nullptr;
  const ResultColumn* otier = d.old_tiers ? find_column(ot, om.name + "_tier", ColumnKind::Text) : nullptr;
  const ResultColumn* ntier = d.new_tiers ? find_column(nt, nm.name + "_tier", ColumnKind::Text) : nullptr;

  if (d.old_tiers && d.new_tiers) d.tiers = migration(pairs, otier, om.tiers, ntier, nm.tiers);
  d.raw_old = distribution(gather(pairs, oraw, true));
  d.raw_new = distribution(gather(pairs, nraw, false));
  if (om.scaled) d.scaled_old = distribution(gather(pairs, oval, true));
  if (nm.scaled) d.scaled_new = distribution(gather(pairs, nval, false));

  std::vector<Mover> movers;
  for (auto [ro, rn] : pairs) {
    auto a = number_at(oraw, ro), b = number_at(nraw, rn);
    if (!a || !b || shown(*a) == shown(*b)) continue;
    d.raw_changed++;
    Mover m;
    m.user = ot.user_ids[ro];
    m.old_raw = *a;
    m.new_raw = *b;
    m.old_scaled = number_at(oval, ro);
    m.new_scaled = number_at(nval, rn);
    m.old_tier = text_at(otier, ro);
    m.new_tier = text_at(ntier, rn);
    movers.push_back(std::move(m));
  }
  auto by_size = [](const Mover& x, const Mover& y) {
    double dx = std::abs(shown(x.new_raw) - shown(x.old_raw)), dy = std::abs(shown(y.new_raw) - shown(y.old_raw));
    if (dx != dy) return dx > dy;
    return x.user < y.user;
  };
  size_t keep = std::min(options.top_movers, movers.size());
  std::partial_sort(movers.begin(), movers.begin() + static_cast<std::ptrdiff_t>(keep), movers.end(), by_size);
  movers.resize(keep);
  d.movers = std::move(movers);
  return d;
}

}  // namespace

RulesMeta describe(const ir::Program& program) {
  RulesMeta m;
  for (const auto& s : program.scores) {
    ScoreMeta sm;
    sm.name = s.name;
    sm.scaled = s.scale.kind != ir::ScaleKind::None;
    for (const auto& t : s.tiers) sm.tiers.push_back(t.name);
    m.scores.push_back(std::move(sm));
  }
  for (const auto& g : program.grades) {
    GradeMeta gm;
    gm.name = g.name;
    for (const auto& l : g.letters) gm.letters.push_back(l.name);
    m.grades.push_back(std::move(gm));
  }
  for (const auto& s : program.segments) m.segments.push_back(s.name);
  return m;
}

double quantile(const std::vector<double>& sorted, double p) {
  const size_t n = sorted.size();
  if (n == 1) return sorted[0];
  double h = static_cast<double>(n - 1) * std::clamp(p, 0.0, 1.0);
  auto lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= n) return sorted[n - 1];
  double frac = h - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

Distribution distribution(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  // Summed in sorted order, so the mean does not depend on the users' row order.
  double sum = 0;
  for (double v : values) sum += v;
  d.mean = sum / static_cast<double>(values.size());
  d.min = values.front();
  d.max = values.back();
  d.p10 = quantile(values, 0.10);
  d.p25 = quantile(values, 0.25);
  d.p50 = quantile(values, 0.50);
  d.p75 = quantile(values, 0.75);
  d.p90 = quantile(values, 0.90);
  return d;
}

Diff diff_results(const ResultTable& ot, const RulesMeta& om, const ResultTable& nt, const RulesMeta& nm,
                  const DiffOptions& options) {
  Diff d;
  d.users_old = ot.rows();
  d.users_new = nt.rows();
  auto pairs = match_users(ot, nt);
  d.users_matched = pairs.size();

  for (const auto& s : om.scores) {
    if (const ScoreMeta* n = find_named(nm.scores, s.name)) d.scores.push_back(score_diff(pairs, ot, s, nt, *n, options));
    else d.scores_removed.push_back(s.name);
  }
  for (const auto& s : nm.scores)
    if (!find_named(om.scores, s.name)) d.scores_added.push_back(s.name);

  for (const auto& g : om.grades) {
    const GradeMeta* n = find_named(nm.grades, g.name);
    if (!n) {
      d.grades_removed.push_back(g.name);
      continue;
    }
    GradeDiff gd;
    gd.name = g.name;
    gd.letters = migration(pairs, find_column(ot, g.name, ColumnKind::Text), g.letters,
                           find_column(nt, g.name, ColumnKind::Text), n->letters);
    gd.points_old = distribution(gather(pairs, find_column(ot, g.name + "_points", ColumnKind::Number), true));
    gd.points_new = distribution(gather(pairs, find_column(nt, g.name + "_points", ColumnKind::Number), false));
    d.grades.push_back(std::move(gd));
  }
  for (const auto& g : nm.grades)
    if (!find_named(om.grades, g.name)) d.grades_added.push_back(g.name);

  auto member = [](const ResultColumn* c, size_t row) { return c && c->valid[row] && c->numbers[row] != 0; };
  auto members = [&](const ResultColumn* c, bool old_side) {
    size_t k = 0;
    for (auto [ro, rn] : pairs) k += member(c, old_side ? ro : rn);
    return k;
  };
  for (const auto& s : om.segments) {
    const ResultColumn* oc = find_column(ot, s, ColumnKind::Bool);
    if (std::find(nm.segments.begin(), nm.segments.end(), s) == nm.segments.end()) {
      d.segments_removed.push_back({s, members(oc, true)});
      continue;
    }
    const ResultColumn* nc = find_column(nt, s, ColumnKind::Bool);
    SegmentDiff sd;
    sd.name = s;
    for (auto [ro, rn] : pairs) {
      bool a = member(oc, ro), b = member(nc, rn);
      sd.old_members += a;
      sd.new_members += b;
      sd.entered += !a && b;
      sd.left += a && !b;
    }
    d.segments.push_back(std::move(sd));
  }
  for (const auto& s : nm.segments)
    if (std::find(om.segments.begin(), om.segments.end(), s) == om.segments.end())
      d.segments_added.push_back({s, members(find_column(nt, s, ColumnKind::Bool), false)});
  return d;
}

std::vector<std::string> tier_change_violations(const Diff& d, double max_percent) {
  std::vector<std::string> out;
  if (d.users_matched == 0) return out;
  auto check = [&](const char* kind, const char* label, const std::string& name, size_t changed) {
    double percent = 100.0 * static_cast<double>(changed) / static_cast<double>(d.users_matched);
    if (percent > max_percent)
      out.push_back(fmt::format("{} of {} users ({:.1f}%) changed {} of {} '{}', more than --max-tier-changes {}%",
                                changed, d.users_matched, percent, label, kind, name, format_number(max_percent)));
  };
  for (const auto& s : d.scores)
    if (s.tiers) check("score", "tier", s.name, s.tiers->changed);
  for (const auto& g : d.grades) check("grade", "letter", g.name, g.letters.changed);
  return out;
}

}  // namespace scorec::report
