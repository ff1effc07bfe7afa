// `scorec explain`: the breakdown of every score, grade and segment of ONE user.
//
// The whole input is first scored by an engine (run_rules: the as-of time, the
// population and the final table, which percentiles need); then explain_user re-reads
// the input keeping only that user's events and scores them with the reference
// interpreter and an observer (runtime/engine/observer.h): every line of the
// explanation is a step the interpreter took, not a replay of its semantics. The
// scaling step uses the shared functions of ir/semantics.h (ir::linear_scale,
// ir::percentile_scale, ir::tier_of). The traced raw scores and grade points, and the
// scaled scores, tiers and letters, are compared with the table of the engine that
// scored everyone (the JIT, say): a difference is reported as an internal error
// (Explanation::mismatches), never hidden.
//
// The raw score is the traced lines summed in the engine's order (the user's events in
// time order, each event's rules in source order; then the per-user terms), so it is
// the engine's raw score to the bit; the text groups the lines by rule for reading.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/engine/driver.h"
#include "runtime/engine/observer.h"
#include "support/expected.h"

namespace scorec::report {

// What happened to one event under one `on` rule.
using EventFate = runtime::RuleFate;
const char* fate_name(EventFate f);

struct EventTrace {
  double ts = 0;
  uint64_t line = 0;  // line (record) number in the events file
  EventFate fate = EventFate::Counted;
  double weight = 0;    // undecayed weight (Counted, LimitSkipped)
  bool capped = false;  // a cap cut some or all of the weight
  double accepted = 0;  // what the cap let through (= weight without a cap)
  double cap_used_before = 0;  // the bucket's accepted magnitude before this event
  double decay = 1;
  double contribution = 0;  // accepted * decay (0 unless Counted)
};

struct RuleTrace {
  int rule = -1;  // index into Program::rules
  std::string text;   // the rule's source line without the score name and comment
  std::string where;  // file:line
  std::vector<EventTrace> events;  // this rule's events of the user, in time order
  double total = 0;  // sum of contributions (for reading; the raw sums in engine order)
};

// A per-user term (`when COND +W`) of a score or grade.
struct TermTrace {
  std::string text;
  std::string where;
  std::optional<bool> cond;       // nullopt: the condition was null (does not apply)
  std::optional<double> weight;   // evaluated when the condition held; nullopt: null weight
  double contribution = 0;
};

struct ScoreTrace {
  int score = -1;
  std::string name;
  std::vector<RuleTrace> rules;   // the score's `on` rules in source order (all of them)
  uint64_t after_as_of = 0;       // the user's events of the rules' types after T
  double events_sum = 0;          // Σ contributions, in engine order
  std::vector<TermTrace> terms;
  double terms_sum = 0;
  double raw = 0;                 // events_sum + terms_sum, as the engine adds them
  double engine_raw = 0;          // from the run's table
  // Scaling (Scale::kind None: value = raw).
  ir::Scale scale;
  double unclamped = 0;           // linear: a + floor(...) before clamping
  uint64_t lower = 0, population = 0;  // percentile
  double value = 0;               // scaled (engine's table), or raw
  double engine_value = 0;
  int tier = -1;                  // index into Score::tiers; -1 without tiers
};

struct GradeTrace {
  std::string name;
  std::vector<TermTrace> terms;
  double points = 0;
  double engine_points = 0;
  int letter = -1;  // index into Grade::letters
};

struct SegmentTrace {
  std::string name;
  std::string condition;  // the condition as `scorec ir` prints it
  bool member = false;    // from the run's table
};

struct Explanation {
  std::string user;
  std::string events_path;
  double as_of = 0;
  bool as_of_from_events = false;
  std::vector<ScoreTrace> scores;
  std::vector<GradeTrace> grades;
  std::vector<SegmentTrace> segments;
  // Internal errors: the trace disagrees with the table of the engine that scored everyone.
  std::vector<std::string> mismatches;
};

// The row of `user` in the run's table, or nullopt.
std::optional<size_t> find_user(const runtime::RunOutput& run, const std::string& user);

// Traces one user of a finished run. `options` must be those the run used (its as-of
// time is taken from the run). Errors: reading the input, or a user not in the table.
Expected<Explanation> explain_user(const ir::Program& program, const runtime::RunOptions& options,
                                   const runtime::RunOutput& run, const std::string& user);

std::string format_explain_text(const ir::Program& program, const Explanation& e);
std::string format_explain_json(const ir::Program& program, const Explanation& e);

}  // namespace scorec::report
