#include "runtime/report/explain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ir/printer.h"
#include "ir/semantics.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/run_state.h"
#include "runtime/io/event_reader.h"
#include "support/json.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::report {

const char* fate_name(EventFate f) {
  switch (f) {
    case EventFate::Counted: return "counted";
    case EventFate::OutsideWindow: return "outside_window";
    case EventFate::CondFalse: return "condition_false";
    case EventFate::CondNull: return "condition_null";
    case EventFate::NullWeight: return "null_weight";
    case EventFate::LimitSkipped: return "limit_skipped";
  }
  return "?";
}

namespace {

// The rule's source text without "owner: " and without a trailing // comment.
std::string rule_text(const std::string& label) {
  std::string s = label;
  if (size_t colon = s.find(": "); colon != std::string::npos) s = s.substr(colon + 2);
  bool quoted = false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) quoted = !quoted;
    if (!quoted && s[i] == '/' && s[i + 1] == '/') {
      s.resize(i);
      break;
    }
  }
  return std::string(trim(s));
}

bool close(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)) || a == b || (std::isnan(a) && std::isnan(b));
}

const runtime::ResultColumn* column(const runtime::ResultTable& t, const std::string& name) {
  for (const auto& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

// Files the interpreter's steps for the one user under the rule or term they belong to.
class Tracer final : public runtime::EngineObserver {
 public:
  Tracer(const ir::Program& p, Explanation& e) : p_(p), e_(e), rule_at_(p.rules.size()) {
    for (size_t r = 0; r < p.rules.size(); ++r) {
      ScoreTrace& st = e.scores[p.rules[r].score];
      rule_at_[r] = st.rules.size();
      RuleTrace rt;
      rt.rule = static_cast<int>(r);
      rt.text = rule_text(p.rules[r].label);
      rt.where = p.rules[r].where;
      st.rules.push_back(std::move(rt));
    }
  }

  void after_as_of(const runtime::EventBatch& batch, uint32_t row) override {
    std::vector<bool> seen(p_.scores.size());
    for (int ri : p_.rules_by_event[batch.type[row]])
      if (!seen[p_.rules[ri].score]) {
        seen[p_.rules[ri].score] = true;
        e_.scores[p_.rules[ri].score].after_as_of++;
      }
  }

  void rule(const runtime::EventBatch& batch, const runtime::RuleStep& s) override {
    const ir::EventRule& rule = p_.rules[s.rule];
    EventTrace ev;
    ev.ts = s.ts;
    ev.line = batch.line[s.row];
    ev.fate = s.fate;
    ev.weight = s.weight;
    ev.capped = rule.cap > 0 && s.fate == EventFate::Counted && s.accepted != s.weight;
    ev.accepted = s.accepted;
    ev.cap_used_before = s.cap_used_before;
    ev.decay = s.decay;
    ev.contribution = s.contribution;
    ScoreTrace& st = e_.scores[rule.score];
    st.events_sum += ev.contribution;  // in the engine's order, as it adds them
    RuleTrace& rt = st.rules[rule_at_[s.rule]];
    rt.total += ev.contribution;
    rt.events.push_back(ev);
  }

  void term(const runtime::TermStep& s) override {
    const ir::UserTerm& t = s.score >= 0 ? p_.scores[s.score].terms[s.term] : p_.grades[s.grade].terms[s.term];
    TermTrace out;
    out.text = rule_text(t.label);
    out.where = t.where;
    if (s.cond.ok) out.cond = s.cond.v != 0;
    if (s.weighed && s.weight.ok) out.weight = s.weight.v;
    out.contribution = s.contribution;
    if (s.score >= 0) {
      e_.scores[s.score].terms_sum += out.contribution;
      e_.scores[s.score].terms.push_back(std::move(out));
    } else {
      e_.grades[s.grade].points += out.contribution;
      e_.grades[s.grade].terms.push_back(std::move(out));
    }
  }

 private:
  const ir::Program& p_;
  Explanation& e_;
  std::vector<size_t> rule_at_;  // a rule's place among its score's rules
};

// Only the rows of one user, read the way the driver reads them (profiles file first,
// then the events file), into `run`'s pools so string ids and profiles match.
Status read_user_events(const runtime::RunOptions& o, runtime::RunState& run, const std::string& user,
                        runtime::EventBatch& mine) {
  runtime::IngestStats stats;
  runtime::IngestContext ctx{run.program.schema, run.strings, run.lists, run.users, run.profiles, stats, o.skip_bad};
  if (o.profiles_path)
    if (auto st = runtime::read_profiles(*o.profiles_path, o.profiles_mapping, ctx); !st) return st;
  auto reader = runtime::open_event_reader(o.events_path, o.events_mapping, ctx);
  if (!reader) return reader.error();
  mine.reset(run.program.schema.num_columns);
  runtime::EventBatch batch;
  while (true) {
    auto more = (*reader)->next(batch, o.chunk_events);
    if (!more) return more.error();
    if (!*more) return Ok{};
    int64_t ix = run.users.find(user);
    if (ix < 0) continue;
    for (size_t r = 0; r < batch.size(); ++r) {
      if (batch.user[r] != static_cast<uint32_t>(ix)) continue;
      mine.user.push_back(batch.user[r]);
      mine.type.push_back(batch.type[r]);
      mine.ts.push_back(batch.ts[r]);
      mine.line.push_back(batch.line[r]);
      for (size_t c = 0; c < batch.columns.size(); ++c) mine.columns[c].push(batch.columns[c].values[r], batch.columns[c].valid[r]);
    }
  }
}

}  // namespace

std::optional<size_t> find_user(const runtime::RunOutput& run, const std::string& user) {
  const auto& ids = run.table.user_ids;
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == user) return i;
  return std::nullopt;
}

