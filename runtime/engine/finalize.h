// Phase 2 and 3 of a run: raw scores, scaling (percentile over the whole population),
// tiers, grades and segments, into the output table.
#pragma once

#include "runtime/engine/engine.h"
#include "runtime/result_table.h"

namespace scorec::runtime {

ResultTable finalize(Engine& engine, RunState& run);

}  // namespace scorec::runtime
