// Shared machinery of the incremental-state and partition tests: the random cases of
// tests/differential split into parts that are run as a chain of states
// (`scorec run --state-out` / `--state-in`) or as partitions combined by
// `scorec finalize`, run under both engines and compared with one run over everything.
//
// A split case is a difftest::Case whose event lines hold kSplit marker lines between
// the parts, so the delta-debugging minimizer of tests/differential can shrink a failing
// split case without losing where the splits are (a marker is never removable: without
// it the case is no longer the same shape and the check reports "not interesting").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/engine/driver.h"
#include "runtime/engine/engine.h"
#include "runtime/result_table.h"
#include "tests/differential/case_gen.h"

namespace scorec::statetest {

using difftest::Case;

constexpr const char* kSplit = "#SPLIT";

// One line of a case's events file, with what the tests need to know about it.
struct EventLine {
  std::string text;
  std::optional<double> ts;  // nullopt: no timestamp or one that does not parse
  bool identify = false;     // a Segment identify message (sets profile traits)
  bool counted = false;      // a well-formed event of a declared type with a user id: what the run applies
};

// Classifies the case's event lines against the program's schema.
std::vector<EventLine> classify(const std::vector<std::string>& lines, const ir::Program& program);

// Compiles the case's rules; nullopt (with the rendered diagnostics in `error`) when they
// do not compile.
std::optional<ir::Program> compile_rules(const std::string& text, std::string* error);

// The case with every `cap`, `once` and `limit` removed from its `on` rules: rules whose
// results do not depend on event order, for the late-event variant.
Case without_caps_and_limits(const Case& c);

enum class EngineKind { Interpreter, Jit };
const char* engine_name(EngineKind kind);

// The interpreter, or the JIT's native engine over `program` compiled in this process
// (no object cache). Null with `error` set when the JIT cannot compile the rules.
std::unique_ptr<runtime::Engine> make_engine(EngineKind kind, const ir::Program& program, std::string* error);

struct Outcome {
  bool ok = false;
  std::string error;
  runtime::ResultTable table;
  runtime::RunSummary summary;
};
Outcome run(const ir::Program& program, const runtime::RunOptions& options, runtime::Engine& engine);
Outcome combine(const ir::Program& program, const std::vector<std::string>& states, runtime::Engine& engine,
                const std::optional<std::string>& state_out = std::nullopt);

// How two result tables compare: `equal` within 1e-9 relative (DESIGN.md's tolerance),
// `identical` bit for bit, `same_csv` as the CSV output `scorec run` writes (numbers
// with at most 6 decimals); `diffs` names the first differences.
struct TableDiff {
  bool equal = true;
  bool identical = true;
  bool same_csv = true;
  std::vector<std::string> diffs;
  std::string csv_note;  // when equal but not the same CSV: the first differing lines
};
TableDiff compare_tables(const runtime::ResultTable& expected, const runtime::ResultTable& actual);

std::string render_table(const runtime::ResultTable& table);

void write_file(const std::string& path, const std::string& text);
std::string num_text(double v);

// Tallies of one property test shard, printed at its end.
struct Tally {
  uint64_t cases = 0, skipped = 0, comparisons = 0, identical = 0, same_csv = 0, failures = 0;
  void add(const TableDiff& d) {
    ++comparisons;
    identical += d.identical;
    same_csv += d.same_csv;
  }
};

}  // namespace scorec::statetest
