#include "frontend/checker.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "ir/builder.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::frontend {
namespace {

using ir::Op;
using ir::Type;

// Where an expression is evaluated decides which names it may use.
enum class Context {
  Const,    // constants: literals, other constants, functions
  Event,    // `on EVENT` conditions and weights: the event's properties, the profile
  User,     // `when` terms of scores and grades: the profile, aggregates, as_of
  Segment,  // segments: as User, plus scores, grades and earlier segments
};

struct Scope {
  Context ctx = Context::Const;
  int event = -1;    // Context::Event
  int segment = -1;  // Context::Segment: the segment being checked
};

struct ConstInfo {
  const ConstDecl* decl = nullptr;
  enum State { Unchecked, Checking, Done, Failed } state = Unchecked;
  ir::Expr value;
};

std::string type_str(Type t) { return ir::type_name(t); }

bool is_numeric_like(Type t) { return t == Type::Number || t == Type::Duration || t == Type::Timestamp; }

class Checker {
 public:
  Checker(std::vector<Module>& modules, const SourceManager& sources, Diagnostics& diags)
      : modules_(modules), sources_(sources), diags_(diags) {}

  std::optional<ir::Program> run() {
    collect_schema();
    collect_names();
    for (auto& [name, info] : consts_) check_const(name, info.decl->loc);
    for (auto* s : scores_) check_score(*s);
    for (auto* g : grades_) check_grade(*g);
    for (size_t i = 0; i < segments_.size(); ++i) check_segment(*segments_[i], static_cast<int>(i));
    if (diags_.has_errors()) return std::nullopt;
    return b_.finish();
  }

 private:
  // ----- declarations ---------------------------------------------------------------

  std::optional<Type> field_type(const Field& f) {
    if (auto t = ir::type_from_name(f.type_text)) return t;
    std::vector<std::string> names = {"string", "number", "bool", "timestamp", "duration", "list<string>"};
    auto m = closest_match(f.type_text, names);
    diags_.error(f.type_loc, fmt::format("unknown type '{}'", f.type_text),
                 m ? fmt::format("did you mean '{}'?", *m)
                   : "the types are string, number, bool, timestamp, duration and list<string>");
    return std::nullopt;
  }

