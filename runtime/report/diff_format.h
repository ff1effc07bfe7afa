// `scorec diff` output: Markdown text for a pull-request comment, and JSON for CI bots.
// Both are deterministic: the same Diff always prints the same bytes, numbers go
// through format_number (at most 6 decimals), JSON objects keep a fixed key order.
#pragma once

#include <string>

#include "runtime/report/score_diff.h"

namespace scorec::report {

struct DiffContext {
  std::string old_rules;  // the rules files as named on the command line
  std::string new_rules;
  double as_of = 0;       // the instant both versions were scored at
};

std::string format_diff_text(const Diff& diff, const DiffContext& context);
std::string format_diff_json(const Diff& diff, const DiffContext& context);

}  // namespace scorec::report
