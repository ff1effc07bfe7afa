// Expressions: names resolved by context, operators typed, constants folded.
#include <cmath>
#include <map>
#include <set>

#include "frontend/checker_impl.h"

namespace scorec::frontend::detail {

std::optional<ir::Expr> Checker::expr(const Expr& e, const Scope& scope) {
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

std::vector<std::string> Checker::candidates(const Scope& scope) {
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

std::optional<ir::Expr> Checker::event_prop(int ev, int p) {
  const auto& prop = b_.program().schema.events[ev].props[p];
  return ir::Builder::leaf(Op::EventProp, prop.type, prop.column);
}

std::optional<ir::Expr> Checker::profile_attr(int a) {
  used_attrs_.insert(a);
  return ir::Builder::leaf(Op::ProfileAttr, b_.program().schema.profile[a].type, a);
}

std::optional<ir::Expr> Checker::name(const Expr& e, const Scope& scope) {
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
    diags_.error("E016", e.loc, fmt::format("'{}' is both a property of event '{}' and a profile attribute", n, schema.events[scope.event].name),
                 fmt::format("write '{}.{}' or 'profile.{}'", schema.events[scope.event].name, n, n));
    return std::nullopt;
  }
  if (prop >= 0) return event_prop(scope.event, prop);
  if (attr >= 0) return profile_attr(attr);
  if (consts_.count(n)) {
    used_consts_.insert(n);
    return check_const(n, e.loc);
  }
  if (n == "as_of" || n == "now") {
    if (scope.ctx == Context::Const) {
      diags_.error("E060", e.loc, fmt::format("'{}' is not known when constants are computed", n));
      return std::nullopt;
    }
    return ir::Builder::leaf(Op::AsOf, Type::Timestamp);
  }
  if (scope.ctx == Context::Segment) {
    if (auto it = score_index_.find(n); it != score_index_.end()) return ir::Builder::leaf(Op::ScoreValue, Type::Number, it->second);
    if (auto it = grade_index_.find(n); it != grade_index_.end()) return ir::Builder::leaf(Op::GradeLetter, Type::String, it->second);
    if (auto it = segment_index_.find(n); it != segment_index_.end()) return segment_ref(e, it->second, scope);
  } else if (score_index_.count(n) || grade_index_.count(n) || segment_index_.count(n)) {
    const char* kind = score_index_.count(n) ? "a score" : grade_index_.count(n) ? "a grade" : "a segment";
    diags_.error("E060", e.loc, fmt::format("'{}' is {}, and can only be used in a segment", n, kind),
                 "scores are computed independently of each other; combine them in a 'segment'");
    return std::nullopt;
  }
  if (scope.ctx == Context::User || scope.ctx == Context::Segment) {
    for (const auto& ev : schema.events)
      if (ev.find_prop(n)) {
        diags_.error("E060", e.loc, fmt::format("'{}' is a property of event '{}', which a per-user rule cannot read directly", n, ev.name),
                     fmt::format("use an aggregate such as sum({0}.{1}), max({0}.{1}) or count({0})", ev.name, n));
        return std::nullopt;
      }
  }
  if (schema.find_event(n) >= 0) {
    diags_.error("E060", e.loc, fmt::format("'{}' is an event type, not a value", n),
                 fmt::format("count them with count({0}), or use last({0}) for the time of the latest", n));
    return std::nullopt;
  }
  auto m = closest_match(n, candidates(scope));
  std::string hint = m ? fmt::format("did you mean '{}'?", *m) : "";
  static const std::set<std::string> units = {"second", "seconds", "minute", "minutes", "hour", "hours", "day",
                                              "days", "week", "weeks", "month", "months", "year", "years"};
  if (units.count(n)) hint = "a duration is a number with a unit: 45s, 30min, 12h, 7d, 2w, 6mo";
  if (!m && scope.ctx == Context::Event && schema.find_attr(n) < 0)
    hint = fmt::format("event '{}' has no property '{}'; declare it in 'event {} {{ ... }}'", schema.events[scope.event].name, n,
                       schema.events[scope.event].name);
  diags_.error("E012", e.loc, fmt::format("unknown name '{}'", n), hint);
  return std::nullopt;
}

std::optional<ir::Expr> Checker::segment_ref(const Expr& e, int target, const Scope& scope) {
  if (target >= scope.segment) {
    diags_.error("E061", e.loc, target == scope.segment ? fmt::format("segment '{}' refers to itself", e.text)
                                                : fmt::format("segment '{}' is used before it is defined", e.text),
                 "a segment can use the segments defined above it");
    return std::nullopt;
  }
  return ir::Builder::leaf(Op::SegmentRef, Type::Bool, target);
}

std::optional<ir::Expr> Checker::qualified(const Expr& e, const Scope& scope) {
  const auto& schema = b_.program().schema;
  const std::string& head = e.text;
  const std::string& mem = e.member;
  if (head == "profile") {
    int a = schema.find_attr(mem);
    if (a >= 0 && scope.ctx != Context::Const) return profile_attr(a);
    std::vector<std::string> names;
    for (auto& at : schema.profile) names.push_back(at.name);
    auto m = closest_match(mem, names);
    diags_.error("E011", e.member_loc, fmt::format("the profile has no attribute '{}'", mem), m ? fmt::format("did you mean '{}'?", *m) : "");
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
      diags_.error("E011", e.member_loc, fmt::format("event '{}' has no property '{}'", head, mem),
                   m ? fmt::format("did you mean '{}'?", *m) : "");
      return std::nullopt;
    }
    if (scope.ctx == Context::Event && scope.event == ev) return event_prop(ev, p);
    if (scope.ctx == Context::Event) {
      diags_.error("E060", e.loc, fmt::format("this rule is on event '{}', so it cannot read a property of '{}'", schema.events[scope.event].name, head));
      return std::nullopt;
    }
    diags_.error("E060", e.loc, fmt::format("'{}.{}' is a property of each '{}' event, which a per-user rule cannot read directly", head, mem, head),
                 fmt::format("use an aggregate such as sum({0}.{1}), max({0}.{1}) or avg({0}.{1})", head, mem));
    return std::nullopt;
  }
  auto out_ref = [&](std::vector<std::pair<std::string, std::pair<Op, Type>>> members, int index) -> std::optional<ir::Expr> {
    if (scope.ctx != Context::Segment) {
      diags_.error("E060", e.loc, fmt::format("'{}' is {}, and can only be used in a segment", head,
                                      score_index_.count(head) ? "a score" : "a grade"),
                   "scores are computed independently of each other; combine them in a 'segment'");
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (auto& [n, what] : members) {
      if (n == mem) return ir::Builder::leaf(what.first, what.second, index);
      names.push_back(n);
    }
    auto m = closest_match(mem, names);
    diags_.error("E011", e.member_loc, fmt::format("'{}' has no '{}'", head, mem),
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
  diags_.error("E012", e.loc, fmt::format("unknown name '{}'", head), m ? fmt::format("did you mean '{}'?", *m) : "");
  return std::nullopt;
}

std::optional<ir::Expr> Checker::list(const Expr& e, const Scope& scope) {
  ir::Expr out;
  out.op = Op::ListLit;
  Type elem = Type::Null;
  for (auto& a : e.args) {
    auto v = expr(*a, scope);
    if (!v) return std::nullopt;
    if (v->op != Op::Const) {
      diags_.error("E024", a->loc, "list elements must be constants");
      return std::nullopt;
    }
    if (elem != Type::Null && v->type != elem) {
      diags_.error("E024", a->loc, fmt::format("this list mixes {} and {} elements", type_str(elem), type_str(v->type)));
      return std::nullopt;
    }
    elem = v->type;
    out.args.push_back(*v);
  }
  out.type = elem == Type::String ? Type::StringList : elem;
  return out;
}

bool Checker::reject_list(const ir::Expr& v, const Expr& e) {
  if (v.op == Op::ListLit) {
    diags_.error("E024", e.loc, "a list can only be used after 'in'", "write 'x in [\"a\", \"b\"]'");
    return true;
  }
  return false;
}

std::optional<ir::Expr> Checker::unary(const Expr& e, const Scope& scope) {
  auto a = expr(*e.args[0], scope);
  if (!a || reject_list(*a, *e.args[0])) return std::nullopt;
  if (e.op == "not") {
    if (a->type != Type::Bool) {
      diags_.error("E020", e.args[0]->loc, fmt::format("'not' needs true or false, but this is a {}", type_str(a->type)));
      return std::nullopt;
    }
    return b_.node(Op::Not, Type::Bool, std::move(*a));
  }
  if (a->type != Type::Number && a->type != Type::Duration) {
    diags_.error("E020", e.loc, fmt::format("cannot negate a {}", type_str(a->type)));
    return std::nullopt;
  }
  Type t = a->type;
  return b_.node(Op::Neg, t, std::move(*a));
}

std::optional<Type> Checker::arithmetic_type(const std::string& op, Type a, Type b) {
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

// Only the recursion lives here; the typing, with its many message temporaries, is a
// separate frame, so a long `a + b + c ...` chain costs little stack per term.
std::optional<ir::Expr> Checker::binary(const Expr& e, const Scope& scope) {
  auto a = expr(*e.args[0], scope);
  auto b = expr(*e.args[1], scope);
  if (!a || !b) return std::nullopt;
  return typed_binary(e, scope, std::move(a), std::move(b));
}

std::optional<ir::Expr> Checker::typed_binary(const Expr& e, const Scope& scope, std::optional<ir::Expr> a,
                                              std::optional<ir::Expr> b) {
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
        diags_.error("E020", e.args[i]->loc, fmt::format("'{}' needs true or false on both sides, but this is a {}", op, type_str(t)));
        return std::nullopt;
      }
    }
    lint_logic(e, irop, *a, *b, scope);
    return b_.node(irop, Type::Bool, std::move(*a), std::move(*b));
  }
  if (op == "??") {
    if (ta != tb && ta != Type::Null && tb != Type::Null) {
      diags_.error("E020", whole(e), fmt::format("'\?\?' needs the same type on both sides, but got {} and {}", type_str(ta), type_str(tb)),
                   ta == Type::Timestamp || tb == Type::Timestamp ? "both sides must be timestamps, like 'last(login) ?? signed_up'" : "");
      return std::nullopt;
    }
    Type t = ta == Type::Null ? tb : ta;
    return b_.node(irop, t, std::move(*a), std::move(*b));
  }
  bool comparison = irop == Op::Lt || irop == Op::Le || irop == Op::Gt || irop == Op::Ge || irop == Op::Eq || irop == Op::Ne;
  if (comparison) {
    if (ta == Type::Null || tb == Type::Null) {
      const Expr& other = ta == Type::Null ? *e.args[1] : *e.args[0];
      diags_.error("E023", whole(e), "a comparison with null is always false",
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
      diags_.error("E020", whole(e), fmt::format("cannot compare a {} with a {}", type_str(ta), type_str(tb)), hint);
      return std::nullopt;
    }
    if (ordered && !is_numeric_like(ta)) {
      diags_.error("E020", whole(e), fmt::format("'{}' compares numbers, durations or timestamps, not {}s", op, type_str(ta)));
      return std::nullopt;
    }
    if (ta == Type::StringList) {
      diags_.error("E020", whole(e), "lists cannot be compared", "test membership with 'in', or the size with len()");
      return std::nullopt;
    }
    if (!check_tier_name(*a, *b, *e.args[1]) || !check_tier_name(*b, *a, *e.args[0])) return std::nullopt;
    lint_comparison(e, irop, *a, *b, scope);
    return b_.node(irop, Type::Bool, std::move(*a), std::move(*b));
  }
  auto t = arithmetic_type(op, ta, tb);
  if (!t) {
    std::string hint;
    if (ta == Type::String || tb == Type::String) hint = "text cannot be used in arithmetic";
    else if (ta == Type::Timestamp && tb == Type::Number) hint = "add a duration to a timestamp, like 'signed_up + 30d'";
    diags_.error("E020", whole(e), fmt::format("cannot apply '{}' to a {} and a {}", op, type_str(ta), type_str(tb)), hint);
    return std::nullopt;
  }
  return b_.node(irop, *t, std::move(*a), std::move(*b));
}

std::string Checker::describe(const Expr& e) {
  if (e.kind == ExprKind::Name) return e.member.empty() ? e.text : e.text + "." + e.member;
  return "x";
}

// `engagement.tier == "hgih"` can never hold: the string must name one of the tiers
// (or letters) of that score (or grade).
bool Checker::check_tier_name(const ir::Expr& ref, const ir::Expr& text, const Expr& text_ast) {
  if ((ref.op != Op::ScoreTier && ref.op != Op::GradeLetter) || text.op != Op::Const || !text.valid) return true;
  const auto& p = b_.program();
  const auto& tiers = ref.op == Op::ScoreTier ? p.scores[ref.index].tiers : p.grades[ref.index].letters;
  const std::string& owner = ref.op == Op::ScoreTier ? p.scores[ref.index].name : p.grades[ref.index].name;
  const std::string& want = p.strings[static_cast<size_t>(text.value)];
  std::vector<std::string> names;
  for (const auto& t : tiers) {
    if (t.name == want) return true;
    names.push_back(t.name);
  }
  const char* what = ref.op == Op::ScoreTier ? "tier" : "letter";
  if (names.empty()) {
    diags_.error("E018", whole(text_ast), fmt::format("'{}' has no {}s", owner, what));
    return false;
  }
  auto m = closest_match(want, names);
  diags_.error("E018", whole(text_ast), fmt::format("'{}' has no {} '{}'", owner, what, want),
               m ? fmt::format("did you mean '{}'?", *m) : fmt::format("its {}s are {}", what, fmt::join(names, ", ")));
  return false;
}

std::optional<ir::Expr> Checker::in(const Expr& e, const Scope& scope) {
  auto a = expr(*e.args[0], scope);
  auto b = expr(*e.args[1], scope);
  if (!a || !b) return std::nullopt;
  if (reject_list(*a, *e.args[0])) return std::nullopt;
  int negated = e.op == "not in" ? 1 : 0;
  if (b->op == Op::ListLit) {
    Type elem = b->args.empty() ? a->type : b->args[0].type;
    if (elem != a->type) {
      diags_.error("E020", whole(e), fmt::format("cannot look for a {} in a list of {}s", type_str(a->type), type_str(elem)));
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
      diags_.error("E020", whole(e), fmt::format("a list<string> holds strings, not {}s", type_str(a->type)));
      return std::nullopt;
    }
    ir::Expr out = b_.node(Op::ListContains, Type::Bool, std::move(*a), std::move(*b));
    out.index = negated;
    return out;
  }
  diags_.error("E020", e.args[1]->loc, fmt::format("'in' needs a list on its right, but this is a {}", type_str(b->type)),
               "write 'x in [\"a\", \"b\"]', or use a list<string> attribute");
  return std::nullopt;
}

}  // namespace scorec::frontend::detail
