// `test` blocks: their events, properties and profile attributes must exist and hold
// literals of the declared types; their expectations must name existing scores,
// grades, segments, tiers and letters. Only the main file's tests are checked (and
// run): an imported file's tests belong to that file.
#include <algorithm>
#include <set>

#include "frontend/checker_impl.h"

namespace scorec::frontend::detail {

namespace {

// A literal's type, or nullopt when `e` is not a literal. `-3` is a literal.
std::optional<Type> literal_type(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Number: return Type::Number;
    case ExprKind::Duration: return Type::Duration;
    case ExprKind::Timestamp: return Type::Timestamp;
    case ExprKind::String: return Type::String;
    case ExprKind::Bool: return Type::Bool;
    case ExprKind::Null: return Type::Null;
    case ExprKind::Unary:
      if (e.op == "-" && e.args.size() == 1 && (e.args[0]->kind == ExprKind::Number || e.args[0]->kind == ExprKind::Duration))
        return e.args[0]->kind == ExprKind::Number ? Type::Number : Type::Duration;
      return std::nullopt;
    case ExprKind::List:
      for (const auto& a : e.args)
        if (a->kind != ExprKind::String) return std::nullopt;
      return Type::StringList;
    default: return std::nullopt;
  }
}

double literal_number(const Expr& e) {
  if (e.kind == ExprKind::Unary) return -e.args[0]->number;
  return e.number;
}

}  // namespace

std::optional<ir::TestValue> Checker::test_value(const TestValue& v, Type want) {
  if (!v.value) return std::nullopt;
  const Expr& e = *v.value;
  auto t = literal_type(e);
  if (!t) {
    diags_.error("E070", whole(e), fmt::format("the value of '{}' in a test must be a literal", v.name),
                 "write a number, a string, a date like 2024-03-01, a duration like 30d, true/false, null or [\"a\", \"b\"]");
    return std::nullopt;
  }
  ir::TestValue out;
  out.type = want;
  if (*t == Type::Null) return out;
  if (*t != want) {
    diags_.error("E020", whole(e), fmt::format("'{}' is a {}, but this is a {}", v.name, type_str(want), type_str(*t)),
                 want == Type::Timestamp ? "dates look like 2024-03-01 or 2024-03-01T10:00:00Z" : "");
    return std::nullopt;
  }
  out.valid = true;
  if (want == Type::String) out.text = e.text;
  else if (want == Type::StringList)
    for (const auto& a : e.args) out.list.push_back(a->text);
  else out.number = literal_number(e);
  return out;
}

