// `scorec report RULES --events F [--baseline OLD] -o report.html`: one HTML page about
// a run (runtime/report/html_report.h). The rules are scored by the reference
// interpreter with an observer that sums every rule's contributions (the engines keep
// no per-rule totals); the baseline, when given, is scored like `scorec diff` scores OLD.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "frontend/compiler.h"
#include "runtime/report/html_report.h"
#include "runtime/report/rule_contributions.h"
#include "runtime/report/score_diff.h"

namespace scorec::cli {

int report(const ReportArgs& a) {
  if (a.baseline && a.events == "-") {
    std::cerr << "error: report --baseline reads the events once per rules file, so --events must name a file, not "
                 "standard input\n";
    return 2;
  }
  if (a.rules == "-" && (a.events == "-" || a.profiles == "-")) {
    std::cerr << "error: the rules and the input cannot both come from standard input; give one as a file\n";
    return 2;
  }
  auto inputs = input_paths(a);
  inputs.push_back({"RULES", a.rules});
  if (a.baseline) inputs.push_back({"--baseline", a.baseline});
  if (auto clash = refuse_overwriting({{"-o", a.output}}, inputs)) return *clash;

  // Both rules files are checked before anything runs, so one pass shows every error.
  frontend::SourceManager sources, base_sources;
  frontend::Diagnostics diags, base_diags;
  auto program = compile_quietly(a.rules, diags, sources, a.import_paths);
  diags.render(std::cerr, sources, a.color);
  std::optional<ir::Program> base_program;
  if (a.baseline) {
    base_program = compile_quietly(*a.baseline, base_diags, base_sources, a.import_paths);
    base_diags.render(std::cerr, base_sources, a.color);
  }
  if (!program || (a.baseline && !base_program)) {
    size_t errors = diags.error_count() + base_diags.error_count();
    std::cerr << fmt::format("{} error{} found\n", errors, errors == 1 ? "" : "s");
    return 1;
  }

  runtime::RunOptions o;
  if (auto usage = input_options(a, o)) return *usage;
  auto observed = report::run_with_contributions(*program, o);
  if (!observed) {
    std::cerr << "error: " << observed.error().str() << "\n";
    if (!observed.error().hint.empty()) std::cerr << "hint: " << observed.error().hint << "\n";
    return 1;
  }

  report::ReportInput in;
  in.rules_label = a.rules == "-" ? "<stdin>" : a.rules;
  in.events_label = a.events == "-" ? "<stdin>" : a.events;
  in.profiles_label = a.profiles;
  in.program = &*program;
  in.run = &*observed;
  in.histogram_bins = a.bins;
  std::optional<runtime::RunOutput> base_run;
  if (a.baseline) {
    // The baseline is scored at the report's instant (the given --as-of, or the latest
    // event the report's rules read), as `scorec diff` scores NEW at OLD's.
    o.as_of = observed->run.summary.as_of;
    base_run = score_input(*base_program, o, a, *a.baseline);
    if (!base_run) return 1;
    in.baseline = report::ReportBaseline{
        *a.baseline, &*base_run,
        report::diff_results(base_run->table, report::describe(*base_program), observed->run.table,
                             report::describe(*program))};
  }
  if (!write_text(a.output, report::html_report(in))) return 1;
  if (!a.quiet) std::cerr << runtime::format_summary(observed->run.summary, *program);
  for (const auto& m : observed->contributions.mismatches) std::cerr << "internal error: " << m << "\n";
  return observed->contributions.mismatches.empty() ? 0 : 1;
}

}  // namespace scorec::cli
