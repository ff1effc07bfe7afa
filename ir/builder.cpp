#include "ir/builder.h"

#include "ir/value_ops.h"

namespace scorec::ir {

int Builder::intern_string(const std::string& s) {
  auto it = strings_.find(s);
  if (it != strings_.end()) return it->second;
  int id = static_cast<int>(prog_.strings.size());
  prog_.strings.push_back(s);
  strings_[s] = id;
  return id;
}

int Builder::add_slot(std::string name, double init) {
  prog_.slots.push_back({std::move(name), init});
  return static_cast<int>(prog_.slots.size() - 1);
}

int Builder::update_slot(UpdateKind kind, int event, int column, double window, const std::string& label,
                         double init) {
  auto key = std::make_tuple(static_cast<int>(kind), event, column, window);
  auto it = update_slots_.find(key);
  if (it != update_slots_.end()) return it->second;
  int slot = add_slot(label, init);
  prog_.aggs.push_back({kind, event, column, window, slot});
  update_slots_[key] = slot;
  return slot;
}

Expr Builder::aggregate(AggKind kind, int event, int column, double window, const std::string& label) {
  const AggInfo info = agg_info(kind);
  Expr e = leaf(Op::AggRead, info.of_time ? Type::Timestamp : Type::Number);
  e.agg = kind;
  const int col = info.of_time ? -1 : column;  // -1: the event's timestamp
  // A count slot; count() itself is one, so its index2 is its index.
  auto count = [&] {
    return update_slot(UpdateKind::Count, event, col, window, col < 0 ? "count " + label : "count values " + label, 0);
  };
  e.index = info.update == UpdateKind::Count
                ? count()
                : update_slot(info.update, event, col, window, std::string(info.slot) + " " + label,
                              update_info(info.update).init);
  if (info.counted) e.index2 = count();
  return e;
}

Expr Builder::constant(Type t, double v, bool valid) {
  Expr e;
  e.op = Op::Const;
  e.type = t;
  e.value = valid ? v : 0;
  e.valid = valid;
  return e;
}

Expr Builder::leaf(Op op, Type t, int index) {
  Expr e;
  e.op = op;
  e.type = t;
  e.index = index;
  return e;
}

Expr Builder::node(Op op, Type t, std::vector<Expr> args) {
  bool all_const = !args.empty();
  for (const auto& a : args) all_const = all_const && a.op == Op::Const;
  if (all_const && args.size() == 1 && (op == Op::Neg || op == Op::Not || op == Op::Has)) {
    Value r = apply_unary(op, {args[0].value, args[0].valid});
    return constant(t, r.v, r.ok);
  }
  if (all_const && args.size() == 2 && op != Op::InSet && op != Op::ListContains) {
    Value r = apply_binary(op, {args[0].value, args[0].valid}, {args[1].value, args[1].valid});
    return constant(t, r.v, r.ok);
  }
  Expr e;
  e.op = op;
  e.type = t;
  e.args = std::move(args);
  return e;
}

Expr Builder::node(Op op, Type t, Expr a) {
  std::vector<Expr> args;
  args.push_back(std::move(a));
  return node(op, t, std::move(args));
}

Expr Builder::node(Op op, Type t, Expr a, Expr b) {
  std::vector<Expr> args;
  args.reserve(2);
  args.push_back(std::move(a));
  args.push_back(std::move(b));
  return node(op, t, std::move(args));
}

Expr Builder::call(builtins::Id fn, Type t, std::vector<Expr> args) {
  Expr e;
  e.op = Op::Call;
  e.type = t;
  e.fn = fn;
  bool all_const = true;
  for (const auto& a : args) all_const = all_const && a.op == Op::Const;
  // String functions need a run's pool, so only numeric calls fold here.
  bool numeric = t == Type::Number || t == Type::Duration || t == Type::Timestamp;
  bool string_args = false;
  for (const auto& a : args) string_args = string_args || a.type == Type::String || a.type == Type::StringList;
  if (all_const && numeric && !string_args) {
    std::vector<double> vals;
    bool any_null = false;
    for (const auto& a : args) {
      vals.push_back(a.value);
      any_null = any_null || !a.valid;
    }
    if (any_null) return constant(t, 0, false);
    double r = builtins::call(fn, vals.data(), static_cast<int>(vals.size()), nullptr);
    return constant(t, r, !std::isnan(r));
  }
  e.args = std::move(args);
  return e;
}

Program Builder::finish() {
  size_t n = prog_.schema.events.size();
  prog_.aggs_by_event.assign(n, {});
  prog_.rules_by_event.assign(n, {});
  for (size_t i = 0; i < prog_.aggs.size(); ++i) prog_.aggs_by_event[prog_.aggs[i].event].push_back(static_cast<int>(i));
  for (size_t i = 0; i < prog_.rules.size(); ++i) {
    const auto& r = prog_.rules[i];
    prog_.rules_by_event[r.event].push_back(static_cast<int>(i));
    if (r.cap > 0 || r.limit > 0) prog_.order_dependent = true;
  }
  return std::move(prog_);
}

}  // namespace scorec::ir
