#include "runtime/engine/evaluator.h"

#include <algorithm>
#include <cmath>

namespace scorec::runtime {

using ir::Op;
using ir::Value;

namespace {

Value agg_read(const ir::Expr& e, const double* state) {
  double count = e.index2 >= 0 ? state[e.index2] : 0;
  switch (ir::agg_info(e.agg).read) {
    case ir::AggRead::Value: return {state[e.index], true};
    case ir::AggRead::Mean: return count > 0 ? Value{state[e.index] / count, true} : Value::null();
    case ir::AggRead::ValueIfAny: return count > 0 ? Value{state[e.index], true} : Value::null();
  }
  return Value::null();
}

Value output(const ir::Expr& e, const UserOutputs* o) {
  if (!o) return Value::null();
  switch (e.op) {
    // A NaN raw score, scaled score or points is null (finalize).
    case Op::ScoreRaw: return Value::of(o->raw[e.index]);
    case Op::ScoreValue: return Value::of(o->value[e.index]);
    case Op::ScoreTier: return o->tier[e.index] >= 0 ? Value{static_cast<double>(o->tier[e.index]), true} : Value::null();
    case Op::GradePoints: return Value::of(o->points[e.index]);
    case Op::GradeLetter: return o->letter[e.index] >= 0 ? Value{static_cast<double>(o->letter[e.index]), true} : Value::null();
    case Op::SegmentRef: return Value::boolean(o->segments[e.index] != 0);
    case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
    case Op::Neg: case Op::Not: case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
    case Op::And: case Op::Or: case Op::Coalesce: case Op::Has: case Op::InSet: case Op::ListContains:
    case Op::Call: case Op::ListLit: break;  // not an output
  }
  return Value::null();
}

}  // namespace

Value evaluate(const ir::Expr& e, EvalContext& ctx) {
  switch (e.op) {
    case Op::Const: return {e.value, e.valid};
    case Op::EventProp: {
      const Column& c = ctx.batch->columns[e.index];
      return c.valid[ctx.row] ? Value{c.values[ctx.row], true} : Value::null();
    }
    case Op::ProfileAttr: {
      const ProfileTable& p = ctx.run->profiles;
      return p.valid(ctx.user, e.index) ? Value{p.value(ctx.user, e.index), true} : Value::null();
    }
    case Op::AggRead: return agg_read(e, ctx.state);
    case Op::AsOf: return {ctx.run->as_of, true};
    case Op::ScoreRaw:
    case Op::ScoreValue:
    case Op::ScoreTier:
    case Op::GradePoints:
    case Op::GradeLetter:
    case Op::SegmentRef: return output(e, ctx.outputs);
    case Op::Neg:
    case Op::Not:
    case Op::Has: return ir::apply_unary(e.op, evaluate(e.args[0], ctx));
    case Op::And: {
      // Short-circuit where the result is already decided: false and x = false.
      Value a = evaluate(e.args[0], ctx);
      if (a.ok && a.v == 0) return Value::boolean(false);
      return ir::apply_binary(Op::And, a, evaluate(e.args[1], ctx));
    }
    case Op::Or: {
      Value a = evaluate(e.args[0], ctx);
      if (a.ok && a.v != 0) return Value::boolean(true);
      return ir::apply_binary(Op::Or, a, evaluate(e.args[1], ctx));
    }
    case Op::Coalesce: {
      Value a = evaluate(e.args[0], ctx);
      return a.ok ? a : evaluate(e.args[1], ctx);
    }
    case Op::InSet: {
      // Membership of a null is false, like a comparison with null; `not in` negates.
      Value a = evaluate(e.args[0], ctx);
      bool found = false;
      for (size_t i = 1; a.ok && i < e.args.size() && !found; ++i) found = e.args[i].valid && e.args[i].value == a.v;
      if (!a.ok) return Value::boolean(false);
      return Value::boolean(e.index == 1 ? !found : found);
    }
    case Op::ListContains: {
      Value a = evaluate(e.args[0], ctx);
      Value l = evaluate(e.args[1], ctx);
      if (!a.ok || !l.ok) return Value::boolean(false);
      const auto& items = ctx.run->lists.get(static_cast<uint32_t>(l.v));
      bool found = std::find(items.begin(), items.end(), static_cast<uint32_t>(a.v)) != items.end();
      return Value::boolean(e.index == 1 ? !found : found);
    }
    case Op::Call: {
      double args[8];
      std::vector<double> many;
      double* buf = args;
      if (e.args.size() > 8) {
        many.resize(e.args.size());
        buf = many.data();
      }
      for (size_t i = 0; i < e.args.size(); ++i) {
        Value v = evaluate(e.args[i], ctx);
        if (!v.ok) return Value::null();  // NullInNullOut, the only policy so far
        buf[i] = v.v;
      }
      return Value::of(builtins::call(e.fn, buf, static_cast<int>(e.args.size()), &ctx.strings));
    }
    case Op::ListLit: return Value::null();  // never reaches an engine
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
      return ir::apply_binary(e.op, evaluate(e.args[0], ctx), evaluate(e.args[1], ctx));
  }
  return Value::null();
}

}  // namespace scorec::runtime
