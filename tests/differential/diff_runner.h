// Runs one case under the reference interpreter and the LLVM JIT, in-process, over the
// same files, and compares every output cell and the summary counts; minimizes a case
// the engines disagree on, and prints it as a ready-to-paste regression test.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/engine/driver.h"
#include "support/expected.h"
#include "tests/differential/case_gen.h"

namespace scorec::difftest {

enum class Verdict {
  Agree,
  CompileError,  // the rules did not compile (a generator bug for generated cases)
  JitError,      // the frontend accepted the rules but the JIT could not compile them
  Disagree,      // the engines' outputs or summary counts differ
};

struct Comparison {
  Verdict verdict = Verdict::Agree;
  std::string message;             // diagnostics (CompileError) or the JIT's error (JitError)
  std::vector<std::string> diffs;  // one line per differing cell or count (Disagree)
  double jit_compile_ms = 0;       // time spent in jit::compile
  size_t users = 0;                // rows compared
  std::string table;               // the interpreter's output as CSV (when asked for)
  std::string summary;             // the interpreter's run summary (when asked for)
};

// Writes the case's files into `dir` and compares the engines on them. With `render`,
// the result also holds the interpreter's output table and summary as text.
Comparison compare_engines(const Case& c, const std::string& dir, bool render = false);

// The differences between the interpreter's and the JIT's runs over the same input
// (empty: they agree): the run results (both ok, or the same error), every output
// cell, and the summary counts. For runs compare_engines does not make (states).
std::vector<std::string> diff_runs(const Expected<runtime::RunOutput>& interpreter,
                                   const Expected<runtime::RunOutput>& jit, const ir::Program& program);

// Delta debugging by lines: drops event lines, profile lines and rule lines while the
// rules still compile and the engines still disagree (or the JIT still fails).
// `checks` receives the number of comparisons run.
Case minimize(const Case& c, const std::string& dir, int* checks = nullptr);

// The same with any predicate ("still interesting"), for testing the minimizer itself.
Case minimize_with(const Case& c, const std::function<bool(const Case&)>& interesting, int* checks = nullptr);

// A ready-to-paste regression test for the case, with the differing cells as comments.
std::string format_regression(const Case& c, const Comparison& cmp, const std::string& test_name);

// Writes rules.score, events.ndjson, profiles.csv (when there are profiles), as_of.txt
// and diffs.txt into `dir`; returns the paths written.
std::vector<std::string> write_case_files(const Case& c, const Comparison& cmp, const std::string& dir);

// For hand-written regression tests: the engines agree on these inputs (GTest failures
// with the differing cells otherwise). `profiles_csv` empty: no profiles file.
void expect_engines_agree(const std::string& rules, const std::string& events_ndjson, const std::string& profiles_csv,
                          std::optional<double> as_of, bool stream = false, size_t chunk_events = 1 << 16);

// The seed range of a randomized test, from the environment: PREFIX_SEED=S runs only
// seed S; PREFIX_CASES=N (default `default_cases`) and PREFIX_FIRST=F (default 1) give
// the range.
struct SeedSettings {
  std::optional<uint64_t> single;
  uint64_t cases;
  uint64_t first;
};
SeedSettings seed_settings(const std::string& prefix, uint64_t default_cases);

}  // namespace scorec::difftest
