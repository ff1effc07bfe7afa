// Declarations (schema, names, constants), scores, grades and segments.
#include "frontend/checker.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "frontend/checker_impl.h"

namespace scorec::frontend::detail {

std::optional<ir::Program> Checker::run() {
  collect_schema();
  collect_names();
  for (auto& [name, info] : consts_) check_const(name, info.decl->loc);
  for (auto* s : scores_) check_score(*s);
  for (auto* g : grades_) check_grade(*g);
  for (size_t i = 0; i < segments_.size(); ++i) check_segment(*segments_[i], static_cast<int>(i));
  check_tests();
  flush_pending(0);
  // Warnings only once the file checks: after a syntax error the recovered rules are
  // not what the author wrote, and a typo in an event name would make the event "unused".
  if (diags_.has_errors()) return std::nullopt;
  for (const auto* s : empty_scores_)
    warn("W001", s->loc, fmt::format("score '{}' has no rules, so every user scores 0", s->name), "");
  lint_unused();
  for (auto& w : warnings_) diags_.warning(w.code, w.loc, std::move(w.message), std::move(w.hint));
  return b_.finish();
}

std::optional<Type> Checker::field_type(const Field& f) {
  if (auto t = ir::type_from_name(f.type_text)) return t;
  std::vector<std::string> names = {"string", "number", "bool", "timestamp", "duration", "list<string>"};
  auto m = closest_match(f.type_text, names);
  diags_.error("E014", f.type_loc, fmt::format("unknown type '{}'", f.type_text),
               m ? fmt::format("did you mean '{}'?", *m)
                 : "the types are string, number, bool, timestamp, duration and list<string>");
  return std::nullopt;
}

void Checker::collect_schema() {
  auto& schema = b_.program().schema;
  std::map<std::string, Loc> attr_locs;
  for (auto& m : modules_) {
    const bool imported = &m != &modules_.back();  // the rules file itself comes last
    for (auto& ev : m.events) {
      std::vector<ir::PropDecl> props;
      std::set<std::string> seen;
      for (auto& f : ev.fields) {
        if (!seen.insert(f.name).second) {
          diags_.error("E017", f.loc, fmt::format("property '{}' is declared twice in event '{}'", f.name, ev.name));
          continue;
        }
        auto t = field_type(f);
        props.push_back({f.name, t.value_or(Type::Number), -1});
      }
      int existing = schema.find_event(ev.name);
      if (existing >= 0) {
        if (!imported) schema.events[existing].imported = false;
        // The same event declared by two files (an import and the main file) is fine
        // as long as the declarations agree.
        const auto& old = schema.events[existing].props;
        bool same = old.size() == props.size();
        for (size_t i = 0; same && i < old.size(); ++i) same = old[i].name == props[i].name && old[i].type == props[i].type;
        if (!same) {
          diags_.error("E017", ev.loc, fmt::format("event '{}' is declared again with different properties", ev.name),
                       fmt::format("the first declaration is at {}", where(event_locs_[ev.name])));
        }
        continue;
      }
      // Input names match a declared event in one spelling (support/text.h), so two
      // events with one spelling would both claim `Order Completed`.
      auto [same_key, fresh_key] = event_keys_.emplace(event_name_key(ev.name), ev.name);
      if (!fresh_key)
        diags_.error("E019", ev.loc,
                     fmt::format("events '{}' and '{}' read the same input names (both are '{}' in one spelling)",
                                 same_key->second, ev.name, same_key->first),
                     fmt::format("'{}' is declared at {}; input event names match declared ones ignoring case, with "
                                 "spaces, '-' and '.' as '_' and CamelCase split: rename one of the two",
                                 same_key->second, where(event_locs_[same_key->second])));
      for (auto& p : props) p.column = schema.num_columns++;
      schema.events.push_back({ev.name, std::move(props), imported});
      event_locs_[ev.name] = ev.loc;
    }
    for (auto& pd : m.profiles) {
      for (auto& f : pd.fields) {
        auto t = field_type(f);
        int existing = schema.find_attr(f.name);
        if (existing >= 0) {
          if (t && schema.profile[existing].type != *t)
            diags_.error("E017", f.loc, fmt::format("profile attribute '{}' is declared again with type {} (it was {})", f.name,
                                            type_str(*t), type_str(schema.profile[existing].type)),
                         fmt::format("the first declaration is at {}", where(attr_locs[f.name])));
          continue;
        }
        schema.profile.push_back({f.name, t.value_or(Type::String)});
        attr_locs[f.name] = f.loc;
      }
    }
  }
}

std::string Checker::where(Loc l) const {
  if (!l.valid()) return "?";
  return fmt::format("{}:{}:{}", sources_.path(l.file), l.line, l.col);
}

void Checker::declare(const std::string& name, Loc loc, const char* what) {
  auto it = top_names_.find(name);
  if (it != top_names_.end()) {
    diags_.error("E017", loc, fmt::format("'{}' is already defined as a {}", name, it->second.second),
                 fmt::format("the other definition is at {}; names of constants, scores, grades and segments must be unique",
                             where(it->second.first)));
    return;
  }
  top_names_[name] = {loc, what};
}

void Checker::collect_names() {
  for (auto& m : modules_) {
    for (auto& c : m.consts) {
      declare(c.name, c.loc, "constant");
      if (!consts_.count(c.name)) consts_[c.name].decl = &c;
    }
    for (auto& s : m.scores) {
      declare(s.name, s.loc, "score");
      score_index_[s.name] = static_cast<int>(scores_.size());
      scores_.push_back(&s);
    }
    for (auto& g : m.grades) {
      declare(g.name, g.loc, "grade");
      grade_index_[g.name] = static_cast<int>(grades_.size());
      grades_.push_back(&g);
    }
    for (auto& s : m.segments) {
      declare(s.name, s.loc, "segment");
      segment_index_[s.name] = static_cast<int>(segments_.size());
      segments_.push_back(&s);
    }
  }
  // Outputs exist before their bodies are checked, so segments can refer to them.
  auto& p = b_.program();
  for (auto* s : scores_) p.scores.push_back({s->name});
  for (auto* g : grades_) p.grades.push_back({g->name});
  for (auto* s : segments_) p.segments.push_back({s->name, {}});
}

std::optional<ir::Expr> Checker::check_const(const std::string& name, Loc use) {
  auto& info = consts_[name];
  if (info.state == ConstInfo::Done) return info.value;
  if (info.state == ConstInfo::Failed) return std::nullopt;
  if (info.state == ConstInfo::Checking) {
    std::string chain;
    auto from = std::find(const_stack_.begin(), const_stack_.end(), name);
    for (auto it = from; it != const_stack_.end(); ++it) chain += *it + " -> ";
    diags_.error("E040", use, fmt::format("constant '{}' is defined in terms of itself: {}{}", name, chain, name));
    info.state = ConstInfo::Failed;
    return std::nullopt;
  }
  info.state = ConstInfo::Checking;
  const_stack_.push_back(name);
  auto v = expr(*info.decl->value, {Context::Const});
  const_stack_.pop_back();
  if (v && v->op != Op::Const && v->op != Op::ListLit) {
    diags_.error("E041", info.decl->value->loc, fmt::format("the value of constant '{}' is not a constant", name),
                 "constants are made of literals, other constants and functions");
    v.reset();
  }
  if (v && v->op == Op::Const && !v->valid && v->type != Type::Null) {
    diags_.error("E042", whole(*info.decl->value), fmt::format("the value of constant '{}' is null", name),
                 "a division by zero, or a function outside its domain such as log(0) or sqrt(-1)");
    v.reset();
  }
  if (!v) {
    info.state = ConstInfo::Failed;
    return std::nullopt;
  }
  info.state = ConstInfo::Done;
  info.value = *v;
  return v;
}

std::optional<double> Checker::constant(const Expr* e, Type want, const char* what, Loc fallback) {
  if (!e) {
    diags_.error("E044", fallback, fmt::format("{} is missing", what));
    return std::nullopt;
  }
  auto v = expr(*e, {Context::Const});
  if (!v) return std::nullopt;
  if (v->op != Op::Const || !v->valid) {
    diags_.error("E041", e->loc, fmt::format("{} must be a constant", what));
    return std::nullopt;
  }
  if (v->type != want) {
    std::string hint;
    if (want == Type::Duration && v->type == Type::Number)
      hint = fmt::format("write a duration with a unit, like {}d", format_number(v->value));
    diags_.error("E043", e->loc, fmt::format("{} must be a {}, not a {}", what, type_str(want), type_str(v->type)), hint);
    return std::nullopt;
  }
  if (!std::isfinite(v->value)) {
    diags_.error("E044", whole(*e), fmt::format("{} is too large", what));
    return std::nullopt;
  }
  return v->value;
}

std::optional<double> Checker::positive(const Expr* e, Type want, const char* what, Loc fallback) {
  auto v = constant(e, want, what, fallback);
  if (v && *v <= 0) {
    diags_.error("E044", whole(*e), fmt::format("{} must be greater than zero", what));
    return std::nullopt;
  }
  if (v && want == Type::Duration && *v > kMaxDurationSeconds) {
    diags_.error("E044", whole(*e), fmt::format("{} is longer than {}", what, format_duration(kMaxDurationSeconds)),
                 "use a shorter duration; a million days is already 'forever' for scoring");
    return std::nullopt;
  }
  return v;
}

void Checker::check_score(ScoreDecl& s) {
  int index = score_index_[s.name];
  ir::Score& out = b_.program().scores[index];
  out.raw_slot = b_.add_slot(s.name + ".raw", 0);
  if (s.decay) {
    const auto& d = *s.decay;
    if (auto kind = ir::decay_named(d.kind)) {
      const ir::DecayInfo info = ir::decay_info(*kind);
      out.decay = *kind;
      if (!*info.param) {
        if (d.param) diags_.error("E044", d.param->loc, fmt::format("'decay {}' takes no duration", info.name));
      } else if (auto v = positive(d.param.get(), Type::Duration, info.param, d.kind_loc)) {
        out.decay_param = *v;
      }
    } else {
      std::vector<std::string> names, examples;
      for (uint8_t k = 0; k < ir::kDecayKindCount; ++k) {
        names.emplace_back(ir::decay_info(static_cast<ir::DecayKind>(k)).name);
        examples.push_back(fmt::format("'decay {}'", ir::decay_info(static_cast<ir::DecayKind>(k)).example));
      }
      auto m = closest_match(d.kind, names);
      diags_.error("E015", d.kind_loc, fmt::format("unknown decay '{}'", d.kind),
                   m ? fmt::format("did you mean '{}'?", *m) : "use " + join_or(examples));
    }
  }
  if (s.window) {
    if (auto v = positive(s.window.get(), Type::Duration, "the window", s.window_loc)) out.window = *v;
  }
  const_weights_.clear();
  for (auto& r : s.on_rules) check_on_rule(r, s, index);
  for (auto& w : s.when_rules) {
    if (auto t = user_term(w, s.name)) {
      lint_user_term(*t, out.terms, w);
      out.terms.push_back(std::move(*t));
    }
  }
  if (s.scale) check_scale(*s.scale, out);
  if (s.tiers) out.tiers = check_tiers(*s.tiers, out.scale, "tier", s.name);
  lint_weights(out);
  if (s.on_rules.empty() && s.when_rules.empty()) empty_scores_.push_back(&s);
}

std::string Checker::rule_label(const std::string& owner, Loc l) {
  // The rule's source line with runs of blanks folded, so aligned columns read well.
  std::string text;
  for (char c : trim(sources_.line_text(l.file, l.line))) {
    bool blank = c == ' ' || c == '\t';
    if (blank && (text.empty() || text.back() == ' ')) continue;
    text += blank ? ' ' : c;
  }
  return fmt::format("{}: {}", owner, text);
}

void Checker::check_on_rule(OnRule& r, const ScoreDecl& s, int score) {
  const auto& schema = b_.program().schema;
  int ev = schema.find_event(r.event);
  if (ev < 0) {
    std::vector<std::string> names;
    for (auto& e : schema.events) names.push_back(e.name);
    auto m = closest_match(r.event, names);
    diags_.error("E010", r.event_loc, fmt::format("unknown event '{}'", r.event),
                 m ? fmt::format("did you mean '{}'?", *m)
                   : fmt::format("declare it first: event {} {{ ... }}", r.event));
    return;
  }
  used_events_.insert(ev);
  ir::EventRule rule;
  rule.id = static_cast<int>(b_.program().rules.size());
  rule.event = ev;
  rule.score = score;
  rule.label = rule_label(s.name, r.loc);
  rule.where = where(r.loc);
  Scope scope{Context::Event, ev};
  bool ok = true;
  if (r.cond) {
    auto c = condition(*r.cond, scope);
    if (c) {
      rule.has_cond = true;
      rule.cond = std::move(*c);
    } else {
      ok = false;
    }
  }
  if (!r.weight) return;  // reported by the parser
  auto w = weight(*r.weight, scope);
  if (!w) ok = false; else rule.weight = std::move(*w);
  if (w && w->op == Op::Const && w->valid) const_weights_.push_back({weight_loc(*r.weight), w->value, false});
  bool have_count_limit = false;
  for (auto& m : r.modifiers) {
    switch (m.kind) {
      case ModifierKind::Cap: {
        if (rule.cap > 0) diags_.error("E004", m.loc, "this rule has more than one cap");
        auto v = positive(m.amount.get(), Type::Number, "the cap", m.loc);
        if (!v) { ok = false; break; }
        rule.cap = *v;
        if (m.period) {
          auto p = positive(m.period.get(), Type::Duration, "the cap period", m.loc);
          if (!p) { ok = false; break; }
          rule.cap_period = *p;
        }
        rule.cap_bucket_slot = b_.add_slot(fmt::format("rule {} cap bucket", rule.id), -1);
        rule.cap_used_slot = b_.add_slot(fmt::format("rule {} cap used", rule.id), 0);
        break;
      }
      case ModifierKind::Limit:
      case ModifierKind::Once: {
        if (have_count_limit) {
          diags_.error("E004", m.loc, "this rule has more than one count limit", "use either 'once' or 'limit N'");
          break;
        }
        have_count_limit = true;
        if (m.kind == ModifierKind::Once) {
          rule.limit = 1;
        } else {
          auto v = positive(m.amount.get(), Type::Number, "the limit", m.loc);
          if (!v) { ok = false; break; }
          if (*v != std::floor(*v)) {
            diags_.error("E044", m.amount->loc, "the limit must be a whole number of events");
            ok = false;
            break;
          }
          if (*v > kMaxWholeNumber) {
            diags_.error("E044", m.amount->loc, fmt::format("the limit must be at most {}", format_number(kMaxWholeNumber)),
                         "a rule without 'limit' has no limit at all");
            ok = false;
            break;
          }
          rule.limit = static_cast<int64_t>(*v);
          if (m.period) {
            auto p = positive(m.period.get(), Type::Duration, "the limit period", m.loc);
            if (!p) { ok = false; break; }
            rule.limit_period = *p;
          }
        }
        rule.limit_bucket_slot = b_.add_slot(fmt::format("rule {} limit bucket", rule.id), -1);
        rule.limit_count_slot = b_.add_slot(fmt::format("rule {} limit count", rule.id), 0);
        break;
      }
    }
  }
  if (!ok) return;
  lint_event_rule(rule, r);
  b_.program().rules.push_back(std::move(rule));
}

std::optional<ir::UserTerm> Checker::user_term(WhenRule& w, const std::string& owner) {
  if (!w.cond || !w.weight) return std::nullopt;
  Scope scope{Context::User};
  auto c = condition(*w.cond, scope);
  auto wt = weight(*w.weight, scope);
  if (!c || !wt) return std::nullopt;
  if (wt->op == Op::Const && wt->valid) const_weights_.push_back({weight_loc(*w.weight), wt->value, true});
  ir::UserTerm t;
  t.label = rule_label(owner, w.loc);
  t.where = where(w.loc);
  t.cond = std::move(*c);
  t.weight = std::move(*wt);
  return t;
}

std::optional<ir::Expr> Checker::condition(const Expr& e, const Scope& scope, const char* what) {
  size_t mark = pending_.size();
  auto c = expr(e, scope);
  if (!c || c->type != Type::Bool) pending_.resize(mark);
  if (!c) return std::nullopt;
  if (c->type != Type::Bool) {
    diags_.error("E021", e.loc, fmt::format("a condition must be true or false, but this is a {}", type_str(c->type)),
                 c->type == Type::Number ? "compare it with something, like 'x > 0'" : "");
    return std::nullopt;
  }
  lint_condition(e, *c, mark, what);
  return c;
}

std::optional<ir::Expr> Checker::weight(Weight& w, const Scope& scope) {
  if (!w.expr) return std::nullopt;
  auto v = expr(*w.expr, scope);
  if (!v) return std::nullopt;
  if (v->type != Type::Number) {
    diags_.error("E022", w.expr->loc, fmt::format("a weight must be a number, but this is a {}", type_str(v->type)),
                 v->type == Type::Duration ? "divide a duration by a unit to get a number of days or hours, like '(as_of - signed_up) / 1d'"
                                           : "a weight is a number of points, like '+5' or '+ amount * 0.01'");
    return std::nullopt;
  }
  if (w.negative) return b_.node(Op::Neg, Type::Number, std::move(*v));
  return v;
}

void Checker::check_grade(GradeDecl& g) {
  ir::Grade& out = b_.program().grades[grade_index_[g.name]];
  for (auto& w : g.when_rules)
    if (auto t = user_term(w, g.name)) out.terms.push_back(std::move(*t));
  if (!g.letters) {
    diags_.error("E034", g.loc, fmt::format("grade '{}' has no letters", g.name), "add 'letters { A >= 40, B >= 30, C >= 20, D >= 10, F }'");
    return;
  }
  out.letters = check_tiers(*g.letters, {}, "letter", g.name);
}

void Checker::check_segment(SegmentDecl& s, int index) {
  auto c = condition(*s.cond, {Context::Segment, -1, index}, "segment");
  if (c) b_.program().segments[index].cond = std::move(*c);
}

}  // namespace scorec::frontend::detail

namespace scorec::frontend {

std::optional<ir::Program> check_and_lower(std::vector<Module>& modules, const SourceManager& sources,
                                           Diagnostics& diags) {
  return detail::Checker(modules, sources, diags).run();
}

}  // namespace scorec::frontend
