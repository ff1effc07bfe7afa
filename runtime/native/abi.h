// The calling convention between the runtime and compiled rules (JIT or ahead of time).
// Generated functions receive plain pointers to these structs; field order and types are
// part of the contract (jit/codegen.cpp reads them by index), so change both together and
// bump kAbiVersion, which is part of the compiled-code cache key and is checked when an
// ahead-of-time module is loaded (runtime/native/aot_loader.h).
#pragma once

#include <cstdint>

namespace scorec::native {

constexpr uint32_t kAbiVersion = 2;

struct BatchView {
  const uint32_t* user;
  const uint16_t* type;
  const double* ts;
  const double* const* col_values;  // one per schema column
  const uint8_t* const* col_valid;
};

struct RunView {
  double as_of;
  double* state;            // users x slots
  uint64_t num_slots;
  const double* const* prof_values;  // one per profile attribute
  const uint8_t* const* prof_valid;
  uint64_t prof_rows;
  uint64_t* counters;       // [0] used, [1] future, [2] null weights
  uint64_t* null_by_rule;   // per event rule
  void* strings;            // builtins::StringContext*
};

// The finalized outputs of one user, as runtime::UserOutputs.
struct OutputsView {
  const double* raw;
  const double* value;
  const int32_t* tier;
  const double* points;
  const int32_t* letter;
  const uint8_t* segments;
};

// Entry points of a compiled rule set.
// rows == nullptr: the events in batch order (row i is event i).
using UpdateFn = void (*)(const BatchView*, const uint32_t* rows, uint64_t n, RunView*);
using TermsFn = double (*)(uint32_t user, RunView*);  // one per score / grade
using SegmentFn = uint8_t (*)(uint32_t user, const OutputsView*, RunView*);

}  // namespace scorec::native
