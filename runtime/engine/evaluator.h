// Evaluates IR expressions: the reference semantics of every expression the JIT
// compiles. Operators come from ir/value_ops.h, functions from the builtin registry.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/program.h"
#include "ir/value_ops.h"
#include "runtime/engine/run_state.h"
#include "runtime/event_batch.h"
#include "stdlib/builtins.h"

namespace scorec::runtime {

// The finalized outputs of one user, for segment expressions that read them.
struct UserOutputs {
  const double* raw = nullptr;      // per score
  const double* value = nullptr;    // per score: scaled, or raw when unscaled
  const int* tier = nullptr;        // per score: string id of the tier name, -1 = none
  const double* points = nullptr;   // per grade
  const int* letter = nullptr;      // per grade: string id
  const uint8_t* segments = nullptr;
};

struct EvalContext {
  RunState* run = nullptr;
  uint32_t user = 0;
  const double* state = nullptr;
  const EventBatch* batch = nullptr;  // event rules only
  size_t row = 0;
  const UserOutputs* outputs = nullptr;  // segments only
  builtins::StringContext strings;
};

ir::Value evaluate(const ir::Expr& e, EvalContext& ctx);

}  // namespace scorec::runtime
