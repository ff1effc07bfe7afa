// The frontend's entry point: a rules file (and everything it imports) -> IR, or
// diagnostics saying why not.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frontend/diagnostics.h"
#include "frontend/source.h"
#include "ir/program.h"

namespace scorec::frontend {

// Where imports may come from (docs/language.md, "Imports"): only `.score` files, by a
// relative path, that lie (after resolving `..` and symbolic links) inside the folder of
// the file being compiled, inside one of `import_paths`, or inside a search dir's
// stdlib/. Rules compiled from a string have no folder of their own.
struct CompileOptions {
  // Where `import "stdlib/x.score"` looks when the path is not found next to the
  // importing file. Defaults to the directory the build was configured with, and
  // SCOREC_STDLIB (a directory holding stdlib/) overrides it.
  std::vector<std::string> search_dirs;
  // Warning codes to leave out (`scorec check --allow W050`); `// scorec: allow W050`
  // comments in the rules allow one line (Diagnostics::drop_allowed).
  std::vector<std::string> allow_warnings;
  // More folders imports may use (`--import-path DIR`): a path is looked for next to
  // the importing file first, then in each of these, then in the search dirs.
  std::vector<std::string> import_paths;
};

CompileOptions default_compile_options();

// Loads `path`, its imports, checks them and lowers them to the IR. Diagnostics (errors
// and warnings) go to `diags`; the program is returned only when there are no errors.
// Never throws: a failure inside (a bug) is an "internal error" diagnostic.
std::optional<ir::Program> compile_file(const std::string& path, SourceManager& sources, Diagnostics& diags,
                                        const CompileOptions& options = default_compile_options());

// The same for rules held in memory; `name` is the file name diagnostics show.
std::optional<ir::Program> compile_string(const std::string& text, const std::string& name, SourceManager& sources,
                                          Diagnostics& diags, const CompileOptions& options = default_compile_options());

}  // namespace scorec::frontend
