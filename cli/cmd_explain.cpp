// `scorec explain RULES --events F --user ID`: why one user has the scores they have.
// The engine scores everyone (as `run` does); runtime/report/explain.h then traces the
// one user and checks its trace against the engine's result.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "frontend/compiler.h"
#include "runtime/engine/driver.h"
#include "runtime/report/explain.h"
#include "support/text.h"

namespace scorec::cli {

int explain(const ExplainArgs& a) {
  if (a.events == "-") {
    std::cerr << "error: explain reads the events twice (everyone, then the one user), so --events must name a file, "
                 "not standard input\n";
    return 2;
  }
  auto inputs = input_paths(a);
  inputs.push_back({"RULES", a.rules});
  if (auto clash = refuse_overwriting({{"-o", a.output}}, inputs)) return *clash;
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = compile_quietly(a.rules, diags, sources, a.import_paths);
  diags.render(std::cerr, sources, a.color);
  if (!program) {
    size_t errors = diags.error_count();
    std::cerr << fmt::format("{} error{} found\n", errors, errors == 1 ? "" : "s");
    return 1;
  }

  runtime::RunOptions o;
  if (auto usage = input_options(a, o)) return *usage;
  auto result = score_input(*program, o, a);
  if (!result) return 1;
  if (!report::find_user(*result, a.user)) {
    std::cerr << fmt::format("error: user '{}' is not in the input (no profile and no event of that id)\n", a.user);
    // A did-you-mean costs an edit distance per user: only for small populations.
    if (result->table.rows() <= 100000)
      if (auto near = closest_match(a.user, result->table.user_ids))
        std::cerr << fmt::format("hint: did you mean '{}'?\n", *near);
    return 1;
  }
  o.as_of = result->summary.as_of;
  auto e = report::explain_user(*program, o, *result, a.user);
  if (!e) {
    std::cerr << "error: " << e.error().str() << "\n";
    return 1;
  }
  std::string text = a.format == "json" ? report::format_explain_json(*program, *e) : report::format_explain_text(*program, *e);
  if (!write_text(a.output, text)) return 1;
  if (!a.quiet) std::cerr << runtime::format_summary(result->summary, *program);
  if (!e->mismatches.empty()) {
    for (const auto& m : e->mismatches) std::cerr << "internal error: " << m << "\n";
    std::cerr << "internal error: the explanation disagrees with the engine; please report this with the rules and input\n";
    return 1;
  }
  return 0;
}

}  // namespace scorec::cli
