// `scorec diff OLD NEW --events F`: what a rule change does to the population. Both
// rule sets score the same input at the same instant; runtime/report compares them.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "frontend/compiler.h"
#include "runtime/engine/driver.h"
#include "runtime/report/diff_format.h"
#include "runtime/report/score_diff.h"

namespace scorec::cli {
namespace {

// "summary: ..." lines, each marked with the version they are about.
std::string labelled(const std::string& summary, const char* label) {
  std::string out;
  size_t start = 0;
  while (start < summary.size()) {
    size_t end = summary.find('\n', start);
    if (end == std::string::npos) end = summary.size();
    out += fmt::format("{} {}\n", label, summary.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

int diff(const DiffArgs& a) {
  if (a.events == "-") {
    std::cerr << "error: diff reads the events once per rules file, so --events must name a file, not standard input\n";
    return 2;
  }
  auto inputs = input_paths(a);
  inputs.push_back({"OLD", a.old_rules});
  inputs.push_back({"NEW", a.new_rules});
  if (auto clash = refuse_overwriting({{"-o", a.output}}, inputs)) return *clash;
  // Both rules files are checked before anything runs, so one pass shows every error.
  // (One SourceManager each: a manager loads an imported file once, for one program.)
  frontend::SourceManager old_sources, new_sources;
  frontend::Diagnostics old_diags, new_diags;
  auto old_program = compile_quietly(a.old_rules, old_diags, old_sources, a.import_paths);
  old_diags.render(std::cerr, old_sources, a.color);
  auto new_program = compile_quietly(a.new_rules, new_diags, new_sources, a.import_paths);
  new_diags.render(std::cerr, new_sources, a.color);
  if (!old_program || !new_program) {
    size_t errors = old_diags.error_count() + new_diags.error_count();
    std::cerr << fmt::format("{} error{} found\n", errors, errors == 1 ? "" : "s");
    return 1;
  }

  runtime::RunOptions o;
  if (auto usage = input_options(a, o)) return *usage;

  auto old_run = score_input(*old_program, o, a, a.old_rules);
  if (!old_run) return 1;
  // NEW is scored at OLD's instant: the given --as-of, or the latest event OLD read.
  // (The rule sets may declare different events, so "the latest event" could differ.)
  o.as_of = old_run->summary.as_of;
  auto new_run = score_input(*new_program, o, a, a.new_rules);
  if (!new_run) return 1;

  auto d = report::diff_results(old_run->table, report::describe(*old_program), new_run->table,
                                report::describe(*new_program));
  report::DiffContext ctx{a.old_rules, a.new_rules, old_run->summary.as_of};
  std::string text = a.format == "json" ? report::format_diff_json(d, ctx) : report::format_diff_text(d, ctx);

  if (!write_text(a.output, text)) return 1;
  if (!a.quiet) {
    std::cerr << labelled(runtime::format_summary(old_run->summary, *old_program), "old");
    std::cerr << labelled(runtime::format_summary(new_run->summary, *new_program), "new");
  }
  if (a.max_tier_changes) {
    auto violations = report::tier_change_violations(d, *a.max_tier_changes);
    for (const auto& v : violations) std::cerr << "gate: " << v << "\n";
    if (!violations.empty()) return 1;
  }
  return 0;
}

}  // namespace scorec::cli
