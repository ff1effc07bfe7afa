// Text -> AST. Syntax errors become diagnostics that read like a compiler's
// ("expected a weight such as '+5' after the condition"), never ANTLR's defaults.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/limits.h"

namespace scorec::frontend {

// Parses the file `file` of `sources`. Returns the module even when there were
// errors (with whatever could be recovered), so the checker can report more.
Module parse_module(const SourceManager& sources, int file, Diagnostics& diags);

}  // namespace scorec::frontend
