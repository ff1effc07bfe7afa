#include "ir/printer.h"

#include <fmt/format.h>

#include "ir/value_ops.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::ir {
namespace {

std::string column_name(const Program& p, int column) {
  for (const auto& ev : p.schema.events)
    for (const auto& pr : ev.props)
      if (pr.column == column) return ev.name + "." + pr.name;
  return fmt::format("col{}", column);
}

std::string constant(const Program& p, const Expr& e) {
  if (!e.valid) return "null";
  switch (e.type) {
    case Type::String: return fmt::format("\"{}\"", p.strings.at(static_cast<size_t>(e.value)));
    case Type::Bool: return e.value != 0 ? "true" : "false";
    case Type::Duration: return format_duration(e.value);
    case Type::Timestamp: return format_iso8601(e.value);
    case Type::Number:
    case Type::StringList:
    case Type::Null: break;
  }
  return format_number(e.value);
}

std::string window_text(double w) { return w > 0 ? fmt::format(" within {}", format_duration(w)) : ""; }

std::string tier_text(const Tier& t) {
  switch (t.kind) {
    case Tier::Threshold: return fmt::format("{} >= {}", t.name, format_number(t.min));
    case Tier::Range: return fmt::format("{} {}..{}", t.name, format_number(t.min), format_number(t.max));
    case Tier::CatchAll: return t.name;
  }
  return t.name;
}

std::string decay_text(DecayKind k, double param) {
  const DecayInfo d = decay_info(k);
  return d.param[0] ? fmt::format("{} {}", d.name, format_duration(param)) : std::string(d.name);
}

std::string period_text(double period) { return period > 0 ? " per " + format_duration(period) : " lifetime"; }

}  // namespace

std::string print_expr(const Program& p, const Expr& e) {
  auto arg = [&](size_t i) { return print_expr(p, e.args[i]); };
  switch (e.op) {
    case Op::Const: return constant(p, e);
    case Op::EventProp: return "event." + column_name(p, e.index);
    case Op::ProfileAttr: return "profile." + p.schema.profile[e.index].name;
    case Op::AggRead:
      return e.index2 >= 0 && e.index2 != e.index ? fmt::format("{}(%{}, n=%{})", agg_info(e.agg).name, e.index, e.index2)
                                                 : fmt::format("{}(%{})", agg_info(e.agg).name, e.index);
    case Op::AsOf: return "as_of";
    case Op::ScoreRaw: return p.scores[e.index].name + ".raw";
    case Op::ScoreValue: return p.scores[e.index].name + ".score";
    case Op::ScoreTier: return p.scores[e.index].name + ".tier";
    case Op::GradePoints: return p.grades[e.index].name + ".points";
    case Op::GradeLetter: return p.grades[e.index].name + ".letter";
    case Op::SegmentRef: return "segment." + p.segments[e.index].name;
    case Op::Neg: return "-" + arg(0);
    case Op::Not: return "not " + arg(0);
    case Op::Has: return "has(" + arg(0) + ")";
    case Op::InSet:
    case Op::ListContains:
    case Op::ListLit: {
      std::string items;
      size_t first = e.op == Op::ListLit ? 0 : 1;
      for (size_t i = first; i < e.args.size(); ++i) items += (i > first ? ", " : "") + arg(i);
      if (e.op == Op::ListLit) return "[" + items + "]";
      const char* in = e.index == 1 ? "not in" : "in";
      if (e.op == Op::InSet) return fmt::format("({} {} [{}])", arg(0), in, items);
      return fmt::format("({} {} {})", arg(0), in, arg(1));
    }
    case Op::Call: {
      std::string items;
      for (size_t i = 0; i < e.args.size(); ++i) items += (i ? ", " : "") + arg(i);
      return fmt::format("{}({})", builtins::info(e.fn).name, items);
    }
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
    case Op::And: case Op::Or: case Op::Coalesce: break;
  }
  return fmt::format("({} {} {})", arg(0), op_name(e.op), arg(1));
}

