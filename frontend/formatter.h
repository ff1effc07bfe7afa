// `scorec fmt`: the one canonical layout of a rules file (docs/tools.md lists the rules).
//
// The formatter only changes the white space between tokens (plus the optional
// trailing comma of a `{ }` list), so the formatted file means exactly what the
// original meant; it keeps every comment, and formatting twice changes nothing.
#pragma once

#include <string>

#include "support/expected.h"

namespace scorec::frontend {

// The line width `scorec fmt` keeps to by default (`--width` changes it).
constexpr size_t kFormatMaxWidth = 100;

// Formats the rules in `text`, keeping lines within `width` columns where the layout
// allows; `name` is the file name diagnostics show. A file with syntax errors is not
// formatted: the error's message holds the rendered diagnostics.
Expected<std::string> format_source(const std::string& text, const std::string& name,
                                    size_t width = kFormatMaxWidth);

}  // namespace scorec::frontend
