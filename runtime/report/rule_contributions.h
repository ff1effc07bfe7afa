// Which rules drive a population's points, for `scorec report`: every `on` rule's and
// every score term's total contribution over all users, the events it counted and the
// users it touched.
//
// The engines keep no per-rule totals (a user's raw score is one slot), so the input is
// scored by the reference interpreter with an observer (runtime/engine/observer.h) that
// adds up what each rule contributed: the same steps `scorec explain` shows for one
// user, summed over everyone. The per-user sums are checked against the run's raw
// scores; a difference is an internal error (Contributions::mismatches), never hidden.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/engine/driver.h"
#include "support/expected.h"

namespace scorec::report {

struct RuleTotal {
  int score = -1;         // index into Program::scores
  bool term = false;      // a per-user `when` term (else an `on` rule)
  std::string label;      // "engagement: on email_open +3"
  std::string where;      // file:line
  double points = 0;      // the sum of its contributions over all users
  uint64_t events = 0;    // `on` rules: events counted (accepted, perhaps cut by a cap)
  uint64_t limited = 0;   // `on` rules: events skipped by `once` / `limit`
  uint64_t users = 0;     // users it counted an event of (`on`) or whose condition held (term)
  bool fired() const { return term ? users > 0 : events > 0; }
};

struct Contributions {
  std::vector<RuleTotal> rules;         // the `on` rules in program order, then each score's terms
  std::vector<std::string> mismatches;  // internal errors: the sums disagree with the raw scores
};

struct ObservedRun {
  runtime::RunOutput run;
  Contributions contributions;
};

// Scores the input with the reference interpreter on one thread (options.threads is
// ignored) and sums every rule's contributions. A run that reads its input twice (to
// merge identities) counts the last read only.
Expected<ObservedRun> run_with_contributions(const ir::Program& program, runtime::RunOptions options);

}  // namespace scorec::report