std::string print_program(const Program& p) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line("schema:");
  for (size_t i = 0; i < p.schema.events.size(); ++i) {
    const auto& ev = p.schema.events[i];
    std::string props;
    for (const auto& pr : ev.props) props += fmt::format("{}{}: {} @col{}", props.empty() ? "" : ", ", pr.name, type_name(pr.type), pr.column);
    line(fmt::format("  event #{} {} {{ {} }}", i, ev.name, props));
  }
  if (!p.schema.profile.empty()) {
    std::string attrs;
    for (size_t i = 0; i < p.schema.profile.size(); ++i)
      attrs += fmt::format("{}{}: {}", i ? ", " : "", p.schema.profile[i].name, type_name(p.schema.profile[i].type));
    line(fmt::format("  profile {{ {} }}", attrs));
  }
  line(fmt::format("state: {} slot{} per user ({} bytes)", p.slots.size(), p.slots.size() == 1 ? "" : "s",
                   p.slots.size() * sizeof(double)));
  for (size_t i = 0; i < p.slots.size(); ++i)
    line(fmt::format("  %{} = {}  ; {}", i, format_number(p.slots[i].init), p.slots[i].name));
  line("per-event update:");
  for (size_t ev = 0; ev < p.schema.events.size(); ++ev) {
    if (p.aggs_by_event[ev].empty() && p.rules_by_event[ev].empty()) continue;
    line(fmt::format("  on {}:", p.schema.events[ev].name));
    for (int ai : p.aggs_by_event[ev]) {
      const auto& a = p.aggs[ai];
      std::string what = a.column < 0 ? "event.time" : "event." + column_name(p, a.column);
      switch (a.kind) {
        case UpdateKind::Count:
          line(fmt::format("    %{} += {}{}", a.slot, a.column < 0 ? "1" : "has(" + what + ")", window_text(a.window)));
          break;
        case UpdateKind::Sum: line(fmt::format("    %{} += {}{}", a.slot, what, window_text(a.window))); break;
        case UpdateKind::Min: line(fmt::format("    %{} = min(%{}, {}){}", a.slot, a.slot, what, window_text(a.window))); break;
        case UpdateKind::Max: line(fmt::format("    %{} = max(%{}, {}){}", a.slot, a.slot, what, window_text(a.window))); break;
      }
    }
    for (int ri : p.rules_by_event[ev]) {
      const auto& r = p.rules[ri];
      const auto& s = p.scores[r.score];
      line(fmt::format("    rule {} ({}) -> %{}", r.id, r.label, s.raw_slot));
      if (r.has_cond) line("      when " + print_expr(p, r.cond));
      line("      weight " + print_expr(p, r.weight));
      if (r.limit > 0)
        line(fmt::format("      limit {}{} using %{} %{}", r.limit, period_text(r.limit_period), r.limit_bucket_slot, r.limit_count_slot));
      if (r.cap > 0)
        line(fmt::format("      cap {}{} using %{} %{}", format_number(r.cap), period_text(r.cap_period), r.cap_bucket_slot, r.cap_used_slot));
      line(fmt::format("      decay {}{}", decay_text(s.decay, s.decay_param), s.window > 0 ? ", window " + format_duration(s.window) : ""));
    }
  }
  line("finalize:");
  for (const auto& s : p.scores) {
    line(fmt::format("  score {} = %{}{}", s.name, s.raw_slot, s.terms.empty() ? "" : " + terms"));
    for (const auto& t : s.terms) line(fmt::format("    when {} add {}", print_expr(p, t.cond), print_expr(p, t.weight)));
    if (s.scale.kind == ScaleKind::Linear)
      line(fmt::format("    scale linear {}..{} to {}..{}", format_number(s.scale.lo), format_number(s.scale.hi), s.scale.a, s.scale.b));
    if (s.scale.kind == ScaleKind::Percentile) line(fmt::format("    scale percentile {}..{}", s.scale.a, s.scale.b));
    if (!s.tiers.empty()) {
      std::string ts;
      for (const auto& t : s.tiers) ts += (ts.empty() ? "" : ", ") + tier_text(t);
      line("    tiers " + ts);
    }
  }
  for (const auto& g : p.grades) {
    line(fmt::format("  grade {}", g.name));
    for (const auto& t : g.terms) line(fmt::format("    when {} add {}", print_expr(p, t.cond), print_expr(p, t.weight)));
    std::string ts;
    for (const auto& t : g.letters) ts += (ts.empty() ? "" : ", ") + tier_text(t);
    line("    letters " + ts);
  }
  for (const auto& s : p.segments) line(fmt::format("  segment {} = {}", s.name, print_expr(p, s.cond)));
  return out;
}

}  // namespace scorec::ir
