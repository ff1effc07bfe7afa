// What the reference interpreter does, step by step, for the tools that show it
// (`scorec explain`, the failure report of `scorec test`): they run the interpreter
// with an observer instead of replaying its semantics, so there is one definition of
// "apply one event to one rule" (runtime/engine/interpreter.cpp, docs/semantics.md).
//
// The interpreter calls an observer only when it was given one (make_interpreter); its
// path without one is the same code with the calls compiled out.
#pragma once

#include <cstdint>

#include "ir/value_ops.h"
#include "runtime/event_batch.h"

namespace scorec::runtime {

// What happened to one event under one `on` rule, in the order the rule decides it.
enum class RuleFate : uint8_t {
  Counted,        // accepted (perhaps partially, by a cap) and decayed
  OutsideWindow,  // ts <= T - window: skipped entirely
  CondFalse,      // the `when` condition was false
  CondNull,       // the `when` condition was null
  NullWeight,     // the weight was null: contributes 0 (counted in the run's stats)
  LimitSkipped,   // `once` / `limit N [per P]`: the bucket already had N events
};

// One event under one `on` rule. The fields after `fate` are what the rule got to.
struct RuleStep {
  int rule = -1;      // index into Program::rules
  uint32_t user = 0;
  uint32_t row = 0;   // the event's row in the batch
  double ts = 0;
  RuleFate fate = RuleFate::Counted;
  double weight = 0;           // the undecayed weight (Counted, LimitSkipped)
  double cap_used_before = 0;  // the cap bucket's accepted magnitude before this event
  double accepted = 0;         // what the cap let through (the weight without a cap)
  double decay = 1;            // the decay factor at T - ts
  double contribution = 0;     // accepted * decay, added to the score's raw slot (0 unless Counted)
};

// One per-user term (`when COND WEIGHT`) of a score or a grade for one user.
struct TermStep {
  int score = -1;  // the term's owner: a score, or else
  int grade = -1;  // a grade
  int term = -1;   // index into Score::terms / Grade::terms
  uint32_t user = 0;
  ir::Value cond;           // the condition's value
  bool weighed = false;     // the condition held, so the weight was read
  ir::Value weight;         // (null: the term adds 0, counted in the run's stats)
  double contribution = 0;  // what the term added
};

// Called on the thread that runs the engine; a traced interpreter that is cloned for
// other threads shares its observer, which must then be thread-safe.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;
  // An event of a declared type after the as-of time: ignored by every rule.
  virtual void after_as_of(const EventBatch& batch, uint32_t row) = 0;
  virtual void rule(const EventBatch& batch, const RuleStep& step) = 0;
  virtual void term(const TermStep& step) = 0;
};

}  // namespace scorec::runtime
