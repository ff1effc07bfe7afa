// Machine-readable diagnostics for CI and editors: scorec's own JSON
// (diagnostics_json.cpp) and SARIF 2.1.0 (diagnostics_sarif.cpp). The text rendering
// people read is in diagnostics.h. docs/diagnostics.md describes both formats.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/diagnostics.h"
#include "frontend/source.h"

namespace scorec::frontend {

// One file given to `scorec check`, with what checking it found (imports included).
struct CheckedFile {
  std::string path;  // as given on the command line
  const SourceManager* sources = nullptr;
  const Diagnostics* diags = nullptr;
};

// {"version":1,"files":[...],"diagnostics":[...],"errors":N,"warnings":N}
void render_json(std::ostream& out, const std::vector<CheckedFile>& files);

// A SARIF 2.1.0 log with one run; one rule per code that occurs.
void render_sarif(std::ostream& out, const std::vector<CheckedFile>& files);

namespace detail {

// Where a diagnostic is, resolved for machine output: the file it is in (the checked
// file itself when it has no location), and 1-based line and columns. Columns count
// Unicode code points (as Loc does); end_column is exclusive. `code_points` is kept
// for callers that ask explicitly; both formats use code points.
struct Place {
  std::string file;
  bool has_loc = false;
  int line = 0, column = 0, end_column = 0;
};
Place place_of(const Diagnostic& d, const CheckedFile& f, bool code_points);

const char* severity_name(Severity s);

}  // namespace detail

}  // namespace scorec::frontend
