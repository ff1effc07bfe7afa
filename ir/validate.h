// Structural consistency of a Program: every index names something that exists (slot,
// column, event, score, string, ...), every enum holds a known value and every operator
// has the arguments it needs, so an engine can run it without reading out of bounds.
// The frontend's output always passes; this guards programs that come from elsewhere
// (ir/serialize.h). It does not re-check types: that is the frontend's job.
#pragma once

#include "ir/program.h"
#include "support/expected.h"

namespace scorec::ir {

Status validate_structure(const Program& program);

}  // namespace scorec::ir
