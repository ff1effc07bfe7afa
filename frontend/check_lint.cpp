// Warnings: things that check but are almost certainly not what the author meant.
// Each is provable from the rules alone (no data): a condition or comparison whose
// result is known, a rule that repeats another, a cap that a count limit keeps out of
// reach, a constant weight larger than the whole scale, declarations nothing uses.
// Codes W0xx; docs/diagnostics.md.
#include <cmath>

#include "frontend/checker_impl.h"
#include "ir/value_ops.h"
#include "support/hash.h"

namespace scorec::frontend::detail {

namespace {

std::string signed_number(double v) { return (v > 0 ? "+" : "") + format_number(v); }

bool is_comparison(Op op) {
  return op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge || op == Op::Eq || op == Op::Ne;
}

// Mirrors a comparison so the constant is on the right: 3 < x  ==  x > 3.
Op mirror(Op op) {
  switch (op) {
    case Op::Lt: return Op::Gt;
    case Op::Le: return Op::Ge;
    case Op::Gt: return Op::Lt;
    case Op::Ge: return Op::Le;
    case Op::Eq:
    case Op::Ne:
    case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
    case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
    case Op::SegmentRef: case Op::Neg: case Op::Not: case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
    case Op::Mod: case Op::And: case Op::Or: case Op::Coalesce: case Op::Has: case Op::InSet:
    case Op::ListContains: case Op::Call: case Op::ListLit: break;  // symmetric, or not a comparison
  }
  return op;
}

}  // namespace

bool Checker::same(const ir::Expr& a, const ir::Expr& b) {
  if (a.op != b.op || a.type != b.type || a.valid != b.valid || a.index != b.index || a.index2 != b.index2 ||
      a.args.size() != b.args.size())
    return false;
  if (a.op == Op::Const && a.valid && a.value != b.value) return false;
  if (a.op == Op::AggRead && a.agg != b.agg) return false;
  if (a.op == Op::Call && a.fn != b.fn) return false;
  for (size_t i = 0; i < a.args.size(); ++i)
    if (!same(a.args[i], b.args[i])) return false;
  return true;
}

namespace {
template <class T>
uint64_t mix(uint64_t h, T v) {
  return fnv1a64(std::string_view(reinterpret_cast<const char*>(&v), sizeof v), h);
}
}  // namespace

uint64_t Checker::shape_hash(const ir::Expr& a, uint64_t h) {
  h = mix(h, static_cast<int>(a.op));
  h = mix(h, static_cast<int>(a.type));
  h = mix(h, a.valid);
  h = mix(h, a.index);
  h = mix(h, a.index2);
  h = mix(h, a.args.size());
  // same() compares values with ==, so 0.0 and -0.0 must hash alike.
  if (a.op == Op::Const && a.valid) h = mix(h, a.value == 0 ? 0.0 : a.value);
  if (a.op == Op::AggRead) h = mix(h, static_cast<int>(a.agg));
  if (a.op == Op::Call) h = mix(h, static_cast<int>(a.fn));
  for (const auto& x : a.args) h = shape_hash(x, h);
  return h;
}

void Checker::lint_comparison(const Expr& e, Op op, const ir::Expr& a, const ir::Expr& b, const Scope& scope) {
  if (scope.ctx == Context::Const) return;
  auto pend = [&](bool value, std::string hint) {
    pending_.push_back({Severity::Warning, whole(e), fmt::format("this comparison is always {}", value ? "true" : "false"),
                        std::move(hint), "W030"});
  };
  if (a.op == Op::Const && b.op == Op::Const) {
    auto r = ir::apply_binary(op, {a.value, a.valid}, {b.value, b.valid});
    pend(r.ok && r.v != 0, "both sides are constants, known before any event is read");
    return;
  }
  // count(...) is a whole number, 0 or more.
  const ir::Expr* count = nullptr;
  const ir::Expr* k = nullptr;
  if (a.op == Op::AggRead && a.agg == ir::AggKind::Count && b.op == Op::Const && b.valid) {
    count = &a;
    k = &b;
  } else if (b.op == Op::AggRead && b.agg == ir::AggKind::Count && a.op == Op::Const && a.valid) {
    count = &b;
    k = &a;
    op = mirror(op);
  }
  if (!count) return;
  double c = k->value;
  bool whole_number = c == std::floor(c);
  std::optional<bool> always;
  switch (op) {
    case Op::Ge: if (c <= 0) always = true; break;
    case Op::Gt: if (c < 0) always = true; break;
    case Op::Lt: if (c <= 0) always = false; break;
    case Op::Le: if (c < 0) always = false; break;
    case Op::Eq: if (c < 0 || !whole_number) always = false; break;
    case Op::Ne: if (c < 0 || !whole_number) always = true; break;
    case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
    case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
    case Op::SegmentRef: case Op::Neg: case Op::Not: case Op::Add: case Op::Sub: case Op::Mul: case Op::Div:
    case Op::Mod: case Op::And: case Op::Or: case Op::Coalesce: case Op::Has: case Op::InSet:
    case Op::ListContains: case Op::Call: case Op::ListLit: break;  // not a comparison
  }
  if (!always) return;
  std::string hint = "a count is a whole number of events, 0 or more";
  if (op == Op::Ge && c == 0) hint += "; for 'at least one', compare with '> 0' or '>= 1'";
  pend(*always, hint);
}

void Checker::lint_logic(const Expr& e, Op op, const ir::Expr& a, const ir::Expr& b, const Scope& scope) {
  if (scope.ctx == Context::Const || (op != Op::And && op != Op::Or)) return;
  // `false and x`, `x or true`: a constant side decides (node() folds only when both are).
  bool decider = op == Op::Or;
  for (const ir::Expr* side : {&a, &b}) {
    if (side->op == Op::Const && (side->valid && side->value != 0) == decider && !(a.op == Op::Const && b.op == Op::Const)) {
      pending_.push_back({Severity::Warning, whole(e), fmt::format("this condition is always {}", decider ? "true" : "false"),
                          fmt::format("one side is the constant {}, which decides '{}' whatever the other side is",
                                      decider ? "true" : "false", op == Op::Or ? "or" : "and"),
                          "W030"});
      return;
    }
  }
  // `p or not p` / `p and not p`, for a p that is never null: has() and comparisons
  // (a comparison with a missing value is false, not null).
  auto never_null = [](const ir::Expr& x) { return x.op == Op::Has || is_comparison(x.op); };
  auto negation_of = [&](const ir::Expr& n, const ir::Expr& p) {
    return n.op == Op::Not && n.args.size() == 1 && never_null(p) && same(n.args[0], p);
  };
  if (!negation_of(a, b) && !negation_of(b, a)) return;
  bool value = op == Op::Or;
  pending_.push_back({Severity::Warning, whole(e), fmt::format("this condition is always {}", value ? "true" : "false"),
                      value ? "one side is the negation of the other, so one of them always holds"
                            : "one side is the negation of the other, so they never hold together",
                      "W030"});
}

void Checker::warn(std::string_view code, Loc loc, std::string message, std::string hint) {
  warnings_.push_back({Severity::Warning, loc, std::move(message), std::move(hint), std::string(code)});
}

void Checker::flush_pending(size_t from) {
  for (size_t i = from; i < pending_.size(); ++i) {
    const auto& d = pending_[i];
    warn(d.code, d.loc, d.message, d.hint);
  }
  pending_.resize(std::min(from, pending_.size()));
}

void Checker::lint_condition(const Expr& e, const ir::Expr& c, size_t mark, const char* what) {
  if (c.op != Op::Const) {
    flush_pending(mark);
    return;
  }
  // The whole condition is known: one warning for it, not one per comparison inside.
  pending_.resize(mark);
  bool value = c.valid && c.value != 0;
  bool segment = std::string_view(what) == "segment";
  if (!value) {
    warn("W020", whole(e),
                   segment ? "this condition is always false, so the segment never holds for anyone"
                           : "this condition is always false, so the rule never applies",
                   "it does not depend on any event or user; check the constants it uses");
  } else {
    warn("W022", whole(e),
                   segment ? "this condition is always true, so the segment holds for every user"
                           : "this condition is always true, so it can be left out",
                   "it does not depend on any event or user; check the constants it uses");
  }
}

void Checker::lint_event_rule(const ir::EventRule& rule, const OnRule& r) {
  const auto& rules = b_.program().rules;
  uint64_t h = mix(mix(mix(0xcbf29ce484222325ull, rule.score), rule.event), rule.has_cond);
  if (rule.has_cond) h = shape_hash(rule.cond, h);
  h = shape_hash(rule.weight, h);
  auto& candidates = rule_index_[h];
  for (size_t i : candidates) {  // in rule order: the first repeat is reported
    const auto& old = rules[i];
    if (old.score != rule.score || old.event != rule.event || old.has_cond != rule.has_cond) continue;
    if (rule.has_cond && !same(old.cond, rule.cond)) continue;
    if (!same(old.weight, rule.weight) || old.cap != rule.cap || old.cap_period != rule.cap_period ||
        old.limit != rule.limit || old.limit_period != rule.limit_period)
      continue;
    warn("W021", r.loc, fmt::format("this rule repeats the rule at {}", old.where),
                   "both apply, so every matching event scores twice; remove one, or change its condition or weight");
    break;
  }
  candidates.push_back(rules.size());  // the caller appends the rule next
  // A cap with a count limit and a constant weight: the limit bounds what a cap
  // bucket can collect. Provable only when each cap bucket holds whole limit buckets.
  if (rule.cap <= 0 || rule.limit <= 0 || rule.weight.op != Op::Const || !rule.weight.valid) return;
  double events = 0;
  if (rule.limit_period == 0) {
    events = static_cast<double>(rule.limit);
  } else if (rule.cap_period > 0 && std::fmod(rule.cap_period, rule.limit_period) == 0) {
    events = static_cast<double>(rule.limit) * (rule.cap_period / rule.limit_period);
  } else {
    return;
  }
  double w = std::fabs(rule.weight.value);
  double total = events * w;
  if (total > rule.cap) return;
  Loc at = r.loc;
  for (const auto& m : r.modifiers)
    if (m.kind == ModifierKind::Cap) at = m.loc;
  std::string per = rule.cap_period > 0 ? " per " + format_duration(rule.cap_period) : "";
  warn("W040", at,
                 fmt::format("this cap never binds: the count limit lets at most {} event{} of {} points count{}, {} in all, "
                             "and the cap is {}",
                             format_number(events), events == 1 ? "" : "s", format_number(w), per, format_number(total),
                             format_number(rule.cap)),
                 fmt::format("remove the cap, or lower it below {}", format_number(total)));
}

void Checker::lint_user_term(const ir::UserTerm& term, const std::vector<ir::UserTerm>& earlier, const WhenRule& w) {
  if (earlier.empty()) term_index_.clear();  // the first term of a score
  auto& candidates = term_index_[shape_hash(term.weight, shape_hash(term.cond, 0xcbf29ce484222325ull))];
  for (size_t i : candidates) {
    const auto& old = earlier[i];
    if (!same(old.cond, term.cond) || !same(old.weight, term.weight)) continue;
    warn("W021", w.loc, fmt::format("this rule repeats the rule at {}", old.where),
                   "both apply, so every matching user gets the points twice; remove one, or change its condition or weight");
    break;
  }
  candidates.push_back(earlier.size());  // the caller appends the term next
}

void Checker::lint_weights(const ir::Score& out) {
  if (out.scale.kind != ir::ScaleKind::Linear) return;
  double span = out.scale.hi - out.scale.lo;
  for (const auto& cw : const_weights_) {
    if (std::fabs(cw.value) <= span) continue;
    warn(
        "W050", cw.loc,
        fmt::format("a weight of {} is more than the scale's whole raw range {}..{}", signed_number(cw.value),
                    format_number(out.scale.lo), format_number(out.scale.hi)),
        fmt::format("{} alone takes a user from one end of the scale past the other, so the scaled score cannot tell "
                    "such users apart; use a smaller weight, or widen 'scale linear'",
                    cw.per_user ? "matching it" : "one such event"));
  }
}

void Checker::lint_unused() {
  if (modules_.empty()) return;
  const Module& main = modules_.back();
  // A file of declarations only (a shared schema, meant to be imported) uses nothing itself.
  if (main.scores.empty() && main.grades.empty() && main.segments.empty()) return;
  const auto& schema = b_.program().schema;
  for (const auto& ev : main.events) {
    int i = schema.find_event(ev.name);
    if (i >= 0 && !used_events_.count(i))
      warn("W010", ev.loc, fmt::format("event '{}' is declared but no rule or aggregate uses it", ev.name),
                     fmt::format("remove it, or score it with 'on {} +N'", ev.name));
  }
  for (const auto& pd : main.profiles)
    for (const auto& f : pd.fields) {
      int i = schema.find_attr(f.name);
      if (i >= 0 && !used_attrs_.count(i))
        warn("W012", f.loc, fmt::format("profile attribute '{}' is declared but never used", f.name),
                       "remove it, or use it in a 'when' rule, a grade or a segment");
    }
  for (const auto& c : main.consts)
    if (!used_consts_.count(c.name))
      warn("W011", c.loc, fmt::format("constant '{}' is never used", c.name), "remove it, or use it in a rule");
}

}  // namespace scorec::frontend::detail
