#include "runtime/report/diff_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

#include "support/json.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::report {
namespace {

// ---------------------------------------------------------------------------------
// Text (Markdown)

// Characters as a terminal shows them: UTF-8 continuation bytes take no column.
size_t display_width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

// A table cell's text: a '|' would end the cell, so it is escaped.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string code(const std::string& name) { return "`" + name + "`"; }

std::string num(double v) { return format_number(v); }
std::string count(size_t v) { return std::to_string(v); }
std::string signed_num(double v) {
  std::string s = format_number(v);
  return (s != "0" && s[0] != '-' && s != "nan") ? "+" + s : s;
}
std::string plural(size_t n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

// A Markdown table padded so it also reads aligned as plain text. The first column is
// left-aligned, the others right-aligned unless `left` says otherwise.
struct Table {
  std::vector<std::string> header;
  std::vector<bool> left;
  std::vector<std::vector<std::string>> rows;

  explicit Table(std::vector<std::string> h) : header(std::move(h)), left(header.size(), false) {
    for (auto& c : header) c = cell(c);
    if (!left.empty()) left[0] = true;
  }
  void add(std::vector<std::string> row) {
    for (auto& c : row) c = cell(c);
    rows.push_back(std::move(row));
  }
  std::string render() const {
    std::vector<size_t> w(header.size(), 3);
    for (size_t i = 0; i < header.size(); ++i) w[i] = std::max(w[i], display_width(header[i]));
    for (const auto& r : rows)
      for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], display_width(r[i]));
    auto pad = [&](const std::string& s, size_t i) {
      std::string fill(w[i] - display_width(s), ' ');
      return left[i] ? s + fill : fill + s;
    };
    std::string out;
    auto line = [&](const std::vector<std::string>& r) {
      out += "|";
      for (size_t i = 0; i < r.size(); ++i) out += " " + pad(r[i], i) + " |";
      out += "\n";
    };
    line(header);
    out += "|";
    for (size_t i = 0; i < header.size(); ++i)
      out += " " + (left[i] ? ":" + std::string(w[i] - 1, '-') : std::string(w[i] - 1, '-') + ":") + " |";
    out += "\n";
    for (const auto& r : rows) line(r);
    return out;
  }
};

std::string matrix_text(const Migration& m, const char* what) {
  Table t([&] {
    std::vector<std::string> h{fmt::format("old {} \\ new", what)};
    h.insert(h.end(), m.cols.begin(), m.cols.end());
    h.push_back("total");
    return h;
  }());
  std::vector<size_t> col_totals(m.cols.size(), 0);
  size_t all = 0;
  for (size_t i = 0; i < m.rows.size(); ++i) {
    std::vector<std::string> r{m.rows[i]};
    size_t row_total = 0;
    for (size_t j = 0; j < m.cols.size(); ++j) {
      r.push_back(count(m.counts[i][j]));
      row_total += m.counts[i][j];
      col_totals[j] += m.counts[i][j];
    }
    all += row_total;
    r.push_back(count(row_total));
    t.add(std::move(r));
  }
  std::vector<std::string> r{"total"};
  for (size_t c : col_totals) r.push_back(count(c));
  r.push_back(count(all));
  t.add(std::move(r));
  return t.render();
}

std::vector<double> fields(const Distribution& d) { return {d.mean, d.min, d.p10, d.p25, d.p50, d.p75, d.p90, d.max}; }

void distribution_rows(Table& t, const std::string& what, const std::optional<Distribution>& o,
                       const std::optional<Distribution>& n) {
  auto row = [&](const std::string& label, const std::optional<Distribution>& d) {
    std::vector<std::string> r{label};
    for (double v : fields(*d)) r.push_back(d->count ? num(v) : "-");
    t.add(std::move(r));
  };
  if (o) row(what + " old", o);
  if (n) row(what + " new", n);
  if (o && n && o->count && n->count) {
    std::vector<std::string> r{what + " change"};
    auto a = fields(*o), b = fields(*n);
    for (size_t i = 0; i < a.size(); ++i) r.push_back(signed_num(b[i] - a[i]));
    t.add(std::move(r));
  }
}

Table distribution_table() { return Table({"", "mean", "min", "p10", "p25", "p50", "p75", "p90", "max"}); }

std::string opt_num(const std::optional<double>& v) { return v ? num(*v) : "-"; }
std::string opt_text(const std::optional<std::string>& v) { return v ? *v : "-"; }