Expected<Explanation> explain_user(const ir::Program& p, const runtime::RunOptions& o, const runtime::RunOutput& out,
                                   const std::string& user) {
  auto row = find_user(out, user);
  if (!row) return Error{fmt::format("user '{}' is not in the input", user), o.events_path};
  Explanation e;
  e.user = user;
  e.events_path = o.events_path;
  e.as_of = out.summary.as_of;
  e.as_of_from_events = out.summary.as_of_from_events;

  runtime::RunState run(p);
  run.as_of = e.as_of;
  runtime::EventBatch batch;
  if (auto st = read_user_events(o, run, user, batch); !st) return st.error();
  int64_t ix = run.users.find(user);
  if (ix < 0) return Error{fmt::format("user '{}' is not in the input on the second reading", user), o.events_path};
  const auto u = static_cast<uint32_t>(ix);
  run.grow_state();

  e.scores.resize(p.scores.size());
  for (size_t s = 0; s < p.scores.size(); ++s) {
    e.scores[s].score = static_cast<int>(s);
    e.scores[s].name = p.scores[s].name;
    e.scores[s].scale = p.scores[s].scale;
    e.scores[s].events_sum = p.slots[p.scores[s].raw_slot].init;
  }
  e.grades.resize(p.grades.size());
  Tracer tracer(p, e);
  auto interp = runtime::make_interpreter(&tracer);

  // The reference interpreter scores this user alone, in the driver's order (time
  // order, ties in input order), and reports every step to the tracer.
  std::vector<uint32_t> rows(batch.size());
  std::iota(rows.begin(), rows.end(), 0u);
  std::stable_sort(rows.begin(), rows.end(), [&](uint32_t x, uint32_t y) { return batch.ts[x] < batch.ts[y]; });
  interp->update(batch, rows, run);

  // Per-user terms, raw, scaling and tiers. The traced lines add up as the engine adds
  // them (finalize: the event sum plus the terms), so they must give the table's raw
  // score to the bit when the interpreter scored everyone.
  for (size_t s = 0; s < p.scores.size(); ++s) {
    const ir::Score& sc = p.scores[s];
    ScoreTrace& st = e.scores[s];
    interp->score_terms(static_cast<int>(s), u, run);  // traced into st.terms and st.terms_sum
    st.raw = st.events_sum + st.terms_sum;
    const auto* raw_col = column(out.table, sc.name + "_raw");
    st.engine_raw = raw_col ? raw_col->numbers[*row] : std::nan("");
    if (!close(st.raw, st.engine_raw))
      e.mismatches.push_back(fmt::format("score {}: the lines sum to {} but the engine's raw score is {}", sc.name,
                                         format_number(st.raw), format_number(st.engine_raw)));
    // The scaling step works on the engine's raw score, as the engine did.
    const double raw = st.engine_raw;
    switch (sc.scale.kind) {
      case ir::ScaleKind::None: st.value = raw; break;
      case ir::ScaleKind::Linear: {
        const auto& k = sc.scale;
        st.unclamped = static_cast<double>(k.a) + std::floor(static_cast<double>(k.b - k.a + 1) * (raw - k.lo) / (k.hi - k.lo));
        st.value = ir::linear_scale(raw, k.lo, k.hi, k.a, k.b);
        break;
      }
      case ir::ScaleKind::Percentile: {
        // Null (NaN) raw scores are not ranked (runtime/engine/finalize.cpp).
        if (raw_col)
          for (double v : raw_col->numbers) {
            st.population += !std::isnan(v);
            st.lower += v < raw;
          }
        st.value = ir::percentile_scale(st.lower, st.population, sc.scale.a, sc.scale.b);
        break;
      }
    }
    if (std::isnan(raw)) st.value = raw;  // a null raw score scales to null
    st.engine_value = raw;
    if (sc.scale.kind != ir::ScaleKind::None) {
      const auto* c = column(out.table, sc.name);
      st.engine_value = c ? c->numbers[*row] : std::nan("");
      if (!close(st.value, st.engine_value))
        e.mismatches.push_back(fmt::format("score {}: the scaled score is {} but the engine's is {}", sc.name,
                                           format_number(st.value), format_number(st.engine_value)));
    }
    if (!sc.tiers.empty()) {
      st.tier = ir::tier_of(sc.tiers, st.engine_value);
      const auto* c = column(out.table, sc.name + "_tier");
      std::string want = st.tier >= 0 ? sc.tiers[st.tier].name : "";
      if (c && c->texts[*row] != want)
        e.mismatches.push_back(fmt::format("score {}: the tier is '{}' but the engine's is '{}'", sc.name, want, c->texts[*row]));
    }
  }
  for (size_t g = 0; g < p.grades.size(); ++g) {
    const ir::Grade& gr = p.grades[g];
    GradeTrace& gt = e.grades[g];
    gt.name = gr.name;
    interp->grade_points(static_cast<int>(g), u, run);  // traced into gt.terms and gt.points
    const auto* c = column(out.table, gr.name + "_points");
    gt.engine_points = c ? c->numbers[*row] : std::nan("");
    if (!close(gt.points, gt.engine_points))
      e.mismatches.push_back(fmt::format("grade {}: the terms sum to {} but the engine's points are {}", gr.name,
                                         format_number(gt.points), format_number(gt.engine_points)));
    gt.letter = ir::tier_of(gr.letters, gt.engine_points);
    const auto* l = column(out.table, gr.name);
    std::string want = gt.letter >= 0 ? gr.letters[gt.letter].name : "";
    if (l && l->texts[*row] != want)
      e.mismatches.push_back(fmt::format("grade {}: the letter is '{}' but the engine's is '{}'", gr.name, want, l->texts[*row]));
  }
  for (const auto& sg : p.segments) {
    SegmentTrace t;
    t.name = sg.name;
    t.condition = ir::print_expr(p, sg.cond);
    const auto* c = column(out.table, sg.name);
    t.member = c && c->numbers[*row] != 0;
    e.segments.push_back(std::move(t));
  }
  return e;
}

