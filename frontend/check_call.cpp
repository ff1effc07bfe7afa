// Calls: per-user aggregates, time helpers, has(), and the builtin registry.
#include <cmath>
#include <set>

#include "frontend/checker_impl.h"

namespace scorec::frontend::detail {

std::optional<ir::Expr> Checker::call(const Expr& e, const Scope& scope) {
  const std::string& fn = e.text;
  if (auto agg = ir::agg_named(fn); agg && is_aggregate_call(e, *agg, scope)) return aggregate(e, *agg, scope);
  if (fn == "has") {
    if (e.args.size() != 1) {
      diags_.error("E025", e.loc, "has() takes one argument", "write 'has(industry)'");
      return std::nullopt;
    }
    auto a = expr(*e.args[0], scope);
    if (!a || reject_list(*a, *e.args[0])) return std::nullopt;
    return b_.node(Op::Has, Type::Bool, std::move(*a));
  }
  if (fn == "days_since" || fn == "hours_since") {
    if (e.args.size() != 1) {
      diags_.error("E025", e.loc, fmt::format("{}() takes one timestamp", fn), "write 'days_since(last(login))'");
      return std::nullopt;
    }
    if (scope.ctx == Context::Const) {
      diags_.error("E060", e.loc, fmt::format("{}() depends on the run's as-of time, so it cannot be part of a constant", fn));
      return std::nullopt;
    }
    auto a = expr(*e.args[0], scope);
    if (!a) return std::nullopt;
    if (a->type != Type::Timestamp) {
      diags_.error("E020", e.args[0]->loc, fmt::format("{}() needs a timestamp, but this is a {}", fn, type_str(a->type)),
                   "it takes a timestamp, like days_since(last(login)) or days_since(signed_up)");
      return std::nullopt;
    }
    // (as_of - t) / unit: lowered to plain arithmetic, so every engine shares it.
    double unit = fn == "days_since" ? kSecondsPerDay : 3600.0;
    auto age = b_.node(Op::Sub, Type::Duration, ir::Builder::leaf(Op::AsOf, Type::Timestamp), std::move(*a));
    return b_.node(Op::Div, Type::Number, std::move(age), ir::Builder::constant(Type::Duration, unit));
  }
  std::vector<const builtins::Info*> overloads;
  for (const auto& info : builtins::all())
    if (info.name == fn) overloads.push_back(&info);
  if (overloads.empty()) {
    std::vector<std::string> names;
    for (uint8_t k = 0; k < ir::kAggKindCount; ++k) names.emplace_back(ir::agg_info(static_cast<ir::AggKind>(k)).name);
    for (const char* name : {"has", "days_since", "hours_since"}) names.emplace_back(name);
    for (const auto& info : builtins::all()) names.emplace_back(info.name);
    auto m = closest_match(fn, names);
    diags_.error("E013", e.loc, fmt::format("unknown function '{}'", fn), m ? fmt::format("did you mean '{}'?", *m) : "");
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
  diags_.error("E020", e.loc, fmt::format("{}() cannot take ({})", fn, fmt::join(got, ", ")), std::string(overloads[0]->help));
  return std::nullopt;
}

bool Checker::matches(const builtins::Signature& sig, const std::vector<ir::Expr>& args) {
  if (sig.variadic ? args.size() < sig.params.size() : args.size() != sig.params.size()) return false;
  for (size_t i = 0; i < args.size(); ++i) {
    Type want = i < sig.params.size() ? sig.params[i] : sig.params.back();
    if (args[i].type != want && args[i].type != Type::Null) return false;
  }
  return true;
}

bool Checker::is_aggregate_call(const Expr& e, ir::AggKind kind, const Scope& scope) {
  // An aggregate that shares its name with a builtin (min, max) is a builtin call
  // unless its first argument names an event.
  bool min_max = builtins::find(ir::agg_info(kind).name) != nullptr;
  if (e.args.empty() || e.args[0]->kind != ExprKind::Name) return !min_max;
  const auto& schema = b_.program().schema;
  const Expr& a = *e.args[0];
  int ev = schema.find_event(a.text);
  if (ev < 0) return !min_max;
  // In `on click`, max(click.n, 3) compares this click's property with 3.
  if (min_max && scope.ctx == Context::Event && ev == scope.event && e.args.size() >= 2) return false;
  return true;
}

std::optional<ir::Expr> Checker::aggregate(const Expr& e, ir::AggKind kind, const Scope& scope) {
  const auto& schema = b_.program().schema;
  const std::string& fn = e.text;
  bool on_event = ir::agg_info(kind).of_event;
  std::string usage = on_event ? fmt::format("{}(EVENT) or {}(EVENT, 90d)", fn, fn) : fmt::format("{}(EVENT.property) or {}(EVENT.property, 90d)", fn, fn);
  if (e.args.empty() || e.args.size() > 2 || e.args[0]->kind != ExprKind::Name) {
    diags_.error("E025", e.loc, fmt::format("{}() takes an event{} and an optional window", fn, on_event ? "" : "'s property"),
                 "write " + usage);
    return std::nullopt;
  }
  if (scope.ctx == Context::Event || scope.ctx == Context::Const) {
    diags_.error("E060", e.loc, fmt::format("{}() is a per-user aggregate and cannot be used {}", fn,
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
    diags_.error("E010", target.loc, fmt::format("unknown event '{}'", target.text), m ? fmt::format("did you mean '{}'?", *m) : "");
    return std::nullopt;
  }
  int column = -1;
  std::string label = target.text;
  if (!target.member.empty()) {
    if (on_event) {
      diags_.error("E025", target.loc, fmt::format("{}() takes an event, not a property", fn), "write " + usage);
      return std::nullopt;
    }
    const auto* prop = schema.events[ev].find_prop(target.member);
    if (!prop) {
      std::vector<std::string> names;
      for (auto& p : schema.events[ev].props) names.push_back(p.name);
      auto m = closest_match(target.member, names);
      diags_.error("E011", target.member_loc, fmt::format("event '{}' has no property '{}'", target.text, target.member),
                   m ? fmt::format("did you mean '{}'?", *m) : "");
      return std::nullopt;
    }
    if (prop->type != Type::Number) {
      diags_.error("E020", target.loc, fmt::format("{}() needs a number property, but '{}' is a {}", fn, label + "." + target.member, type_str(prop->type)),
                   fmt::format("count({}) counts events of any kind", target.text));
      return std::nullopt;
    }
    column = prop->column;
    label += "." + target.member;
  } else if (!on_event) {
    diags_.error("E025", target.loc, fmt::format("{}() needs a property of '{}'", fn, target.text), "write " + usage);
    return std::nullopt;
  }
  double window = 0;
  if (e.args.size() == 2) {
    auto w = positive(e.args[1].get(), Type::Duration, "the aggregate's window", e.loc);
    if (!w) return std::nullopt;
    window = *w;
    label += ", " + format_duration(window);
  }
  used_events_.insert(ev);
  return b_.aggregate(kind, ev, column, window, fmt::format("({})", label));
}

}  // namespace scorec::frontend::detail