void score_text(std::string& out, const ScoreDiff& s, size_t users, size_t top) {
  out += fmt::format("### Score {}\n\n", code(s.name));
  std::string tiers;
  if (s.tiers) tiers = fmt::format("{} changed tier", count(s.tiers->changed));
  else if (s.old_tiers) tiers = "tiers removed";
  else if (s.new_tiers) tiers = "tiers added";
  out += fmt::format("{}: {} changed raw score{}.\n\n", plural(users, "user", "users"), count(s.raw_changed),
                     tiers.empty() ? "" : ", " + tiers);
  if (s.tiers) {
    out += "Tier migration (rows: old tier, columns: new tier):\n\n";
    out += matrix_text(*s.tiers, "tier");
    out += "\n";
  }
  out += "Distribution:\n\n";
  Table t = distribution_table();
  distribution_rows(t, "raw", s.raw_old, s.raw_new);
  distribution_rows(t, "scaled", s.scaled_old, s.scaled_new);
  out += t.render();
  out += "\n";
  if (s.movers.empty()) {
    out += "No user's raw score changed.\n\n";
    return;
  }
  out += fmt::format("Biggest movers (top {} by |raw change|):\n\n", top);
  bool scaled = s.scaled_old || s.scaled_new, tiered = s.old_tiers || s.new_tiers;
  std::vector<std::string> h{"user", "raw old", "raw new", "raw change"};
  if (scaled) h.insert(h.end(), {"scaled old", "scaled new"});
  if (tiered) h.insert(h.end(), {"tier old", "tier new"});
  Table m(h);
  for (size_t i = h.size() - (tiered ? 2 : 0); i < h.size(); ++i) m.left[i] = true;
  for (const auto& v : s.movers) {
    std::vector<std::string> r{v.user, num(v.old_raw), num(v.new_raw), signed_num(v.delta())};
    if (scaled) r.insert(r.end(), {opt_num(v.old_scaled), opt_num(v.new_scaled)});
    if (tiered) r.insert(r.end(), {opt_text(v.old_tier), opt_text(v.new_tier)});
    m.add(std::move(r));
  }
  out += m.render();
  out += "\n";
}

std::string names(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + code(s);
  return out;
}
std::string names(const std::vector<NamedCount>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + code(s.name) + " (" + plural(s.members, "user", "users") + ")";
  return out;
}

// ---------------------------------------------------------------------------------
// JSON: a small ordered tree, printed with two-space indentation; arrays of plain
// values stay on one line.

Json dist_json(const std::optional<Distribution>& d) {
  if (!d) return {};
  auto v = [&](double x) { return d->count ? Json(x) : Json(); };
  return Json::Object{{"count", d->count}, {"mean", v(d->mean)}, {"min", v(d->min)}, {"p10", v(d->p10)},
                      {"p25", v(d->p25)},  {"p50", v(d->p50)},   {"p75", v(d->p75)}, {"p90", v(d->p90)},
                      {"max", v(d->max)}};
}

Json strings_json(const std::vector<std::string>& v) {
  Json::Array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

Json migration_json(const Migration& m) {
  Json::Array counts;
  for (const auto& row : m.counts) {
    Json::Array r;
    for (size_t c : row) r.emplace_back(c);
    counts.emplace_back(std::move(r));
  }
  return Json::Object{{"rows", strings_json(m.rows)}, {"columns", strings_json(m.cols)}, {"counts", std::move(counts)},
                      {"changed", m.changed}};
}

Json score_json(const ScoreDiff& s) {
  Json::Array movers;
  for (const auto& m : s.movers)
    movers.emplace_back(Json::Object{{"user", m.user},
                                     {"old_raw", m.old_raw},
                                     {"new_raw", m.new_raw},
                                     {"raw_change", m.delta()},
                                     {"old_scaled", m.old_scaled},
                                     {"new_scaled", m.new_scaled},
                                     {"old_tier", m.old_tier},
                                     {"new_tier", m.new_tier}});
  return Json::Object{
      {"name", s.name},
      {"has_tiers", Json::Object{{"old", s.old_tiers}, {"new", s.new_tiers}}},
      {"tier_migration", s.tiers ? migration_json(*s.tiers) : Json()},
      {"raw_changed", s.raw_changed},
      {"raw", Json::Object{{"old", dist_json(s.raw_old)}, {"new", dist_json(s.raw_new)}}},
      {"scaled", Json::Object{{"old", dist_json(s.scaled_old)}, {"new", dist_json(s.scaled_new)}}},
      {"movers", std::move(movers)},
  };
}

Json named_counts_json(const std::vector<NamedCount>& v) {
  Json::Array a;
  for (const auto& n : v) a.emplace_back(Json::Object{{"name", n.name}, {"members", n.members}});
  return a;
}

}  // namespace