// ---------------------------------------------------------------------------------
// Text

namespace {

std::string num(double v) { return format_number(v); }
std::string signed_num(double v) {
  std::string s = format_number(v);
  return (s[0] != '-' && s != "nan") ? "+" + s : s;
}

size_t width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}
std::string pad(const std::string& s, size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); }
std::string lpad(const std::string& s, size_t w) { return std::string(w > width(s) ? w - width(s) : 0, ' ') + s; }

// Rows of cells, each column padded to its widest cell (the last column is not padded).
std::string render(const std::vector<std::vector<std::string>>& rows, const std::string& indent,
                   const std::vector<bool>& right = {}) {
  std::vector<size_t> w;
  for (const auto& r : rows) {
    if (w.size() < r.size()) w.resize(r.size());
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line = indent;
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) line += "  ";
      bool rj = i < right.size() && right[i];
      line += rj ? lpad(r[i], w[i]) : (i + 1 == r.size() ? r[i] : pad(r[i], w[i]));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string tier_rule(const ir::Tier& t) {
  switch (t.kind) {
    case ir::Tier::Threshold: return fmt::format(">= {}", num(t.min));
    case ir::Tier::Range: return fmt::format("{}..{}", num(t.min), num(t.max));
    case ir::Tier::CatchAll: return "catch-all";
  }
  return "";
}

std::string decay_text(const ir::Score& s) {
  switch (s.decay) {
    case ir::DecayKind::None: return "";
    case ir::DecayKind::HalfLife: return "decay half_life " + format_duration(s.decay_param);
    case ir::DecayKind::Linear: return "decay linear " + format_duration(s.decay_param);
  }
  return "";
}

std::vector<std::string> event_cells(const ir::Program& p, const ir::EventRule& rule, const ir::Score& score,
                                     const EventTrace& ev) {
  std::string when = format_iso8601(ev.ts);
  switch (ev.fate) {
    case EventFate::OutsideWindow:
      return {when, "", "", "", fmt::format("outside the window ({}): skipped", format_duration(score.window))};
    case EventFate::CondFalse: return {when, "", "", "", "condition false: skipped"};
    case EventFate::CondNull: return {when, "", "", "", "condition null: skipped"};
    case EventFate::NullWeight: return {when, "weight null", "", "", "= 0 (null weight)"};
    case EventFate::LimitSkipped:
      return {when, "weight " + num(ev.weight), "", "",
              rule.limit == 1 && rule.limit_period == 0
                  ? std::string("once: already counted, skipped")
                  : fmt::format("limit {}{}: reached, skipped", rule.limit,
                                rule.limit_period > 0 ? " per " + format_duration(rule.limit_period) : "")};
    case EventFate::Counted: break;
  }
  (void)p;
  std::string cap;
  if (rule.cap > 0 && ev.capped)
    cap = fmt::format("capped: {} of {} accepted (cap {}, {} used before)", num(ev.accepted), num(ev.weight),
                      num(rule.cap), num(ev.cap_used_before));
  std::string decay = score.decay != ir::DecayKind::None ? "decay " + num(ev.decay) : "";
  return {when, "weight " + num(ev.weight), cap, decay, "= " + num(ev.contribution)};
}

std::string term_status(const TermTrace& t) {
  if (!t.cond) return "does not apply (condition null)";
  if (!*t.cond) return "does not apply (condition false)";
  if (!t.weight) return "applies, but the weight is null: +0";
  return "applies: " + signed_num(*t.weight);
}

}  // namespace

