// Text -> AST. Syntax errors become diagnostics that read like a compiler's
// ("expected a weight such as '+5' after the condition"), never ANTLR's defaults.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace scorec::frontend {

// Parses the file `file` of `sources`. Returns the module even when there were
// errors (with whatever could be recovered), so the checker can report more.
Module parse_module(const SourceManager& sources, int file, Diagnostics& diags);

// Limits that keep hostile input from exhausting the stack or the compile time
// (docs/language.md, Limits). Each is far above what rules written by people need;
// past it parsing stops with E003 or E006 at the place the limit was passed.
constexpr int kMaxNesting = 200;          // brackets, prefix `-`/`not` runs, `??` chains
constexpr int kMaxExprTerms = 2000;       // binary operators in one expression
constexpr int kMaxListItems = 10000;      // elements of one list literal
constexpr int kMaxRulesPerFile = 50000;   // `on` and `when` rules in one file
constexpr size_t kMaxSourceBytes = 16u << 20;  // one rules file, 16 MiB

}  // namespace scorec::frontend