std::string format_diff_text(const Diff& d, const DiffContext& c) {
  std::string out;
  out += fmt::format("## scorec diff: {} -> {}\n\n", code(c.old_rules), code(c.new_rules));
  out += fmt::format("Scored as of {}; {} scored by both versions", format_iso8601(c.as_of),
                     plural(d.users_matched, "user", "users"));
  if (d.users_old != d.users_matched || d.users_new != d.users_matched)
    out += fmt::format(" (OLD scored {}, NEW {}; users scored by only one are left out)", d.users_old, d.users_new);
  out += ".\n\n";

  bool changes = !d.scores_added.empty() || !d.scores_removed.empty() || !d.grades_added.empty() ||
                 !d.grades_removed.empty() || !d.segments_added.empty() || !d.segments_removed.empty();
  if (changes) {
    out += "### Added and removed\n\n";
    auto item = [&](const char* what, const std::string& list) {
      if (!list.empty()) out += fmt::format("- {}: {}\n", what, list);
    };
    item("Scores added", names(d.scores_added));
    item("Scores removed", names(d.scores_removed));
    item("Grades added", names(d.grades_added));
    item("Grades removed", names(d.grades_removed));
    item("Segments added", names(d.segments_added));
    item("Segments removed", names(d.segments_removed));
    out += "\n";
  }

  const size_t top = 10;
  for (const auto& s : d.scores) score_text(out, s, d.users_matched, top);

  for (const auto& g : d.grades) {
    out += fmt::format("### Grade {}\n\n", code(g.name));
    out += fmt::format("{}: {} changed letter.\n\n", plural(d.users_matched, "user", "users"), count(g.letters.changed));
    out += "Letter migration (rows: old letter, columns: new letter):\n\n";
    out += matrix_text(g.letters, "letter");
    out += "\nPoints:\n\n";
    Table t = distribution_table();
    distribution_rows(t, "points", g.points_old, g.points_new);
    out += t.render();
    out += "\n";
  }

  if (!d.segments.empty()) {
    out += "### Segments\n\n";
    Table t({"segment", "old members", "new members", "entered", "left"});
    for (const auto& s : d.segments)
      t.add({s.name, count(s.old_members), count(s.new_members), count(s.entered), count(s.left)});
    out += t.render();
    out += "\n";
  }
  // One trailing newline, not a blank line.
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

std::string format_diff_json(const Diff& d, const DiffContext& c) {
  Json::Array scores, grades, segments;
  for (const auto& s : d.scores) scores.push_back(score_json(s));
  for (const auto& g : d.grades)
    grades.emplace_back(Json::Object{
        {"name", g.name},
        {"letter_migration", migration_json(g.letters)},
        {"points", Json::Object{{"old", dist_json(g.points_old)}, {"new", dist_json(g.points_new)}}},
    });
  for (const auto& s : d.segments)
    segments.emplace_back(Json::Object{{"name", s.name},
                                       {"old_members", s.old_members},
                                       {"new_members", s.new_members},
                                       {"entered", s.entered},
                                       {"left", s.left}});
  Json root = Json::Object{
      {"old", Json::Object{{"rules", c.old_rules}, {"users", d.users_old}}},
      {"new", Json::Object{{"rules", c.new_rules}, {"users", d.users_new}}},
      {"as_of", format_iso8601(c.as_of)},
      {"users_matched", d.users_matched},
      {"scores", std::move(scores)},
      {"scores_added", strings_json(d.scores_added)},
      {"scores_removed", strings_json(d.scores_removed)},
      {"grades", std::move(grades)},
      {"grades_added", strings_json(d.grades_added)},
      {"grades_removed", strings_json(d.grades_removed)},
      {"segments", std::move(segments)},
      {"segments_added", named_counts_json(d.segments_added)},
      {"segments_removed", named_counts_json(d.segments_removed)},
  };
  std::string out;
  print_json(out, root, JsonStyle{.inline_scalar_arrays = true});
  out += "\n";
  return out;
}

}  // namespace scorec::report
