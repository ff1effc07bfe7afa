// `scorec finalize RULES STATE...`: the states of the N partitions of one run combined
// into the result of one run over everything. Percentile scaling ranks the whole
// population and tiers follow from it, so they are computed here, not per partition.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "support/time.h"

namespace scorec::cli {

int finalize(const FinalizeArgs& a) {
  // As with run, --state-out may replace one of the states it combines: they are all
  // read before it is written, atomically.
  std::vector<NamedPath> states;
  for (const auto& s : a.states) states.push_back({"STATE", s});
  if (auto clash = refuse_overwriting({{"-o", a.output}, {"--state-out", a.state_out}}, {{"RULES", a.rules}}))
    return *clash;
  if (auto clash = refuse_overwriting({{"-o", a.output}}, states)) return *clash;
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = compile_rules(a.rules, false, diags, sources, a.import_paths);
  if (!program) return 1;
  InputArgs engine_args;
  engine_args.engine = a.engine;
  engine_args.no_cache = a.no_cache;
  engine_args.quiet = a.quiet;
  auto engine = make_engine(*program, engine_args);
  if (!engine) return 1;
  auto result = runtime::combine_states(*program, a.states, *engine, a.state_out, a.rules);
  if (!result) {
    std::cerr << "error: " << result.error().str() << "\n";
    return 1;
  }
  if (!write_table(result->table, a.format, a.output, a.csv_safe)) return 1;
  if (!a.quiet)
    std::cerr << fmt::format("summary: {} state{} combined: users {}, kept events re-applied {}, as of {}\n",
                             a.states.size(), a.states.size() == 1 ? "" : "s", result->summary.users,
                             result->summary.state.carried_events, format_iso8601(result->summary.as_of));
  return 0;
}

}  // namespace scorec::cli