std::string format_explain_text(const ir::Program& p, const Explanation& e) {
  std::string out;
  std::string as_of = format_iso8601(e.as_of) + (e.as_of_from_events ? ", the latest event" : "");
  for (const auto& st : e.scores) {
    const ir::Score& sc = p.scores[st.score];
    out += fmt::format("score {} for user {} (as of {})\n", st.name, e.user, as_of);
    std::string settings = decay_text(sc);
    if (sc.window > 0) settings += (settings.empty() ? "" : ", ") + std::string("window ") + format_duration(sc.window);
    if (!settings.empty()) out += "  " + settings + "\n";
    std::vector<std::string> idle;
    for (const auto& rt : st.rules) {
      if (rt.events.empty()) {
        idle.push_back(rt.text);
        continue;
      }
      out += fmt::format("  {}   ({})\n", rt.text, rt.where);
      std::vector<std::vector<std::string>> rows;
      for (const auto& ev : rt.events) rows.push_back(event_cells(p, p.rules[rt.rule], sc, ev));
      // Drop the columns no row uses.
      std::vector<bool> used(5, false);
      for (const auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) used[i] = used[i] || !r[i].empty();
      for (auto& r : rows) {
        std::vector<std::string> kept;
        for (size_t i = 0; i < r.size(); ++i)
          if (used[i]) kept.push_back(r[i]);
        r = std::move(kept);
      }
      out += render(rows, "    ");
      size_t capped = 0, skipped = 0;
      for (const auto& ev : rt.events) {
        capped += ev.fate == EventFate::Counted && ev.capped;
        skipped += ev.fate != EventFate::Counted;
      }
      std::string detail = fmt::format("{} event{}", rt.events.size(), rt.events.size() == 1 ? "" : "s");
      if (capped) detail += fmt::format(", {} cut by the cap", capped);
      if (skipped) detail += fmt::format(", {} skipped", skipped);
      out += fmt::format("    subtotal {} ({})\n", num(rt.total), detail);
    }
    if (!idle.empty()) {
      std::string list;
      for (size_t i = 0; i < idle.size(); ++i) list += (i ? "; " : "") + idle[i];
      out += fmt::format("  no events for: {}\n", list);
    }
    if (st.after_as_of > 0)
      out += fmt::format("  {} event{} after the as-of time: ignored\n", st.after_as_of, st.after_as_of == 1 ? "" : "s");
    if (!st.terms.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& t : st.terms) rows.push_back({t.text, "(" + t.where + ")", term_status(t)});
      out += render(rows, "  ");
    }
    bool ok = close(st.raw, st.engine_raw);
    out += fmt::format("  raw   = {} (sum of the lines above; the engine's raw score: {}{})\n", num(st.raw), num(st.engine_raw),
                       ok ? "" : ", INTERNAL ERROR: they differ");
    const auto& k = sc.scale;
    if (k.kind == ir::ScaleKind::Linear) {
      std::string result = num(st.unclamped);
      if (st.unclamped != st.value) result += " → clamped to " + num(st.value);
      out += fmt::format("  scale linear {}..{} to {}..{}: {} + floor({} × ({} − {}) / {}) = {}\n", num(k.lo), num(k.hi), k.a,
                         k.b, k.a, k.b - k.a + 1, num(st.engine_raw), num(k.lo), num(k.hi - k.lo), result);
    } else if (k.kind == ir::ScaleKind::Percentile) {
      std::string result = num(static_cast<double>(k.a) +
                               std::floor(static_cast<double>(k.b - k.a + 1) * static_cast<double>(st.lower) /
                                          static_cast<double>(std::max<uint64_t>(st.population, 1))));
      if (result != num(st.value)) result += " → clamped to " + num(st.value);
      out += fmt::format("  scale percentile {}..{}: {} + floor({} × {}/{}) = {}   ({} of {} users have a lower raw score)\n",
                         k.a, k.b, k.a, k.b - k.a + 1, st.lower, st.population, result, st.lower, st.population);
    }
    if (!sc.tiers.empty()) {
      if (st.tier >= 0)
        out += fmt::format("  tier  {} ({}{})\n", sc.tiers[st.tier].name, tier_rule(sc.tiers[st.tier]),
                           k.kind == ir::ScaleKind::None ? " on the raw score" : "");
      else out += "  tier  (none matches)\n";
    }
    out += "\n";
  }
  for (size_t g = 0; g < e.grades.size(); ++g) {
    const auto& gt = e.grades[g];
    const ir::Grade& gr = p.grades[g];
    out += fmt::format("grade {} for user {}\n", gt.name, e.user);
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : gt.terms) rows.push_back({t.text, "(" + t.where + ")", term_status(t)});
    out += render(rows, "  ");
    bool ok = close(gt.points, gt.engine_points);
    out += fmt::format("  points = {} (sum of the lines above; the engine's: {}{})\n", num(gt.points), num(gt.engine_points),
                       ok ? "" : ", INTERNAL ERROR: they differ");
    if (gt.letter >= 0) out += fmt::format("  letter {} ({})\n", gr.letters[gt.letter].name, tier_rule(gr.letters[gt.letter]));
    else out += "  letter (none matches)\n";
    out += "\n";
  }
  if (!e.segments.empty()) {
    out += fmt::format("segments of user {}\n", e.user);
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : e.segments) rows.push_back({s.name, s.member ? "true" : "false", s.condition});
    out += render(rows, "  ");
  }
  for (const auto& m : e.mismatches) out += "internal error: " + m + "\n";
  return out;
}