  void collect_schema() {
    auto& schema = b_.program().schema;
    std::map<std::string, Loc> attr_locs;
    for (auto& m : modules_) {
      for (auto& ev : m.events) {
        std::vector<ir::PropDecl> props;
        std::set<std::string> seen;
        for (auto& f : ev.fields) {
          if (!seen.insert(f.name).second) {
            diags_.error(f.loc, fmt::format("property '{}' is declared twice in event '{}'", f.name, ev.name));
            continue;
          }
          auto t = field_type(f);
          props.push_back({f.name, t.value_or(Type::Number), -1});
        }
        int existing = schema.find_event(ev.name);
        if (existing >= 0) {
          // The same event declared by two files (an import and the main file) is fine
          // as long as the declarations agree.
          const auto& old = schema.events[existing].props;
          bool same = old.size() == props.size();
          for (size_t i = 0; same && i < old.size(); ++i) same = old[i].name == props[i].name && old[i].type == props[i].type;
          if (!same) {
            diags_.error(ev.loc, fmt::format("event '{}' is declared again with different properties", ev.name),
                         fmt::format("the first declaration is at {}", where(event_locs_[ev.name])));
          }
          continue;
        }
        for (auto& p : props) p.column = schema.num_columns++;
        schema.events.push_back({ev.name, std::move(props)});
        event_locs_[ev.name] = ev.loc;
      }
      for (auto& pd : m.profiles) {
        for (auto& f : pd.fields) {
          auto t = field_type(f);
          int existing = schema.find_attr(f.name);
          if (existing >= 0) {
            if (t && schema.profile[existing].type != *t)
              diags_.error(f.loc, fmt::format("profile attribute '{}' is declared again with type {} (it was {})", f.name,
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

  std::string where(Loc l) const {
    if (!l.valid()) return "?";
    return fmt::format("{}:{}:{}", sources_.path(l.file), l.line, l.col);
  }

  void declare(const std::string& name, Loc loc, const char* what) {
    auto it = top_names_.find(name);
    if (it != top_names_.end()) {
      diags_.error(loc, fmt::format("'{}' is already defined as a {}", name, it->second.second),
                   fmt::format("the other definition is at {}; names of constants, scores, grades and segments must be unique",
                               where(it->second.first)));
      return;
    }
    top_names_[name] = {loc, what};
  }

  void collect_names() {
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

  std::optional<ir::Expr> check_const(const std::string& name, Loc use) {
    auto& info = consts_[name];
    if (info.state == ConstInfo::Done) return info.value;
    if (info.state == ConstInfo::Failed) return std::nullopt;
    if (info.state == ConstInfo::Checking) {
      diags_.error(use, fmt::format("constant '{}' is defined in terms of itself", name));
      info.state = ConstInfo::Failed;
      return std::nullopt;
    }
    info.state = ConstInfo::Checking;
    auto v = expr(*info.decl->value, {Context::Const});
    if (v && v->op != Op::Const && v->op != Op::ListLit) {
      diags_.error(info.decl->value->loc, fmt::format("the value of constant '{}' is not a constant", name),
                   "constants are made of literals, other constants and functions");
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

  // ----- constant parameters (durations, thresholds) --------------------------------

  // Checks `e` is a constant of type `want` and returns its value.
  std::optional<double> constant(const Expr* e, Type want, const char* what, Loc fallback) {
    if (!e) {
      diags_.error(fallback, fmt::format("{} is missing", what));
      return std::nullopt;
    }
    auto v = expr(*e, {Context::Const});
    if (!v) return std::nullopt;
    if (v->op != Op::Const || !v->valid) {
      diags_.error(e->loc, fmt::format("{} must be a constant", what));
      return std::nullopt;
    }
    if (v->type != want) {
      std::string hint;
      if (want == Type::Duration && v->type == Type::Number)
        hint = fmt::format("write a duration with a unit, like {}d", format_number(v->value));
      diags_.error(e->loc, fmt::format("{} must be a {}, not a {}", what, type_str(want), type_str(v->type)), hint);
      return std::nullopt;
    }
    return v->value;
  }

  std::optional<double> positive(const Expr* e, Type want, const char* what, Loc fallback) {
    auto v = constant(e, want, what, fallback);
    if (v && *v <= 0) {
      diags_.error(e->loc, fmt::format("{} must be greater than zero", what));
      return std::nullopt;
    }
    return v;
  }

  // ----- scores ---------------------------------------------------------------------

  void check_score(ScoreDecl& s) {
    int index = score_index_[s.name];
    ir::Score& out = b_.program().scores[index];
    out.raw_slot = b_.add_slot(s.name + ".raw", 0);
    if (s.decay) {
      const auto& d = *s.decay;
      if (d.kind == "none") {
        if (d.param) diags_.error(d.param->loc, "'decay none' takes no duration");
      } else if (d.kind == "half_life" || d.kind == "linear") {
        out.decay = d.kind == "linear" ? ir::DecayKind::Linear : ir::DecayKind::HalfLife;
        if (auto v = positive(d.param.get(), Type::Duration, d.kind == "linear" ? "the linear decay length" : "the half-life", d.kind_loc))
          out.decay_param = *v;
      } else {
        auto m = closest_match(d.kind, {"none", "half_life", "linear"});
        diags_.error(d.kind_loc, fmt::format("unknown decay '{}'", d.kind),
                     m ? fmt::format("did you mean '{}'?", *m) : "use 'decay none', 'decay half_life 30d' or 'decay linear 90d'");
      }
    }
    if (s.window) {
      if (auto v = positive(s.window.get(), Type::Duration, "the window", s.window_loc)) out.window = *v;
    }
    for (auto& r : s.on_rules) check_on_rule(r, s, index);
    for (auto& w : s.when_rules) {
      if (auto t = user_term(w, s.name)) out.terms.push_back(std::move(*t));
    }
    if (s.scale) check_scale(*s.scale, out);
    if (s.tiers) out.tiers = check_tiers(*s.tiers, out.scale, "tier", s.name);
    if (s.on_rules.empty() && s.when_rules.empty())
      diags_.warning(s.loc, fmt::format("score '{}' has no rules, so every user scores 0", s.name));
  }

  std::string rule_label(const std::string& owner, Loc l) {
    // The rule's source line with runs of blanks folded, so aligned columns read well.
    std::string text;
    for (char c : trim(sources_.line_text(l.file, l.line))) {
      bool blank = c == ' ' || c == '\t';
      if (blank && (text.empty() || text.back() == ' ')) continue;
      text += blank ? ' ' : c;
    }
    return fmt::format("{}: {}", owner, text);
  }

  void check_on_rule(OnRule& r, const ScoreDecl& s, int score) {
    const auto& schema = b_.program().schema;
    int ev = schema.find_event(r.event);
    if (ev < 0) {
      std::vector<std::string> names;
      for (auto& e : schema.events) names.push_back(e.name);
      auto m = closest_match(r.event, names);
      diags_.error(r.event_loc, fmt::format("unknown event '{}'", r.event),
                   m ? fmt::format("did you mean '{}'?", *m)
                     : fmt::format("declare it first: event {} {{ ... }}", r.event));
      return;
    }
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
    bool have_count_limit = false;
    for (auto& m : r.modifiers) {
      switch (m.kind) {
        case ModifierKind::Cap: {
          if (rule.cap > 0) diags_.error(m.loc, "this rule has more than one cap");
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
            diags_.error(m.loc, "this rule has more than one count limit", "use either 'once' or 'limit N'");
            break;
          }
          have_count_limit = true;
          if (m.kind == ModifierKind::Once) {
            rule.limit = 1;
          } else {
            auto v = positive(m.amount.get(), Type::Number, "the limit", m.loc);
            if (!v) { ok = false; break; }
            if (*v != std::floor(*v)) {
              diags_.error(m.amount->loc, "the limit must be a whole number of events");
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
    if (ok) b_.program().rules.push_back(std::move(rule));
  }

  std::optional<ir::UserTerm> user_term(WhenRule& w, const std::string& owner) {
    if (!w.cond || !w.weight) return std::nullopt;
    Scope scope{Context::User};
    auto c = condition(*w.cond, scope);
    auto wt = weight(*w.weight, scope);
    if (!c || !wt) return std::nullopt;
    ir::UserTerm t;
    t.label = rule_label(owner, w.loc);
    t.where = where(w.loc);
    t.cond = std::move(*c);
    t.weight = std::move(*wt);
    return t;
  }

  std::optional<ir::Expr> condition(const Expr& e, const Scope& scope) {
    auto c = expr(e, scope);
    if (!c) return std::nullopt;
    if (c->type != Type::Bool) {
      diags_.error(e.loc, fmt::format("a condition must be true or false, but this is a {}", type_str(c->type)),
                   c->type == Type::Number ? "compare it with something, like 'x > 0'" : "");
      return std::nullopt;
    }
    return c;
  }

  std::optional<ir::Expr> weight(Weight& w, const Scope& scope) {
    if (!w.expr) return std::nullopt;
    auto v = expr(*w.expr, scope);
    if (!v) return std::nullopt;
    if (v->type != Type::Number) {
      diags_.error(w.expr->loc, fmt::format("a weight must be a number, but this is a {}", type_str(v->type)),
                   v->type == Type::Duration ? "divide a duration by a unit to get a number, like 'seconds / 60'" : "");
      return std::nullopt;
    }
    if (w.negative) return b_.node(Op::Neg, Type::Number, {std::move(*v)});
    return v;
  }

  void check_scale(const ScaleSpec& sc, ir::Score& out) {
    auto int_range = [&](const Range& r, int64_t& a, int64_t& b) {
      auto lo = constant(r.lo.get(), Type::Number, "the low end of the range", r.loc);
      auto hi = constant(r.hi.get(), Type::Number, "the high end of the range", r.loc);
      if (!lo || !hi) return false;
      if (*lo != std::floor(*lo) || *hi != std::floor(*hi)) {
        diags_.error(r.loc, "a scaled score's range must be whole numbers, like 1..10");
        return false;
      }
      if (*lo >= *hi) {
        diags_.error(r.loc, fmt::format("the range {}..{} is empty: its low end must be below its high end",
                                        format_number(*lo), format_number(*hi)));
        return false;
      }
      a = static_cast<int64_t>(*lo);
      b = static_cast<int64_t>(*hi);
      return true;
    };
    if (sc.kind == "linear") {
      if (!sc.to) {
        diags_.error(sc.loc, "a linear scale needs a target range", "write 'scale linear 0..100 to 1..10'");
        return;
      }
      auto lo = constant(sc.from.lo.get(), Type::Number, "the low end of the raw range", sc.from.loc);
      auto hi = constant(sc.from.hi.get(), Type::Number, "the high end of the raw range", sc.from.loc);
      if (!lo || !hi) return;
      if (*lo >= *hi) {
        diags_.error(sc.from.loc, fmt::format("the raw range {}..{} is empty: its low end must be below its high end",
                                              format_number(*lo), format_number(*hi)));
        return;
      }
      int64_t a, b;
      if (!int_range(*sc.to, a, b)) return;
      out.scale = {ir::ScaleKind::Linear, *lo, *hi, a, b};
    } else if (sc.kind == "percentile") {
      if (sc.to) {
        diags_.error(sc.to->loc, "a percentile scale has one range, the target", "write 'scale percentile 1..10'");
        return;
      }
      int64_t a, b;
      if (!int_range(sc.from, a, b)) return;
      out.scale = {ir::ScaleKind::Percentile, 0, 0, a, b};
    } else {
      auto m = closest_match(sc.kind, {"linear", "percentile"});
      diags_.error(sc.kind_loc, fmt::format("unknown scale '{}'", sc.kind),
                   m ? fmt::format("did you mean '{}'?", *m)
                     : "use 'scale linear 0..100 to 1..10' or 'scale percentile 1..10'");
    }
  }

  // Tiers (and grade letters): first match wins, the last is the catch-all. The check
  // proves every possible value has a tier (no gap), no two ranges claim a value (no
  // overlap), and every tier gets some value (none unreachable). With an integer scale
  // a..b the possible values are exactly those integers and are enumerated.
  std::vector<ir::Tier> check_tiers(const TierList& tl, const ir::Scale& scale, const char* what,
                                    const std::string& owner) {
    std::vector<ir::Tier> tiers;
    std::set<std::string> names;
    bool ok = true;
    for (const auto& t : tl.tiers) {
      if (!names.insert(t.name).second) {
        diags_.error(t.loc, fmt::format("{} '{}' appears twice in '{}'", what, t.name, owner));
        ok = false;
      }
      ir::Tier out;
      out.name = t.name;
      out.name_string = b_.intern_string(t.name);
      if (t.threshold) {
        auto v = constant(t.threshold.get(), Type::Number, "a threshold", t.loc);
        if (!v) { ok = false; continue; }
        out.kind = ir::Tier::Threshold;
        out.min = *v;
      } else if (t.range) {
        auto lo = constant(t.range->lo.get(), Type::Number, "the low end of the range", t.range->loc);
        auto hi = constant(t.range->hi.get(), Type::Number, "the high end of the range", t.range->loc);
        if (!lo || !hi) { ok = false; continue; }
        if (*lo > *hi) {
          diags_.error(t.range->loc, fmt::format("the range {}..{} is empty", format_number(*lo), format_number(*hi)));
          ok = false;
          continue;
        }
        out.kind = ir::Tier::Range;
        out.min = *lo;
        out.max = *hi;
      } else {
        out.kind = ir::Tier::CatchAll;
      }
      tiers.push_back(out);
    }
    if (!ok || tiers.empty()) return tiers;
    const auto& tl_tiers = tl.tiers;
    auto tier_loc = [&](size_t i) { return tl_tiers[i].loc; };

    // A catch-all anywhere but last hides the tiers after it.
    for (size_t i = 0; i + 1 < tiers.size(); ++i) {
      if (tiers[i].kind == ir::Tier::CatchAll) {
        diags_.error(tier_loc(i + 1), fmt::format("{} '{}' can never be reached", what, tiers[i + 1].name),
                     fmt::format("'{}' has no threshold, so it takes every value; put it last", tiers[i].name));
        return tiers;
      }
    }

    bool integer_scale = scale.kind != ir::ScaleKind::None;
    if (!integer_scale) {
      for (size_t i = 0; i < tiers.size(); ++i) {
        if (tiers[i].kind == ir::Tier::Range) {
          diags_.error(tier_loc(i), fmt::format("{} '{}' uses a range, but '{}' is not scaled to whole numbers", what, tiers[i].name, owner),
                       "use thresholds like 'hot >= 70', or add 'scale linear 0..100 to 1..10'");
          return tiers;
        }
      }
      // Thresholds over real numbers: they must strictly decrease, and the last tier must catch the rest.
      for (size_t i = 1; i < tiers.size(); ++i) {
        if (tiers[i].kind == ir::Tier::Threshold && tiers[i].min >= tiers[i - 1].min) {
          diags_.error(tier_loc(i), fmt::format("{} '{}' can never be reached", what, tiers[i].name),
                       fmt::format("'{}' above it already takes every value >= {}; order thresholds from high to low",
                                   tiers[i - 1].name, format_number(tiers[i - 1].min)));
          return tiers;
        }
      }
      if (tiers.back().kind != ir::Tier::CatchAll) {
        diags_.error(tier_loc(tiers.size() - 1),
                     fmt::format("values below {} have no {}", format_number(tiers.back().min), what),
                     fmt::format("end with a catch-all {} that has no threshold, like '{}'", what,
                                 std::string(what) == "letter" ? "F" : "cold"));
      }
      return tiers;
    }

    if (scale.b - scale.a > 100000) {
      diags_.error(tl.loc, "the scaled range is too wide to check its tiers", "scale to at most 100000 values");
      return tiers;
    }
    std::vector<int> hits(tiers.size(), 0);
    std::vector<int64_t> gaps;
    for (int64_t v = scale.a; v <= scale.b; ++v) {
      int first = -1, range_claims = 0, first_range = -1;
      for (size_t i = 0; i < tiers.size(); ++i) {
        const auto& t = tiers[i];
        bool match = t.kind == ir::Tier::CatchAll || (t.kind == ir::Tier::Threshold && v >= t.min) ||
                     (t.kind == ir::Tier::Range && v >= t.min && v <= t.max);
        if (!match) continue;
        if (t.kind == ir::Tier::Range) {
          if (++range_claims == 2) {
            diags_.error(tier_loc(i), fmt::format("{}s '{}' and '{}' overlap: both claim {}", what,
                                                  tiers[first_range].name, t.name, v));
            return tiers;
          }
          first_range = static_cast<int>(i);
        }
        if (first < 0) first = static_cast<int>(i);
      }
      if (first < 0) gaps.push_back(v);
      else hits[first]++;
    }
    if (!gaps.empty()) {
      std::string list;
      for (size_t i = 0; i < gaps.size() && i < 5; ++i) list += (i ? ", " : "") + std::to_string(gaps[i]);
      if (gaps.size() > 5) list += ", ...";
      diags_.error(tl.loc, fmt::format("the {}s of '{}' leave a gap: {} {} no {}", what, owner,
                                       gaps.size() == 1 ? "score" : "scores", list, what),
                   fmt::format("the scale gives every whole number from {} to {}; cover them all, or end with a catch-all", scale.a, scale.b));
    }
    for (size_t i = 0; i < tiers.size(); ++i) {
      if (hits[i] == 0) {
        std::string why = tiers[i].kind == ir::Tier::CatchAll
                              ? "the tiers above it already cover every score"
                              : fmt::format("scores go from {} to {}, and the tiers above take all it could match", scale.a, scale.b);
        diags_.error(tier_loc(i), fmt::format("{} '{}' can never be reached", what, tiers[i].name), why);
      }
    }
    return tiers;
  }

  // ----- grades and segments --------------------------------------------------------

  void check_grade(GradeDecl& g) {
    ir::Grade& out = b_.program().grades[grade_index_[g.name]];
    for (auto& w : g.when_rules)
      if (auto t = user_term(w, g.name)) out.terms.push_back(std::move(*t));
    if (!g.letters) {
      diags_.error(g.loc, fmt::format("grade '{}' has no letters", g.name), "add 'letters { A >= 40, B >= 30, C >= 20, D >= 10, F }'");
      return;
    }
    out.letters = check_tiers(*g.letters, {}, "letter", g.name);
  }

  void check_segment(SegmentDecl& s, int index) {
    auto c = condition(*s.cond, {Context::Segment, -1, index});
    if (c) b_.program().segments[index].cond = std::move(*c);
  }

  // ----- expressions ----------------------------------------------------------------

  std::optional<ir::Expr> expr(const Expr& e, const Scope& scope) {
    switch (e.kind) {
      case ExprKind::Number: return ir::Builder::constant(Type::Number, e.number);
      case ExprKind::Duration: return ir::Builder::constant(Type::Duration, e.number);
      case ExprKind::Timestamp: return ir::Builder::constant(Type::Timestamp, e.number);
      case ExprKind::Bool: return ir::Builder::constant(Type::Bool, e.number);
      case ExprKind::Null: return ir::Builder::constant(Type::Null, 0, false);
      case ExprKind::String: return ir::Builder::constant(Type::String, b_.intern_string(e.text));
      case ExprKind::Name: return name(e, scope);
      case ExprKind::Call: return call(e, scope);
      case ExprKind::List: return list(e, scope);
      case ExprKind::Unary: return unary(e, scope);
      case ExprKind::Binary: return binary(e, scope);
      case ExprKind::In: return in(e, scope);
    }
    return std::nullopt;
  }

  std::vector<std::string> candidates(const Scope& scope) {
    std::vector<std::string> out;
    const auto& schema = b_.program().schema;
    if (scope.ctx == Context::Event)
      for (auto& p : schema.events[scope.event].props) out.push_back(p.name);
    if (scope.ctx != Context::Const)
      for (auto& a : schema.profile) out.push_back(a.name);
    for (auto& [n, _] : consts_) out.push_back(n);
    if (scope.ctx == Context::Segment) {
      for (auto* s : scores_) out.push_back(s->name);
      for (auto* g : grades_) out.push_back(g->name);
      for (auto* s : segments_) out.push_back(s->name);
    }
    return out;
  }

  std::optional<ir::Expr> event_prop(int ev, int p) {
    const auto& prop = b_.program().schema.events[ev].props[p];
    return ir::Builder::leaf(Op::EventProp, prop.type, prop.column);
  }

  std::optional<ir::Expr> profile_attr(int a) {
    return ir::Builder::leaf(Op::ProfileAttr, b_.program().schema.profile[a].type, a);
  }

  std::optional<ir::Expr> name(const Expr& e, const Scope& scope) {
    const auto& schema = b_.program().schema;
    if (!e.member.empty()) return qualified(e, scope);
    const std::string& n = e.text;
    int prop = -1;
    if (scope.ctx == Context::Event) {
      const auto& ev = schema.events[scope.event];
      for (size_t i = 0; i < ev.props.size(); ++i)
        if (ev.props[i].name == n) prop = static_cast<int>(i);
    }
    int attr = scope.ctx == Context::Const ? -1 : schema.find_attr(n);
    if (prop >= 0 && attr >= 0) {
      diags_.error(e.loc, fmt::format("'{}' is both a property of event '{}' and a profile attribute", n, schema.events[scope.event].name),
                   fmt::format("write '{}.{}' or 'profile.{}'", schema.events[scope.event].name, n, n));
      return std::nullopt;
    }
    if (prop >= 0) return event_prop(scope.event, prop);
    if (attr >= 0) return profile_attr(attr);
    if (consts_.count(n)) return check_const(n, e.loc);
    if (n == "as_of" || n == "now") {
      if (scope.ctx == Context::Const) {
        diags_.error(e.loc, fmt::format("'{}' is not known when constants are computed", n));
        return std::nullopt;
      }
      return ir::Builder::leaf(Op::AsOf, Type::Timestamp);
    }
    if (scope.ctx == Context::Segment) {
      if (auto it = score_index_.find(n); it != score_index_.end()) return ir::Builder::leaf(Op::ScoreValue, Type::Number, it->second);
      if (auto it = grade_index_.find(n); it != grade_index_.end()) return ir::Builder::leaf(Op::GradeLetter, Type::String, it->second);
      if (auto it = segment_index_.find(n); it != segment_index_.end()) return segment_ref(e, it->second, scope);
    } else if (score_index_.count(n) || grade_index_.count(n) || segment_index_.count(n)) {
      diags_.error(e.loc, fmt::format("'{}' is a score, grade or segment, and can only be used in a segment", n),
                   "scores are computed independently of each other; combine them in a 'segment'");
      return std::nullopt;
    }
    if (scope.ctx == Context::User || scope.ctx == Context::Segment) {
      for (const auto& ev : schema.events)
        if (ev.find_prop(n)) {
          diags_.error(e.loc, fmt::format("'{}' is a property of event '{}', which a per-user rule cannot read directly", n, ev.name),
                       fmt::format("use an aggregate such as sum({0}.{1}), max({0}.{1}) or count({0})", ev.name, n));
          return std::nullopt;
        }
    }
    if (schema.find_event(n) >= 0) {
      diags_.error(e.loc, fmt::format("'{}' is an event type, not a value", n),
                   fmt::format("count them with count({0}), or use last({0}) for the time of the latest", n));
      return std::nullopt;
    }
    auto m = closest_match(n, candidates(scope));
    std::string hint = m ? fmt::format("did you mean '{}'?", *m) : "";
    if (!m && scope.ctx == Context::Event && schema.find_attr(n) < 0)
      hint = fmt::format("event '{}' has no property '{}'; declare it in 'event {} {{ ... }}'", schema.events[scope.event].name, n,
                         schema.events[scope.event].name);
    diags_.error(e.loc, fmt::format("unknown name '{}'", n), hint);
    return std::nullopt;
  }

  std::optional<ir::Expr> segment_ref(const Expr& e, int target, const Scope& scope) {
    if (target >= scope.segment) {
      diags_.error(e.loc, target == scope.segment ? fmt::format("segment '{}' refers to itself", e.text)
                                                  : fmt::format("segment '{}' is used before it is defined", e.text),
                   "a segment can use the segments defined above it");
      return std::nullopt;
    }
    return ir::Builder::leaf(Op::SegmentRef, Type::Bool, target);
  }

  std::optional<ir::Expr> qualified(const Expr& e, const Scope& scope) {
    const auto& schema = b_.program().schema;
    const std::string& head = e.text;
    const std::string& mem = e.member;
    if (head == "profile") {
      int a = schema.find_attr(mem);
      if (a >= 0 && scope.ctx != Context::Const) return profile_attr(a);
      std::vector<std::string> names;
      for (auto& at : schema.profile) names.push_back(at.name);
      auto m = closest_match(mem, names);
      diags_.error(e.member_loc, fmt::format("the profile has no attribute '{}'", mem), m ? fmt::format("did you mean '{}'?", *m) : "");
      return std::nullopt;
    }
    int ev = schema.find_event(head);
    if (ev >= 0) {
      const auto& decl = schema.events[ev];
      int p = -1;
      for (size_t i = 0; i < decl.props.size(); ++i)
        if (decl.props[i].name == mem) p = static_cast<int>(i);
      if (p < 0) {
        std::vector<std::string> names;
        for (auto& pr : decl.props) names.push_back(pr.name);
        auto m = closest_match(mem, names);
        diags_.error(e.member_loc, fmt::format("event '{}' has no property '{}'", head, mem),
                     m ? fmt::format("did you mean '{}'?", *m) : "");
        return std::nullopt;
      }
      if (scope.ctx == Context::Event && scope.event == ev) return event_prop(ev, p);
      if (scope.ctx == Context::Event) {
        diags_.error(e.loc, fmt::format("this rule is on event '{}', so it cannot read a property of '{}'", schema.events[scope.event].name, head));
        return std::nullopt;
      }
      diags_.error(e.loc, fmt::format("'{}.{}' is a property of each '{}' event, which a per-user rule cannot read directly", head, mem, head),
                   fmt::format("use an aggregate such as sum({0}.{1}), max({0}.{1}) or avg({0}.{1})", head, mem));
      return std::nullopt;
    }
    auto out_ref = [&](std::vector<std::pair<std::string, std::pair<Op, Type>>> members, int index) -> std::optional<ir::Expr> {
      if (scope.ctx != Context::Segment) {
        diags_.error(e.loc, fmt::format("'{}' is a score or grade, and can only be used in a segment", head),
                     "scores are computed independently of each other; combine them in a 'segment'");
        return std::nullopt;
      }
      std::vector<std::string> names;
      for (auto& [n, what] : members) {
        if (n == mem) return ir::Builder::leaf(what.first, what.second, index);
        names.push_back(n);
      }
      auto m = closest_match(mem, names);
      diags_.error(e.member_loc, fmt::format("'{}' has no '{}'", head, mem),
                   m ? fmt::format("did you mean '{}'?", *m) : fmt::format("use one of: {}", fmt::join(names, ", ")));
      return std::nullopt;
    };
    if (auto it = score_index_.find(head); it != score_index_.end())
      return out_ref({{"raw", {Op::ScoreRaw, Type::Number}}, {"score", {Op::ScoreValue, Type::Number}},
                      {"tier", {Op::ScoreTier, Type::String}}},
                     it->second);
    if (auto it = grade_index_.find(head); it != grade_index_.end())
      return out_ref({{"points", {Op::GradePoints, Type::Number}}, {"letter", {Op::GradeLetter, Type::String}}}, it->second);
    std::vector<std::string> heads = {"profile"};
    for (auto& ev2 : schema.events) heads.push_back(ev2.name);
    for (auto* s : scores_) heads.push_back(s->name);
    for (auto* g : grades_) heads.push_back(g->name);
    auto m = closest_match(head, heads);
    diags_.error(e.loc, fmt::format("unknown name '{}'", head), m ? fmt::format("did you mean '{}'?", *m) : "");
    return std::nullopt;
  }

  std::optional<ir::Expr> list(const Expr& e, const Scope& scope) {
    ir::Expr out;
    out.op = Op::ListLit;
    Type elem = Type::Null;
    for (auto& a : e.args) {
      auto v = expr(*a, scope);
      if (!v) return std::nullopt;
      if (v->op != Op::Const) {
        diags_.error(a->loc, "list elements must be constants");
        return std::nullopt;
      }
      if (elem != Type::Null && v->type != elem) {
        diags_.error(a->loc, fmt::format("this list mixes {} and {} elements", type_str(elem), type_str(v->type)));
        return std::nullopt;
      }
      elem = v->type;
      out.args.push_back(*v);
    }
    out.type = elem == Type::String ? Type::StringList : elem;
    return out;
  }

  bool reject_list(const ir::Expr& v, const Expr& e) {
    if (v.op == Op::ListLit) {
      diags_.error(e.loc, "a list can only be used after 'in'", "write 'x in [\"a\", \"b\"]'");
      return true;
    }
    return false;
  }

  std::optional<ir::Expr> unary(const Expr& e, const Scope& scope) {
    auto a = expr(*e.args[0], scope);
    if (!a || reject_list(*a, *e.args[0])) return std::nullopt;
    if (e.op == "not") {
      if (a->type != Type::Bool) {
        diags_.error(e.args[0]->loc, fmt::format("'not' needs true or false, but this is a {}", type_str(a->type)));
        return std::nullopt;
      }
      return b_.node(Op::Not, Type::Bool, {std::move(*a)});
    }
    if (a->type != Type::Number && a->type != Type::Duration) {
      diags_.error(e.loc, fmt::format("cannot negate a {}", type_str(a->type)));
      return std::nullopt;
    }
    Type t = a->type;
    return b_.node(Op::Neg, t, {std::move(*a)});
  }

  std::optional<Type> arithmetic_type(const std::string& op, Type a, Type b) {
    using T = Type;
    if (op == "+") {
      if (a == T::Number && b == T::Number) return T::Number;
      if (a == T::Duration && b == T::Duration) return T::Duration;
      if ((a == T::Timestamp && b == T::Duration) || (a == T::Duration && b == T::Timestamp)) return T::Timestamp;
    } else if (op == "-") {
      if (a == T::Number && b == T::Number) return T::Number;
      if (a == T::Duration && b == T::Duration) return T::Duration;
      if (a == T::Timestamp && b == T::Duration) return T::Timestamp;
      if (a == T::Timestamp && b == T::Timestamp) return T::Duration;
    } else if (op == "*") {
      if (a == T::Number && b == T::Number) return T::Number;
      if ((a == T::Duration && b == T::Number) || (a == T::Number && b == T::Duration)) return T::Duration;
    } else if (op == "/") {
      if (a == T::Number && b == T::Number) return T::Number;
      if (a == T::Duration && b == T::Number) return T::Duration;
      if (a == T::Duration && b == T::Duration) return T::Number;
    } else if (op == "%") {
      if (a == T::Number && b == T::Number) return T::Number;
    }
    return std::nullopt;
  }

  std::optional<ir::Expr> binary(const Expr& e, const Scope& scope) {
    auto a = expr(*e.args[0], scope);
    auto b = expr(*e.args[1], scope);
    if (!a || !b) return std::nullopt;
    if (reject_list(*a, *e.args[0]) || reject_list(*b, *e.args[1])) return std::nullopt;
    const std::string& op = e.op;
    Type ta = a->type, tb = b->type;
    static const std::map<std::string, Op> ops = {
        {"+", Op::Add}, {"-", Op::Sub}, {"*", Op::Mul}, {"/", Op::Div}, {"%", Op::Mod},
        {"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}, {"==", Op::Eq}, {"!=", Op::Ne},
        {"and", Op::And}, {"or", Op::Or}, {"??", Op::Coalesce}};
    Op irop = ops.at(op);
    if (op == "and" || op == "or") {
      for (int i = 0; i < 2; ++i) {
        Type t = i == 0 ? ta : tb;
        if (t != Type::Bool) {
          diags_.error(e.args[i]->loc, fmt::format("'{}' needs true or false on both sides, but this is a {}", op, type_str(t)));
          return std::nullopt;
        }
      }
      return b_.node(irop, Type::Bool, {std::move(*a), std::move(*b)});
    }
    if (op == "??") {
      if (ta != tb && ta != Type::Null && tb != Type::Null) {
        diags_.error(e.loc, fmt::format("'\?\?' needs the same type on both sides, but got {} and {}", type_str(ta), type_str(tb)),
                     ta == Type::Timestamp || tb == Type::Timestamp ? "both sides must be timestamps, like 'last(login) ?? signed_up'" : "");
        return std::nullopt;
      }
      Type t = ta == Type::Null ? tb : ta;
      return b_.node(irop, t, {std::move(*a), std::move(*b)});
    }
    bool comparison = irop == Op::Lt || irop == Op::Le || irop == Op::Gt || irop == Op::Ge || irop == Op::Eq || irop == Op::Ne;
    if (comparison) {
      if (ta == Type::Null || tb == Type::Null) {
        const Expr& other = ta == Type::Null ? *e.args[1] : *e.args[0];
        diags_.error(e.loc, "a comparison with null is always false",
                     fmt::format("test for a missing value with 'not has({0})', or give a default with '{0} ?? ...'",
                                 describe(other)));
        return std::nullopt;
      }
      bool ordered = irop != Op::Eq && irop != Op::Ne;
      if (ta != tb) {
        std::string hint;
        if ((ta == Type::Duration && tb == Type::Number) || (ta == Type::Number && tb == Type::Duration))
          hint = "days_since() gives a number of days: compare it with 30, not 30d; or compare durations with durations";
        else if ((ta == Type::String && tb == Type::Number) || (ta == Type::Number && tb == Type::String))
          hint = "write the number without quotes, or the text in quotes, so both sides have the same type";
        else if (ta == Type::StringList || tb == Type::StringList)
          hint = "to test whether a list holds a value, write '\"value\" in list'";
        diags_.error(e.loc, fmt::format("cannot compare a {} with a {}", type_str(ta), type_str(tb)), hint);
        return std::nullopt;
      }
      if (ordered && !is_numeric_like(ta)) {
        diags_.error(e.loc, fmt::format("'{}' compares numbers, durations or timestamps, not {}s", op, type_str(ta)));
        return std::nullopt;
      }
      if (ta == Type::StringList) {
        diags_.error(e.loc, "lists cannot be compared", "test membership with 'in', or the size with len()");
        return std::nullopt;
      }
      return b_.node(irop, Type::Bool, {std::move(*a), std::move(*b)});
    }
    auto t = arithmetic_type(op, ta, tb);
    if (!t) {
      std::string hint;
      if (ta == Type::String || tb == Type::String) hint = "text cannot be used in arithmetic";
      else if (ta == Type::Timestamp && tb == Type::Number) hint = "add a duration to a timestamp, like 'signed_up + 30d'";
      diags_.error(e.loc, fmt::format("cannot apply '{}' to a {} and a {}", op, type_str(ta), type_str(tb)), hint);
      return std::nullopt;
    }
    return b_.node(irop, *t, {std::move(*a), std::move(*b)});
  }

  static std::string describe(const Expr& e) {
    if (e.kind == ExprKind::Name) return e.member.empty() ? e.text : e.text + "." + e.member;
    return "x";
  }

  std::optional<ir::Expr> in(const Expr& e, const Scope& scope) {
    auto a = expr(*e.args[0], scope);
    auto b = expr(*e.args[1], scope);
    if (!a || !b) return std::nullopt;
    if (reject_list(*a, *e.args[0])) return std::nullopt;
    int negated = e.op == "not in" ? 1 : 0;
    if (b->op == Op::ListLit) {
      Type elem = b->args.empty() ? a->type : b->args[0].type;
      if (elem != a->type) {
        diags_.error(e.loc, fmt::format("cannot look for a {} in a list of {}s", type_str(a->type), type_str(elem)));
        return std::nullopt;
      }
      ir::Expr out;
      out.op = Op::InSet;
      out.type = Type::Bool;
      out.index = negated;
      out.args.push_back(std::move(*a));
      for (auto& x : b->args) out.args.push_back(x);
      return out;
    }
    if (b->type == Type::StringList) {
      if (a->type != Type::String) {
        diags_.error(e.loc, fmt::format("a list<string> holds strings, not {}s", type_str(a->type)));
        return std::nullopt;
      }
      ir::Expr out = b_.node(Op::ListContains, Type::Bool, {std::move(*a), std::move(*b)});
      out.index = negated;
      return out;
    }
    diags_.error(e.args[1]->loc, fmt::format("'in' needs a list on its right, but this is a {}", type_str(b->type)),
                 "write 'x in [\"a\", \"b\"]', or use a list<string> attribute");
    return std::nullopt;
  }

  // ----- calls: aggregates, time helpers, has(), builtins ---------------------------

  std::optional<ir::Expr> call(const Expr& e, const Scope& scope) {
    const std::string& fn = e.text;
    static const std::map<std::string, ir::AggKind> aggs = {
        {"count", ir::AggKind::Count}, {"sum", ir::AggKind::Sum}, {"min", ir::AggKind::Min}, {"max", ir::AggKind::Max},
        {"avg", ir::AggKind::Avg},     {"first", ir::AggKind::First}, {"last", ir::AggKind::Last}};
    if (auto it = aggs.find(fn); it != aggs.end() && is_aggregate_call(e, it->second))
      return aggregate(e, it->second, scope);
    if (fn == "has") {
      if (e.args.size() != 1) {
        diags_.error(e.loc, "has() takes one argument", "write 'has(industry)'");
        return std::nullopt;
      }
      auto a = expr(*e.args[0], scope);
      if (!a || reject_list(*a, *e.args[0])) return std::nullopt;
      return b_.node(Op::Has, Type::Bool, {std::move(*a)});
    }
    if (fn == "days_since" || fn == "hours_since") {
      if (e.args.size() != 1) {
        diags_.error(e.loc, fmt::format("{}() takes one timestamp", fn), "write 'days_since(last(login))'");
        return std::nullopt;
      }
      if (scope.ctx == Context::Const) {
        diags_.error(e.loc, fmt::format("{}() depends on the run's as-of time, so it cannot be part of a constant", fn));
        return std::nullopt;
      }
      auto a = expr(*e.args[0], scope);
      if (!a) return std::nullopt;
      if (a->type != Type::Timestamp) {
        diags_.error(e.args[0]->loc, fmt::format("{}() needs a timestamp, but this is a {}", fn, type_str(a->type)),
                     a->type == Type::Number ? "" : "for example days_since(last(login)) or days_since(signed_up)");
        return std::nullopt;
      }
      // (as_of - t) / unit: lowered to plain arithmetic, so every engine shares it.
      double unit = fn == "days_since" ? kSecondsPerDay : 3600.0;
      auto age = b_.node(Op::Sub, Type::Duration, {ir::Builder::leaf(Op::AsOf, Type::Timestamp), std::move(*a)});
      return b_.node(Op::Div, Type::Number, {std::move(age), ir::Builder::constant(Type::Duration, unit)});
    }
    std::vector<const builtins::Info*> overloads;
    for (const auto& info : builtins::all())
      if (info.name == fn) overloads.push_back(&info);
    if (overloads.empty()) {
      std::vector<std::string> names = {"count", "sum", "min", "max", "avg", "first", "last", "has", "days_since", "hours_since"};
      for (const auto& info : builtins::all()) names.emplace_back(info.name);
      auto m = closest_match(fn, names);
      diags_.error(e.loc, fmt::format("unknown function '{}'", fn), m ? fmt::format("did you mean '{}'?", *m) : "");
      return std::nullopt;
    }
    std::vector<ir::Expr> args;
    for (auto& a : e.args) {
      auto v = expr(*a, scope);
      if (!v || reject_list(*v, *a)) return std::nullopt;
      args.push_back(std::move(*v));
    }
    for (const auto* info : overloads) {
      for (const auto& sig : info->signatures) {
        if (!matches(sig, args)) continue;
        return b_.call(info->id, sig.result, std::move(args));
      }
    }
    std::vector<std::string> got;
    for (auto& a : args) got.push_back(type_str(a.type));
    diags_.error(e.loc, fmt::format("{}() cannot take ({})", fn, fmt::join(got, ", ")), std::string(overloads[0]->help));
    return std::nullopt;
  }

  static bool matches(const builtins::Signature& sig, const std::vector<ir::Expr>& args) {
    if (sig.variadic ? args.size() < sig.params.size() : args.size() != sig.params.size()) return false;
    for (size_t i = 0; i < args.size(); ++i) {
      Type want = i < sig.params.size() ? sig.params[i] : sig.params.back();
      if (args[i].type != want && args[i].type != Type::Null) return false;
    }
    return true;
  }

  // min(a, b) is math; min(purchase.amount) is an aggregate. An aggregate's first
  // argument names an event type or an event's property.
  bool is_aggregate_call(const Expr& e, ir::AggKind kind) {
    if (e.args.empty() || e.args[0]->kind != ExprKind::Name) return kind != ir::AggKind::Min && kind != ir::AggKind::Max;
    const auto& schema = b_.program().schema;
    const Expr& a = *e.args[0];
    if (schema.find_event(a.text) < 0) return kind != ir::AggKind::Min && kind != ir::AggKind::Max;
    return true;
  }

  std::optional<ir::Expr> aggregate(const Expr& e, ir::AggKind kind, const Scope& scope) {
    const auto& schema = b_.program().schema;
    const std::string& fn = e.text;
    bool on_event = kind == ir::AggKind::Count || kind == ir::AggKind::First || kind == ir::AggKind::Last;
    std::string usage = on_event ? fmt::format("{}(EVENT) or {}(EVENT, 90d)", fn, fn) : fmt::format("{}(EVENT.property) or {}(EVENT.property, 90d)", fn, fn);
    if (e.args.empty() || e.args.size() > 2 || e.args[0]->kind != ExprKind::Name) {
      diags_.error(e.loc, fmt::format("{}() takes an event{} and an optional window", fn, on_event ? "" : "'s property"),
                   "write " + usage);
      return std::nullopt;
    }
    if (scope.ctx == Context::Event || scope.ctx == Context::Const) {
      diags_.error(e.loc, fmt::format("{}() is a per-user aggregate and cannot be used {}", fn,
                                      scope.ctx == Context::Event ? "in an 'on' rule" : "in a constant"),
                   "use it in a 'when' rule, a grade or a segment: when count(purchase, 90d) >= 3 +10");
      return std::nullopt;
    }
    const Expr& target = *e.args[0];
    int ev = schema.find_event(target.text);
    if (ev < 0) {
      std::vector<std::string> names;
      for (auto& x : schema.events) names.push_back(x.name);
      auto m = closest_match(target.text, names);
      diags_.error(target.loc, fmt::format("unknown event '{}'", target.text), m ? fmt::format("did you mean '{}'?", *m) : "");
      return std::nullopt;
    }
    int column = -1;
    std::string label = target.text;
    if (!target.member.empty()) {
      if (on_event) {
        diags_.error(target.loc, fmt::format("{}() takes an event, not a property", fn), "write " + usage);
        return std::nullopt;
      }
      const auto* prop = schema.events[ev].find_prop(target.member);
      if (!prop) {
        std::vector<std::string> names;
        for (auto& p : schema.events[ev].props) names.push_back(p.name);
        auto m = closest_match(target.member, names);
        diags_.error(target.member_loc, fmt::format("event '{}' has no property '{}'", target.text, target.member),
                     m ? fmt::format("did you mean '{}'?", *m) : "");
        return std::nullopt;
      }
      if (prop->type != Type::Number) {
        diags_.error(target.loc, fmt::format("{}() needs a number property, but '{}' is a {}", fn, label + "." + target.member, type_str(prop->type)),
                     fmt::format("count({}) counts events of any kind", target.text));
        return std::nullopt;
      }
      column = prop->column;
      label += "." + target.member;
    } else if (!on_event) {
      diags_.error(target.loc, fmt::format("{}() needs a property of '{}'", fn, target.text), "write " + usage);
      return std::nullopt;
    }
    double window = 0;
    if (e.args.size() == 2) {
      auto w = positive(e.args[1].get(), Type::Duration, "the aggregate's window", e.loc);
      if (!w) return std::nullopt;
      window = *w;
      label += ", " + format_duration(window);
    }
    return b_.aggregate(kind, ev, column, window, fmt::format("({})", label));
  }

  std::vector<Module>& modules_;
  const SourceManager& sources_;
  Diagnostics& diags_;
  ir::Builder b_;
  std::map<std::string, Loc> event_locs_;
  std::map<std::string, std::pair<Loc, const char*>> top_names_;
  std::map<std::string, ConstInfo> consts_;
  std::vector<ScoreDecl*> scores_;
  std::vector<GradeDecl*> grades_;
  std::vector<SegmentDecl*> segments_;
  std::map<std::string, int> score_index_, grade_index_, segment_index_;
};

}  // namespace

std::optional<ir::Program> check_and_lower(std::vector<Module>& modules, const SourceManager& sources,
                                           Diagnostics& diags) {
  return Checker(modules, sources, diags).run();
}

}  // namespace scorec::frontend
