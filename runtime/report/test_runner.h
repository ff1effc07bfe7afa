// `scorec test`: runs the `test` blocks of a rules file (ir::Program::tests). Each test
// is one user, scored alone: its profile and its events are built in memory (a
// columnar EventBatch, no files) and scored as of the test's `as_of` (default: its
// latest event) by every engine given; every expectation is checked against every
// engine's outputs. A failure explains itself: expected against actual, and the
// per-rule contributions that made the raw value (each `on` rule's summed
// contribution, each `when` term that applied), as the reference interpreter traced
// them while scoring the test (runtime/engine/observer.h).
//
// Percentile scaling over a one-user population is degenerate: the lone user is in
// the lowest bucket of the target range (docs/language.md, "Tests").
#pragma once

#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/engine/engine.h"
#include "runtime/result_table.h"

namespace scorec::runtime {

struct NamedEngine {
  std::string name;  // "interpreter", "jit"
  Engine* engine = nullptr;
};

struct TestOutcome {
  std::string name;
  std::string where;  // the test block's file:line
  bool passed = false;
  // When failed: one line per failed expectation, then the contributions.
  std::string explanation;
};

// The one-user result table of `test` under `engine`.
ResultTable run_test_case(const ir::Program& program, const ir::TestCase& test, Engine& engine);

// Runs every test of `program` with every engine.
std::vector<TestOutcome> run_tests(const ir::Program& program, const std::vector<NamedEngine>& engines);

// `ok   name` or `FAIL name` followed by the explanation, indented.
std::string format_outcome(const TestOutcome& o);

}  // namespace scorec::runtime