// ---------------------------------------------------------------------------------
// JSON

namespace {

Json tier_json(const std::vector<ir::Tier>& tiers, int i) {
  if (i < 0) return {};
  const ir::Tier& t = tiers[static_cast<size_t>(i)];
  const char* kind = t.kind == ir::Tier::Threshold ? "threshold" : t.kind == ir::Tier::Range ? "range" : "catch_all";
  return Json::Object{{"name", t.name},
                      {"kind", kind},
                      {"min", t.kind == ir::Tier::CatchAll ? Json() : Json(t.min)},
                      {"max", t.kind == ir::Tier::Range ? Json(t.max) : Json()}};
}

Json terms_json(const std::vector<TermTrace>& terms) {
  Json::Array a;
  for (const auto& t : terms)
    a.push_back(Json::Object{{"rule", t.text},
                             {"where", t.where},
                             {"condition", t.cond},
                             {"weight", t.weight},
                             {"contribution", t.contribution}});
  return a;
}

}  // namespace

std::string format_explain_json(const ir::Program& p, const Explanation& e) {
  Json::Array scores;
  for (const auto& st : e.scores) {
    const ir::Score& sc = p.scores[st.score];
    Json::Array rules;
    for (const auto& rt : st.rules) {
      Json::Array events;
      for (const auto& ev : rt.events) {
        bool counted = ev.fate == EventFate::Counted;
        bool weighed = counted || ev.fate == EventFate::LimitSkipped;
        events.push_back(Json::Object{{"time", format_iso8601(ev.ts)},
                                      {"line", ev.line},
                                      {"fate", fate_name(ev.fate)},
                                      {"weight", weighed ? Json(ev.weight) : Json()},
                                      {"accepted", counted ? Json(ev.accepted) : Json()},
                                      {"capped", ev.capped},
                                      {"decay", counted ? Json(ev.decay) : Json()},
                                      {"contribution", ev.contribution}});
      }
      rules.push_back(Json::Object{{"rule", rt.text}, {"where", rt.where}, {"events", std::move(events)}, {"total", rt.total}});
    }
    Json scale;
    if (sc.scale.kind == ir::ScaleKind::Linear)
      scale = Json::Object{{"kind", "linear"}, {"lo", sc.scale.lo}, {"hi", sc.scale.hi}, {"a", sc.scale.a},
                           {"b", sc.scale.b},  {"unclamped", st.unclamped}, {"value", st.value}};
    else if (sc.scale.kind == ir::ScaleKind::Percentile)
      scale = Json::Object{{"kind", "percentile"}, {"a", sc.scale.a}, {"b", sc.scale.b}, {"lower", st.lower},
                           {"population", st.population}, {"value", st.value}};
    const char* decay = sc.decay == ir::DecayKind::HalfLife ? "half_life" : sc.decay == ir::DecayKind::Linear ? "linear" : "none";
    scores.push_back(Json::Object{
        {"name", st.name},
        {"decay", Json::Object{{"kind", decay}, {"seconds", sc.decay == ir::DecayKind::None ? Json() : Json(sc.decay_param)}}},
        {"window_seconds", sc.window > 0 ? Json(sc.window) : Json()},
        {"rules", std::move(rules)},
        {"events_after_as_of", st.after_as_of},
        {"events_sum", st.events_sum},
        {"terms", terms_json(st.terms)},
        {"terms_sum", st.terms_sum},
        {"raw", st.raw},
        {"engine_raw", st.engine_raw},
        {"scale", std::move(scale)},
        {"value", st.engine_value},
        {"tier", tier_json(sc.tiers, st.tier)}});
  }
  Json::Array grades;
  for (size_t g = 0; g < e.grades.size(); ++g) {
    const auto& gt = e.grades[g];
    grades.push_back(Json::Object{{"name", gt.name},
                                  {"terms", terms_json(gt.terms)},
                                  {"points", gt.points},
                                  {"engine_points", gt.engine_points},
                                  {"letter", tier_json(p.grades[g].letters, gt.letter)}});
  }
  Json::Array segments;
  for (const auto& s : e.segments)
    segments.push_back(Json::Object{{"name", s.name}, {"member", s.member}, {"condition", s.condition}});
  Json::Array errors;
  for (const auto& m : e.mismatches) errors.push_back(m);
  Json doc = Json::Object{{"user", e.user},
                          {"events_file", e.events_path},
                          {"as_of", format_iso8601(e.as_of)},
                          {"as_of_from_events", e.as_of_from_events},
                          {"scores", std::move(scores)},
                          {"grades", std::move(grades)},
                          {"segments", std::move(segments)},
                          {"internal_errors", std::move(errors)}};
  std::string out;
  print_json(out, doc);
  out += "\n";
  return out;
}

}  // namespace scorec::report
