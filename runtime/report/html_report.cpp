#include "runtime/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "runtime/report/histogram.h"
#include "runtime/report/readable_number.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::report {
namespace {

std::string esc(std::string_view s) { return xml_escape(s); }

// Okabe-Ito colours (told apart with any colour vision); the baseline is drawn as a
// dashed outline, so it is told apart without colour too. Print keeps the colours.
constexpr const char* kStyle = R"(
:root { --fg: #1a1a1a; --muted: #555; --line: #ccc; --bar: #0072B2; --base: #D55E00; --bg2: #f4f6f8; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg);
       max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 1.6em; margin: 0.2em 0; } h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
.meta { color: var(--muted); margin: 0 0 1em; } .meta code { color: var(--fg); }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
th { background: var(--bg2); font-weight: 600; }
td.share { width: 140px; min-width: 100px; } .share div { background: var(--bar); height: 12px; min-width: 1px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 8px 24px; }
svg.histogram { width: 100%; max-width: 640px; height: auto; display: block; }
svg .bar { fill: var(--bar); } svg .bar.outline { fill: none; stroke: var(--base); stroke-width: 2; stroke-dasharray: 4 2; }
svg .axis { stroke: var(--muted); } svg .tick { font-size: 11px; fill: var(--muted); }
.legend span { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
.legend .now { background: var(--bar); } .legend .base { border: 2px dashed var(--base); }
.heat td.cell { text-align: right; min-width: 56px; } .heat td.same { outline: 2px solid var(--fg); outline-offset: -2px; }
.error { border: 2px solid #D55E00; padding: 8px 12px; background: #fff4ec; }
.never, .never code { color: var(--muted); } small.where, small.comment { color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
pre { background: var(--bg2); padding: 8px; overflow-x: auto; white-space: pre-wrap; }
footer { margin-top: 2em; color: var(--muted); font-size: 0.9em; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; } nav { display: none; }
  section, table, svg, .grid > div { break-inside: avoid; } h2 { break-before: auto; break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details > pre { display: block; }
}
)";

std::string share_cell(double share) {
  return fmt::format(R"(<td class="num">{}</td><td class="share"><div style="width:{:.1f}%"></div></td>)",
                     percent(share), std::clamp(share, 0.0, 1.0) * 100);
}

std::string tier_rule(const ir::Tier& t) {
  switch (t.kind) {
    case ir::Tier::Threshold: return "&ge; " + readable(t.min);
    case ir::Tier::Range: return t.min == t.max ? readable(t.min) : readable(t.min) + " to " + readable(t.max);
    case ir::Tier::CatchAll: return "otherwise";
  }
  return {};
}

// Counts of the labels in a text column, in the declared order, then "(none)" for nulls.
struct LabelCount {
  std::string label, rule;
  uint64_t count = 0;
};
std::vector<LabelCount> label_counts(const runtime::ResultColumn* c, const std::vector<ir::Tier>& declared) {
  std::vector<LabelCount> out;
  std::map<std::string, size_t> at;
  for (const auto& t : declared) {
    at[t.name] = out.size();
    out.push_back({t.name, tier_rule(t), 0});
  }
  if (!c) return out;
  uint64_t none = 0;
  for (size_t r = 0; r < c->texts.size(); ++r) {
    if (!c->valid[r]) {
      ++none;
      continue;
    }
    auto it = at.find(c->texts[r]);
    if (it == at.end()) {
      it = at.emplace(c->texts[r], out.size()).first;
      out.push_back({c->texts[r], "", 0});
    }
    ++out[it->second].count;
  }
  if (none > 0) out.push_back({kNoLabel, "null value", none});
  return out;
}

std::string label_table(const std::string& what, const std::string& attrs, const std::vector<LabelCount>& counts,
                        uint64_t users) {
  std::string out = fmt::format(R"(<table class="labels"><tr><th>{}</th><th>rule</th><th class="num">users</th>)"
                                R"(<th class="num">share</th><th></th></tr>)",
                                what);
  for (const auto& c : counts)
    out += fmt::format(R"(<tr {} data-{}="{}" data-count="{}"><td>{}</td><td>{}</td><td class="num">{}</td>{}</tr>)",
                       attrs, what, esc(c.label), c.count, esc(c.label), c.rule, group_digits(c.count),
                       share_cell(users ? static_cast<double>(c.count) / static_cast<double>(users) : 0));
  return out + "</table>";
}

std::string quantile_table(const Distribution& d) {
  if (d.count == 0) return "<p>No values.</p>";
  std::string head, row;
  for (auto [name, v] : std::initializer_list<std::pair<const char*, double>>{
           {"min", d.min}, {"p10", d.p10}, {"p25", d.p25}, {"median", d.p50}, {"p75", d.p75}, {"p90", d.p90},
           {"max", d.max}, {"mean", d.mean}}) {
    head += fmt::format(R"(<th class="num">{}</th>)", name);
    row += fmt::format(R"(<td class="num" data-q="{}">{}</td>)", name, readable(v));
  }
  return fmt::format(R"(<table class="quantiles"><tr>{}</tr><tr>{}</tr></table>)", head, row);
}

std::vector<double> numbers(const runtime::ResultColumn* c) {
  if (!c) return {};
  std::vector<double> out;
  for (size_t r = 0; r < c->numbers.size(); ++r)
    if (c->valid[r]) out.push_back(c->numbers[r]);
  return out;
}

// One chart: the run's values, and the baseline's over the same bins when it has them.
std::string histogram_block(const std::string& title, const std::string& score, const std::string& kind,
                            const std::vector<double>& now, const std::vector<double>* base, size_t bins,
                            const std::vector<double>& cover = {}) {
  std::vector<const std::vector<double>*> sets{&now};
  if (base) sets.push_back(base);
  auto edges = histogram_edges(sets, bins, cover);
  std::vector<HistogramSeries> series;
  if (!edges.empty()) {
    series.push_back({base ? "now" : "", count_into(now, edges), false});
    if (base) series.push_back({"baseline", count_into(*base, edges), true});
  }
  std::string legend = base ? R"(<div class="legend"><span class="now"></span>these rules<span class="base"></span>baseline</div>)" : "";
  return fmt::format(R"(<div class="chart" data-score="{}" data-kind="{}"><h3>{}</h3>{}{}</div>)", esc(score), kind,
                     esc(title), svg_histogram(series, title), legend);
}

// A rule's label without its score's name (the section says it) and its comment apart.
struct RuleText {
  std::string code, comment;
};
RuleText rule_text(const std::string& label, const std::string& score) {
  std::string code = label.starts_with(score + ": ") ? label.substr(score.size() + 2) : label;
  auto slash = code.find(" //");
  if (slash == std::string::npos) return {code, ""};
  std::string comment = code.substr(slash + 3);
  code = code.substr(0, slash);
  while (!code.empty() && code.back() == ' ') code.pop_back();
  return {code, std::string(trim(comment))};
}

// "examples/campaign/campaign.score:26:6" -> "campaign.score:26".
std::string short_where(const std::string& where) {
  std::string w = where.substr(where.find_last_of('/') == std::string::npos ? 0 : where.find_last_of('/') + 1);
  auto first = w.find(':');
  auto second = first == std::string::npos ? std::string::npos : w.find(':', first + 1);
  return second == std::string::npos ? w : w.substr(0, second);
}

std::string rules_table(const Contributions& c, const std::string& score_name, int score, uint64_t users) {
  std::vector<const RuleTotal*> rows;
  double magnitude = 0;
  for (const auto& r : c.rules)
    if (r.score == score) {
      rows.push_back(&r);
      magnitude += std::fabs(r.points);
    }
  if (rows.empty()) return "<p>This score has no rules.</p>";
  std::stable_sort(rows.begin(), rows.end(),
                   [](const RuleTotal* a, const RuleTotal* b) { return std::fabs(a->points) > std::fabs(b->points); });
  std::string out = R"(<table class="rules"><tr><th>rule</th><th class="num">points</th>)"
                    R"(<th class="num" colspan="2">share of all points</th><th class="num">events counted</th>)"
                    R"(<th class="num" colspan="2">users touched</th></tr>)";
  std::vector<const RuleTotal*> never;
  for (const RuleTotal* r : rows) {
    if (!r->fired()) never.push_back(r);
    double share = magnitude > 0 ? std::fabs(r->points) / magnitude : 0;
    std::string events = r->term ? "per user" : group_digits(r->events);
    if (r->limited > 0) events += fmt::format("<br><small>{} over the limit</small>", group_digits(r->limited));
    RuleText text = rule_text(r->label, score_name);
    out += fmt::format(
        R"(<tr data-rule="{}" data-points="{:.17g}" data-users="{}" data-events="{}"{}><td><code>{}</code>{}<br><small class="where">{}</small></td><td class="num">{}</td>{}<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>)",
        esc(r->label), r->points, r->users, r->events, r->fired() ? "" : R"( class="never")", esc(text.code),
        text.comment.empty() ? "" : " <small class=\"comment\">" + esc(text.comment) + "</small>", esc(short_where(r->where)),
        readable(r->points), share_cell(share), events, group_digits(r->users),
        percent(users ? static_cast<double>(r->users) / static_cast<double>(users) : 0));
  }
  out += "</table>";
  if (never.empty()) {
    out += "<p>Every rule of this score fired.</p>";
  } else {
    out += "<p><strong>Rules that never fired</strong> (no event counted, no condition held):</p><ul class=\"never-fired\">";
    for (const RuleTotal* r : never)
      out += fmt::format(R"(<li data-rule="{}"><code>{}</code> <small class="where">{}</small></li>)", esc(r->label),
                         esc(rule_text(r->label, score_name).code), esc(short_where(r->where)));
    out += "</ul>";
  }
  return out;
}

std::string migration_table(const std::string& score, const Migration& m) {
  uint64_t peak = 1;
  for (const auto& row : m.counts)
    for (auto c : row) peak = std::max<uint64_t>(peak, c);
  std::string out = fmt::format(R"(<table class="heat" data-score="{}"><tr><th>baseline &darr; / now &rarr;</th>)", esc(score));
  for (const auto& c : m.cols) out += fmt::format("<th class=\"num\">{}</th>", esc(c));
  out += "</tr>";
  for (size_t i = 0; i < m.rows.size(); ++i) {
    out += fmt::format("<tr><th>{}</th>", esc(m.rows[i]));
    for (size_t j = 0; j < m.cols.size(); ++j) {
      uint64_t c = m.counts[i][j];
      // A sequential blue scale; light text on the dark end keeps the contrast.
      double t = c == 0 ? 0 : 0.12 + 0.88 * std::sqrt(static_cast<double>(c) / static_cast<double>(peak));
      int r = static_cast<int>(247 - t * (247 - 8)), g = static_cast<int>(251 - t * (251 - 48)),
          b = static_cast<int>(255 - t * (255 - 107));
      out += fmt::format(
          R"(<td class="cell{}" data-from="{}" data-to="{}" data-count="{}" style="background:rgb({},{},{});color:{}">{}</td>)",
          m.rows[i] == m.cols[j] ? " same" : "", esc(m.rows[i]), esc(m.cols[j]), c, r, g, b, t > 0.55 ? "#fff" : "#1a1a1a",
          group_digits(c));
    }
    out += "</tr>";
  }
  return out + fmt::format("</table><p>{} users changed tier.</p>", group_digits(m.changed));
}

std::string movers_table(const ScoreDiff& d) {
  if (d.movers.empty()) return "<p>No user's raw score changed.</p>";
  std::string out = R"(<table class="movers"><tr><th>user</th><th class="num">baseline raw</th><th class="num">raw</th>)"
                    R"(<th class="num">change</th><th>baseline tier</th><th>tier</th></tr>)";
  for (const auto& m : d.movers)
    out += fmt::format(R"(<tr data-user="{}"><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}{}</td><td>{}</td><td>{}</td></tr>)",
                       esc(m.user), esc(m.user), readable(m.old_raw), readable(m.new_raw), m.delta() > 0 ? "+" : "",
                       readable(m.delta()), esc(m.old_tier.value_or("")), esc(m.new_tier.value_or("")));
  return out + "</table>";
}

std::string score_section(const ReportInput& in, size_t s) {
  const ir::Program& p = *in.program;
  const ir::Score& sc = p.scores[s];
  const auto& table = in.run->run.table;
  const uint64_t users = table.rows();
  const runtime::RunOutput* base = in.baseline ? in.baseline->run : nullptr;
  const ScoreDiff* diff = nullptr;
  if (in.baseline)
    for (const auto& d : in.baseline->diff.scores)
      if (d.name == sc.name) diff = &d;

  std::string out = fmt::format(R"(<section class="score" id="score-{0}" data-score="{0}"><h2>Score <code>{0}</code></h2>)",
                                esc(sc.name));
  auto raw = numbers(table.column(sc.name + "_raw"));
  std::vector<double> base_raw;
  if (base) base_raw = numbers(base->table.column(sc.name + "_raw"));
  const bool scaled = sc.scale.kind != ir::ScaleKind::None;
  out += fmt::format("<p>{} users with a score{}{}.</p>", group_digits(raw.size()),
                     raw.size() < users ? fmt::format(", {} with a null score", group_digits(users - raw.size())) : "",
                     scaled ? fmt::format("; scaled {} to {}..{}", scale_name(sc.scale.kind), sc.scale.a, sc.scale.b) : "");
  out += "<h3>Raw score quantiles</h3>" + quantile_table(distribution(raw));
  out += "<div class=\"grid\">";
  const bool base_has = base && base->table.column(sc.name + "_raw");
  out += histogram_block("Raw score", sc.name, "raw", raw, base_has ? &base_raw : nullptr, in.histogram_bins);
  if (scaled) {
    auto value = numbers(table.column(sc.name));
    std::vector<double> base_value;
    bool base_scaled = diff && diff->scaled_old;
    if (base && base_scaled) base_value = numbers(base->table.column(sc.name));
    out += histogram_block("Scaled score", sc.name, "scaled", value, base_scaled ? &base_value : nullptr, in.histogram_bins,
                           {static_cast<double>(sc.scale.a), static_cast<double>(sc.scale.b)});
  }
  out += "</div>";
  if (!sc.tiers.empty()) {
    out += "<h3>Tiers</h3>";
    out += label_table("tier", fmt::format("data-score=\"{}\"", esc(sc.name)),
                       label_counts(table.column(sc.name + "_tier"), sc.tiers), users);
  }
  out += "<h3>What gives the points</h3>" + rules_table(in.run->contributions, sc.name, static_cast<int>(s), users);
  if (diff) {
    out += "<h3>Against the baseline</h3>";
    if (diff->tiers) out += migration_table(sc.name, *diff->tiers);
    out += fmt::format("<p>{} users' raw score changed. The biggest moves:</p>", group_digits(diff->raw_changed));
    out += movers_table(*diff);
  }
  return out + "</section>";
}

std::string grades_section(const ReportInput& in) {
  const ir::Program& p = *in.program;
  if (p.grades.empty()) return {};
  const auto& table = in.run->run.table;
  std::string out = "<section id=\"grades\"><h2>Grades</h2>";
  for (const auto& g : p.grades) {
    out += fmt::format("<h3>Grade <code>{}</code></h3>", esc(g.name));
    out += label_table("letter", fmt::format("data-grade=\"{}\"", esc(g.name)), label_counts(table.column(g.name), g.letters),
                       table.rows());
  }
  return out + "</section>";
}

std::string segments_section(const ReportInput& in) {
  const ir::Program& p = *in.program;
  if (p.segments.empty()) return {};
  const auto& table = in.run->run.table;
  const uint64_t users = table.rows();
  std::map<std::string, const SegmentDiff*> diffs;
  if (in.baseline)
    for (const auto& d : in.baseline->diff.segments) diffs[d.name] = &d;
  std::string out = fmt::format("<section id=\"segments\"><h2>Segments</h2><table class=\"segments\"><tr><th>segment</th>"
                                "<th class=\"num\">members</th><th class=\"num\">share</th><th></th>{}</tr>",
                                in.baseline ? "<th class=\"num\">baseline</th><th class=\"num\">entered</th><th class=\"num\">left</th>" : "");
  for (const auto& seg : p.segments) {
    uint64_t members = 0;
    if (const auto* c = table.column(seg.name))
      for (size_t r = 0; r < c->numbers.size(); ++r) members += c->valid[r] && c->numbers[r] != 0;
    std::string extra;
    if (in.baseline) {
      auto it = diffs.find(seg.name);
      extra = it == diffs.end() ? "<td class=\"num\">new</td><td></td><td></td>"
                                : fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                                              group_digits(it->second->old_members),
                                              group_digits(it->second->entered), group_digits(it->second->left));
    }
    out += fmt::format(R"(<tr data-segment="{}" data-count="{}"><td><code>{}</code></td><td class="num">{}</td>{}{}</tr>)",
                       esc(seg.name), members, esc(seg.name), group_digits(members),
                       share_cell(users ? static_cast<double>(members) / static_cast<double>(users) : 0), extra);
  }
  return out + "</table></section>";
}

std::string input_section(const ReportInput& in) {
  const runtime::RunSummary& s = in.run->run.summary;
  const runtime::IngestStats& e = s.events;
  std::string rows;
  auto row = [&](const char* key, const char* what, uint64_t n) {
    rows += fmt::format(R"(<tr data-input="{}" data-count="{}"><td>{}</td><td class="num">{}</td></tr>)", key, n, what,
                        group_digits(n));
  };
  row("events_read", "events read", e.events_read);
  row("used", "events used by the rules", s.engine.used);
  row("skipped_bad", "malformed lines skipped", e.skipped_bad);
  row("unknown_events", "events of undeclared types (not scored)", e.unknown_events);
  row("future", "events after the as-of time (ignored)", s.engine.future);
  row("missing_user", "rows without a user id (skipped)", e.missing_user);
  row("bad_values", "values not of the declared type (read as null)", e.bad_values + s.profiles.bad_values);
  row("null_weights", "null weights (counted as 0)", s.engine.null_weights);
  row("duplicate_messages", "repeated messages read once", e.duplicate_messages);
  row("profiles_read", "profiles read", s.profiles.profiles_read + e.profiles_read);
  row("users", "users scored", s.users);
  std::string out = "<section id=\"input\"><h2>Input</h2><table class=\"input\">" + rows + "</table>";
  if (!e.unknown_by_name.empty()) {
    std::vector<std::pair<std::string, uint64_t>> names(e.unknown_by_name.begin(), e.unknown_by_name.end());
    std::stable_sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    out += "<h3>Event types the rules do not declare</h3><table class=\"unknown\"><tr><th>event name</th><th class=\"num\">events</th></tr>";
    for (const auto& [name, n] : names)
      out += fmt::format(R"(<tr data-unknown="{}" data-count="{}"><td><code>{}</code></td><td class="num">{}</td></tr>)",
                         esc(name), n, esc(name), group_digits(n));
    out += "</table>";
  }
  out += "<details><summary>The run's summary, as <code>scorec run</code> prints it</summary><pre>" +
         esc(runtime::format_summary(s, *in.program)) + "</pre></details>";
  return out + "</section>";
}

}  // namespace

std::string html_report(const ReportInput& in) {
  const ir::Program& p = *in.program;
  const runtime::RunSummary& s = in.run->run.summary;
  std::string title = "Scores of " + in.rules_label;
  std::string out = fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title><style>{}</style></head><body>
<h1>Scores of <code>{}</code></h1>
<p class="meta">Events <code>{}</code>{}, as of {}{}: <strong>{}</strong> users.{}</p>
)",
                                esc(title), kStyle, esc(in.rules_label), esc(in.events_label),
                                in.profiles_label ? ", profiles <code>" + esc(*in.profiles_label) + "</code>" : "",
                                format_iso8601(s.as_of), s.as_of_from_events ? " (the latest event)" : "",
                                group_digits(s.users),
                                in.baseline ? " Compared with the baseline <code>" + esc(in.baseline->label) + "</code>." : "");
  if (!in.run->contributions.mismatches.empty()) {
    out += "<div class=\"error\"><strong>Internal error:</strong> the rules' contributions do not add up to the scores; "
           "please report this with the rules and input.<ul>";
    for (const auto& m : in.run->contributions.mismatches) out += "<li>" + esc(m) + "</li>";
    out += "</ul></div>";
  }
  out += "<nav>";
  for (const auto& sc : p.scores) out += fmt::format(R"(<a href="#score-{0}">{0}</a>)", esc(sc.name));
  if (!p.grades.empty()) out += R"(<a href="#grades">grades</a>)";
  if (!p.segments.empty()) out += R"(<a href="#segments">segments</a>)";
  out += R"(<a href="#input">input</a></nav>)";
  if (in.baseline) {
    const Diff& d = in.baseline->diff;
    std::string changes;
    for (const auto& n : d.scores_added) changes += fmt::format("<li>score <code>{}</code> is new</li>", esc(n));
    for (const auto& n : d.scores_removed) changes += fmt::format("<li>score <code>{}</code> is gone</li>", esc(n));
    for (const auto& n : d.segments_removed)
      changes += fmt::format("<li>segment <code>{}</code> ({} members) is gone</li>", esc(n.name), group_digits(n.members));
    if (d.users_old != d.users_matched || d.users_new != d.users_matched)
      changes += fmt::format("<li>users: {} in the baseline, {} now, {} in both (compared)</li>", group_digits(d.users_old),
                             group_digits(d.users_new), group_digits(d.users_matched));
    if (!changes.empty()) out += "<ul class=\"baseline\">" + changes + "</ul>";
  }
  for (size_t i = 0; i < p.scores.size(); ++i) out += score_section(in, i);
  out += grades_section(in);
  out += segments_section(in);
  out += input_section(in);
  out += "<footer>Written by <code>scorec report</code>. Histogram bins hold their lower edge, not their upper one; "
         "values are binned as the CSV output writes them (6 decimals). Points are summed before rounding.</footer>";
  return out + "</body></html>\n";
}

}  // namespace scorec::report
