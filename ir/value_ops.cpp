#include "ir/value_ops.h"

namespace scorec::ir {

Value apply_unary(Op op, Value a) {
  switch (op) {
    case Op::Neg: return a.ok ? Value{-a.v, true} : Value::null();
    case Op::Not: return a.ok ? Value::boolean(a.v == 0) : Value::null();
    case Op::Has: return Value::boolean(a.ok);
    case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
    case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
    case Op::SegmentRef:
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Mod:
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: case Op::Eq: case Op::Ne:
    case Op::And: case Op::Or: case Op::Coalesce:
    case Op::InSet: case Op::ListContains: case Op::Call: case Op::ListLit: break;  // not unary
  }
  return Value::null();
}

Value apply_binary(Op op, Value a, Value b) {
  const bool both = a.ok && b.ok;
  switch (op) {
    case Op::And:
      if ((a.ok && a.v == 0) || (b.ok && b.v == 0)) return Value::boolean(false);
      if (a.ok && b.ok) return Value::boolean(true);
      return Value::null();
    case Op::Or:
      if ((a.ok && a.v != 0) || (b.ok && b.v != 0)) return Value::boolean(true);
      if (a.ok && b.ok) return Value::boolean(false);
      return Value::null();
    case Op::Coalesce: return a.ok ? a : b;
    case Op::Add: return both ? Value::of(a.v + b.v) : Value::null();
    case Op::Sub: return both ? Value::of(a.v - b.v) : Value::null();
    case Op::Mul: return both ? Value::of(a.v * b.v) : Value::null();
    case Op::Div: return both && b.v != 0 ? Value::of(a.v / b.v) : Value::null();
    case Op::Mod: return both && b.v != 0 ? Value::of(std::fmod(a.v, b.v)) : Value::null();
    case Op::Lt: return Value::boolean(both && a.v < b.v);
    case Op::Le: return Value::boolean(both && a.v <= b.v);
    case Op::Gt: return Value::boolean(both && a.v > b.v);
    case Op::Ge: return Value::boolean(both && a.v >= b.v);
    case Op::Eq: return Value::boolean(both && a.v == b.v);
    case Op::Ne: return Value::boolean(both && a.v != b.v);
    case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
    case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
    case Op::SegmentRef:
    case Op::Neg: case Op::Not: case Op::Has:
    case Op::InSet: case Op::ListContains: case Op::Call: case Op::ListLit: break;  // not binary arithmetic
  }
  return Value::null();
}

const char* op_name(Op op) {
  switch (op) {
    case Op::Neg: return "-";
    case Op::Not: return "not";
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::And: return "and";
    case Op::Or: return "or";
    case Op::Coalesce: return "??";
    case Op::Has: return "has";
    case Op::Const: case Op::EventProp: case Op::ProfileAttr: case Op::AggRead: case Op::AsOf:
    case Op::ScoreRaw: case Op::ScoreValue: case Op::ScoreTier: case Op::GradePoints: case Op::GradeLetter:
    case Op::SegmentRef:
    case Op::InSet: case Op::ListContains: case Op::Call: case Op::ListLit: break;  // printed by the printer
  }
  return "?";
}

}  // namespace scorec::ir
