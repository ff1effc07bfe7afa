// Name resolution, type checking and the static checks of a rule set (tiers cover
// their range, caps and windows are positive durations, ...), producing the IR.
// Every error found is reported; checking goes on after an error wherever the rest
// still makes sense.
#pragma once

#include <optional>
#include <vector>

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "ir/program.h"

namespace scorec::frontend {

// `modules` in dependency order (imports before the files importing them); the last
// one is the main file. Declarations of all of them form one rule set.
std::optional<ir::Program> check_and_lower(std::vector<Module>& modules, const SourceManager& sources,
                                           Diagnostics& diags);

}  // namespace scorec::frontend
