// Rules files are UTF-8. ANTLR's input stream throws (and the process aborted) on
// anything else, so every text is checked here before the lexer sees it.
#pragma once

#include "frontend/diagnostics.h"
#include "frontend/source.h"

namespace scorec::frontend {

// True when file `file` of `sources` is valid UTF-8. Otherwise reports E053 at the
// first invalid byte (with a hint when the text looks like Latin-1 / Windows-1252,
// what editors on Windows save by default) and returns false.
bool check_utf8(const SourceManager& sources, int file, Diagnostics& diags);

}  // namespace scorec::frontend