std::optional<ir::TestExpect> Checker::test_expect(const TestExpect& x) {
  if (!x.cond) return std::nullopt;
  const Expr* c = x.cond.get();
  ir::TestExpect out;
  out.where = where(x.loc);
  const Expr* lhs = c;
  const Expr* rhs = nullptr;
  if (x.within) {
    out.cmp = ir::TestCmp::Within;
  } else if (c->kind == ExprKind::Unary && c->op == "not" && !c->parenthesized) {
    out.cmp = ir::TestCmp::IsFalse;
    lhs = c->args[0].get();
  } else if (c->kind == ExprKind::Binary &&
             (c->op == "==" || c->op == "!=" || c->op == "<" || c->op == "<=" || c->op == ">" || c->op == ">=")) {
    static const std::map<std::string, ir::TestCmp> ops = {{"==", ir::TestCmp::Eq}, {"!=", ir::TestCmp::Ne},
                                                           {"<", ir::TestCmp::Lt},  {"<=", ir::TestCmp::Le},
                                                           {">", ir::TestCmp::Gt},  {">=", ir::TestCmp::Ge}};
    out.cmp = ops.at(c->op);
    lhs = c->args[0].get();
    rhs = c->args[1].get();
  } else if (c->kind == ExprKind::Name) {
    out.cmp = ir::TestCmp::IsTrue;
  } else {
    diags_.error("E070", whole(*c), "an expectation compares a score, grade or segment with a value",
                 "write 'expect engagement.tier == high', 'expect engagement.raw >= 500', 'expect fit == B', "
                 "'expect dormant_30' or 'expect not dormant_30'");
    return std::nullopt;
  }
  if (lhs->kind != ExprKind::Name) {
    diags_.error("E070", whole(*lhs), "an expectation starts with a score, grade or segment",
                 "like 'engagement', 'engagement.raw', 'engagement.tier', 'fit', 'fit.points' or a segment's name");
    return std::nullopt;
  }
  // What the name denotes.
  std::string target = describe(*lhs);
  bool text_target = false;
  if (auto it = score_index_.find(lhs->text); it != score_index_.end()) {
    out.index = it->second;
    const auto& m = lhs->member;
    if (m.empty() || m == "score") out.target = ir::TestTarget::ScoreValue;
    else if (m == "raw") out.target = ir::TestTarget::ScoreRaw;
    else if (m == "tier") out.target = ir::TestTarget::ScoreTier, text_target = true;
    else {
      auto s = closest_match(m, {"raw", "score", "tier"});
      diags_.error("E011", lhs->member_loc, fmt::format("score '{}' has no member '{}'", lhs->text, m),
                   s ? fmt::format("did you mean '{}'?", *s) : "a score has 'raw', 'score' and 'tier'");
      return std::nullopt;
    }
    if (text_target && b_.program().scores[out.index].tiers.empty()) {
      diags_.error("E018", whole(*lhs), fmt::format("'{}' has no tiers", lhs->text));
      return std::nullopt;
    }
  } else if (auto git = grade_index_.find(lhs->text); git != grade_index_.end()) {
    out.index = git->second;
    const auto& m = lhs->member;
    if (m.empty() || m == "letter") out.target = ir::TestTarget::GradeLetter, text_target = true;
    else if (m == "points") out.target = ir::TestTarget::GradePoints;
    else {
      auto s = closest_match(m, {"letter", "points"});
      diags_.error("E011", lhs->member_loc, fmt::format("grade '{}' has no member '{}'", lhs->text, m),
                   s ? fmt::format("did you mean '{}'?", *s) : "a grade has 'letter' and 'points'");
      return std::nullopt;
    }
  } else if (auto sit = segment_index_.find(lhs->text); sit != segment_index_.end() && lhs->member.empty()) {
    out.index = sit->second;
    out.target = ir::TestTarget::Segment;
  } else {
    std::vector<std::string> names;
    for (auto& [n, i] : score_index_) names.push_back(n);
    for (auto& [n, i] : grade_index_) names.push_back(n);
    for (auto& [n, i] : segment_index_) names.push_back(n);
    auto s = closest_match(lhs->text, names);
    diags_.error("E012", lhs->loc, fmt::format("unknown score, grade or segment '{}'", lhs->text),
                 s ? fmt::format("did you mean '{}'?", *s) : "an expectation names a score, a grade or a segment");
    return std::nullopt;
  }
  bool segment = out.target == ir::TestTarget::Segment;
  if (segment != (out.cmp == ir::TestCmp::IsTrue || out.cmp == ir::TestCmp::IsFalse)) {
    if (segment)
      diags_.error("E070", whole(*c), fmt::format("'{}' is a segment: expect it true or false", target),
                   fmt::format("write 'expect {}' or 'expect not {}'", target, target));
    else
      diags_.error("E070", whole(*c), fmt::format("'{}' needs a comparison", target),
                   text_target ? fmt::format("like 'expect {} == ...'", target) : fmt::format("like 'expect {} >= 10'", target));
    return std::nullopt;
  }
  if (segment) {
    out.text = (out.cmp == ir::TestCmp::IsFalse ? "not " : "") + target;
    return out;
  }
  if (out.cmp == ir::TestCmp::Within) {
    if (text_target) {
      diags_.error("E020", x.within->loc, fmt::format("'{}' is a name, not a number: 'within' needs a number", target));
      return std::nullopt;
    }
    auto lo = x.within->lo ? literal_type(*x.within->lo) : std::nullopt;
    auto hi = x.within->hi ? literal_type(*x.within->hi) : std::nullopt;
    if (lo != Type::Number || hi != Type::Number) {
      diags_.error("E020", x.within->loc, "'within' needs two numbers, like 'within 10..20'");
      return std::nullopt;
    }
    out.a = literal_number(*x.within->lo);
    out.b = literal_number(*x.within->hi);
    if (out.a > out.b) {
      diags_.error("E070", x.within->loc, fmt::format("the range {}..{} is empty", format_number(out.a), format_number(out.b)),
                   "write the smaller bound first");
      return std::nullopt;
    }
    out.text = fmt::format("{} within {}..{}", target, format_number(out.a), format_number(out.b));
    return out;
  }
  if (text_target) {
    if (out.cmp != ir::TestCmp::Eq && out.cmp != ir::TestCmp::Ne) {
      diags_.error("E020", c->loc, fmt::format("'{}' is a name: compare it with '==' or '!='", target));
      return std::nullopt;
    }
    if (rhs->kind == ExprKind::String || (rhs->kind == ExprKind::Name && rhs->member.empty())) {
      out.name = rhs->text;
    } else {
      diags_.error("E020", whole(*rhs), fmt::format("'{}' is compared with a tier or letter name", target),
                   "write the name, like 'high' or 'B'");
      return std::nullopt;
    }
    const auto& p = b_.program();
    bool tier = out.target == ir::TestTarget::ScoreTier;
    const auto& tiers = tier ? p.scores[out.index].tiers : p.grades[out.index].letters;
    std::vector<std::string> names;
    for (const auto& t : tiers) names.push_back(t.name);
    if (std::find(names.begin(), names.end(), out.name) == names.end()) {
      const char* what = tier ? "tier" : "letter";
      const std::string& owner = tier ? p.scores[out.index].name : p.grades[out.index].name;
      auto m = closest_match(out.name, names);
      diags_.error("E018", whole(*rhs), fmt::format("'{}' has no {} '{}'", owner, what, out.name),
                   m ? fmt::format("did you mean '{}'?", *m) : fmt::format("its {}s are {}", what, fmt::join(names, ", ")));
      return std::nullopt;
    }
    out.text = fmt::format("{} {} {}", target, c->op, out.name);
    return out;
  }
  auto t = literal_type(*rhs);
  if (t != Type::Number) {
    diags_.error("E020", whole(*rhs), fmt::format("'{}' is a number: compare it with a number", target),
                 fmt::format("like 'expect {} >= 10'", target));
    return std::nullopt;
  }
  out.a = literal_number(*rhs);
  out.text = fmt::format("{} {} {}", target, c->op, format_number(out.a));
  return out;
}

