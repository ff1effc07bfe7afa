// The properties every `scorec fmt` output must have, shared by fmt_tests and the fmt
// fuzz target (tests/fuzz/fuzz_fmt.cpp):
//   - idempotence: format(format(x)) == format(x);
//   - meaning: the IR of format(x) equals the IR of x. The IR printer shows each event
//     rule's label, which is the rule's source line (so it changes with the layout):
//     labels are stripped before comparing (`rule 3 (engagement: on x +3) -> %0`
//     becomes `rule 3 -> %0`); everything else in the IR is compared as printed;
//   - comments: the comment texts of x and format(x) are the same, in the same order.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontend/formatter.h"

namespace scorec::fmtcheck {

// The IR printed without rule labels, or "ERRORS" when `text` does not compile.
std::string ir_without_labels(const std::string& text, const std::string& name);

struct Lexed {
  std::vector<std::string> comments;  // comment texts, trailing blanks dropped
  std::vector<std::pair<size_t, size_t>> tokens;  // [start, stop] of default tokens
};
Lexed lex(const std::string& text);

struct FormatCheck {
  std::optional<std::string> error;   // `text` did not format: the formatter's error
  std::string formatted;              // format(text)
  std::vector<std::string> problems;  // the properties that do not hold, explained
};

// Formats `text` (`name` is the file name diagnostics show, and where imports are
// found) and checks the three properties, formatting at `width` columns.
FormatCheck check_format_properties(const std::string& text, const std::string& name, size_t width = frontend::kFormatMaxWidth);

}  // namespace scorec::fmtcheck
