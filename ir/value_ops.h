// The semantics of the IR's operators on run-time values, in one place: the
// interpreter evaluates with these functions, the checker folds constants with them,
// and the JIT's code generation mirrors them (its differential tests compare against
// them).
//
//   arithmetic with null is null; x / 0 and x % 0 are null; a NaN result is null
//   a comparison with null is false (a valid false, not null)
//   and / or are Kleene three-valued: null and false = false, null or true = true
//   not null = null; a condition that is null does not hold
#pragma once

#include <cmath>

#include "ir/program.h"

namespace scorec::ir {

struct Value {
  double v = 0;
  bool ok = false;  // false: null
  static Value null() { return {0, false}; }
  static Value of(double d) { return std::isnan(d) ? null() : Value{d, true}; }
  static Value boolean(bool b) { return {b ? 1.0 : 0.0, true}; }
  bool truthy() const { return ok && v != 0; }
};

Value apply_unary(Op op, Value a);
Value apply_binary(Op op, Value a, Value b);

// The printable name of an operator: "+", "and", "??".
const char* op_name(Op op);

}  // namespace scorec::ir