void Checker::check_tests() {
  if (modules_.empty()) return;
  const auto& schema = b_.program().schema;
  std::map<std::string, Loc> seen;
  for (auto& t : modules_.back().tests) {
    if (auto [it, fresh] = seen.emplace(t.name, t.loc); !fresh)
      diags_.error("E071", t.loc, fmt::format("there is already a test named \"{}\"", t.name),
                   fmt::format("the first is at {}; give each test its own name", where(it->second)));
    ir::TestCase tc;
    tc.name = t.name;
    tc.where = where(t.loc);
    bool ok = true;
    std::set<std::string> attrs_seen;
    for (const auto& v : t.profile) {
      int a = schema.find_attr(v.name);
      if (a < 0) {
        std::vector<std::string> names;
        for (const auto& d : schema.profile) names.push_back(d.name);
        auto m = closest_match(v.name, names);
        diags_.error("E011", v.loc, fmt::format("the profile has no attribute '{}'", v.name),
                     m ? fmt::format("did you mean '{}'?", *m) : "declare it in 'profile { }'");
        ok = false;
        continue;
      }
      if (!attrs_seen.insert(v.name).second) {
        diags_.error("E004", v.loc, fmt::format("'{}' is given twice in the test's profile", v.name));
        ok = false;
        continue;
      }
      auto tv = test_value(v, schema.profile[a].type);
      if (!tv) { ok = false; continue; }
      tv->index = a;
      tc.profile.push_back(std::move(*tv));
    }
    for (const auto& ev : t.events) {
      int e = schema.find_event(ev.event);
      if (e < 0) {
        std::vector<std::string> names;
        for (const auto& d : schema.events) names.push_back(d.name);
        auto m = closest_match(ev.event, names);
        diags_.error("E010", ev.event_loc, fmt::format("unknown event '{}'", ev.event),
                     m ? fmt::format("did you mean '{}'?", *m) : "declare it with 'event NAME { ... }'");
        ok = false;
        continue;
      }
      ir::TestEvent te;
      te.ts = ev.ts;
      te.event = e;
      std::set<std::string> props_seen;
      for (const auto& v : ev.props) {
        const auto* p = schema.events[e].find_prop(v.name);
        if (!p) {
          std::vector<std::string> names;
          for (const auto& d : schema.events[e].props) names.push_back(d.name);
          auto m = closest_match(v.name, names);
          diags_.error("E011", v.loc, fmt::format("event '{}' has no property '{}'", ev.event, v.name),
                       m ? fmt::format("did you mean '{}'?", *m)
                         : names.empty() ? "this event has no properties"
                                         : fmt::format("its properties are {}", fmt::join(names, ", ")));
          ok = false;
          continue;
        }
        if (!props_seen.insert(v.name).second) {
          diags_.error("E004", v.loc, fmt::format("'{}' is given twice in this event", v.name));
          ok = false;
          continue;
        }
        auto tv = test_value(v, p->type);
        if (!tv) { ok = false; continue; }
        tv->index = p->column;
        te.props.push_back(std::move(*tv));
      }
      tc.events.push_back(std::move(te));
    }
    if (t.as_of) {
      if (t.as_of->kind != ExprKind::Timestamp) {
        diags_.error("E020", whole(*t.as_of), "'as_of' is a date, like 2024-03-01 or 2024-03-01T10:00:00Z");
        ok = false;
      } else {
        tc.as_of = t.as_of->number;
      }
    } else if (t.events.empty() && !t.incomplete) {
      diags_.error("E070", t.loc, fmt::format("test \"{}\" has no events and no 'as_of'", t.name),
                   "add 'as_of 2024-03-01': without events there is no latest event to score as of");
      ok = false;
    }
    if (t.expects.empty() && !t.incomplete) {
      diags_.error("E070", t.loc, fmt::format("test \"{}\" expects nothing", t.name),
                   "add a line like 'expect engagement.tier == high'");
      ok = false;
    }
    for (const auto& x : t.expects) {
      auto e = test_expect(x);
      if (!e) { ok = false; continue; }
      tc.expects.push_back(std::move(*e));
    }
    if (ok) b_.program().tests.push_back(std::move(tc));
  }
}

}  // namespace scorec::frontend::detail
