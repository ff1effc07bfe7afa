// The entry points of a rule set compiled to native code, wherever the code lives: in
// the JIT's memory (jit/jit_compiler.h) or linked into the program ahead of time
// (runtime/native/aot_loader.h). Whoever hands these out keeps the code alive as long
// as the NativeRules object.
#pragma once

#include <vector>

#include "runtime/native/abi.h"

namespace scorec::native {

struct NativeRules {
  UpdateFn update = nullptr;
  std::vector<TermsFn> score_terms;   // one per score
  std::vector<TermsFn> grade_points;  // one per grade
  std::vector<SegmentFn> segments;    // one per segment
};

}  // namespace scorec::native
