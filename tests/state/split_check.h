// The two properties the state and partition tests check on one case, for one engine.
//
// Chain: a split case's parts (state_harness.h) run one after the other, each continuing
// from the previous part's state, give at every step exactly the output of one run over
// all the events so far (numbers within 1e-9: half-life scores are re-based by a factor),
// and each step counts as late exactly the events of its part older than the state's
// as-of time.
//
// Partitions: the N runs of `--partition k/N` combined by `scorec finalize` give the
// output of one run over everything, bit for bit, in the same user order.
#pragma once

#include <string>
#include <vector>

#include "tests/differential/rng.h"
#include "tests/state/state_harness.h"

namespace scorec::statetest {

struct Check {
  bool skipped = false;  // the single run over everything failed: nothing to compare with
  std::string skip_reason;
  std::vector<std::string> problems;  // empty: the property holds
  std::vector<TableDiff> diffs;       // every table comparison made (for the identical rate)
  uint64_t late = 0;                  // late events counted over the chain
  bool ok() const { return !skipped && problems.empty(); }
};

// Builds a split case from a generated case: identify messages first (a profile change
// after events were scored is a documented limitation, so every trait is set in the
// first part), the other lines stably sorted by time and cut into `parts` parts at
// random points (empty parts included). With `late`, each event of the first part may
// move (probability 1/3) to a random place in the second: older than the state's as-of
// time, it arrives late.
Case make_split_case(const Case& c, const ir::Program& program, difftest::Rng& rng, int parts, bool late);

// The parts of a split case.
std::vector<std::vector<std::string>> split_parts(const Case& split_case);

Check check_chain(const Case& split_case, const ir::Program& program, runtime::Engine& engine, const std::string& dir);

// The states are combined twice: in partition order, and shuffled by `rng`.
Check check_partitions(const Case& c, const ir::Program& program, runtime::Engine& engine, uint32_t n,
                       difftest::Rng& rng, const std::string& dir);

// Partitions over the first part of a two-part split case, each continued with the
// second part from its own state, then finalized; and the combined state of the first
// part's partitions continued with the second part: both equal one run over everything
// (within 1e-9).
Check check_partitioned_chain(const Case& split_case, const ir::Program& program, runtime::Engine& engine, uint32_t n,
                              const std::string& dir);

// The case as text, parts marked, for failure messages.
std::string describe(const Case& c);

}  // namespace scorec::statetest
