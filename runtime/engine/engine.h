// An engine applies event batches to per-user state and computes each user's
// per-user terms. The interpreter is the reference; the JIT implements the same
// interface with native code.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "runtime/engine/evaluator.h"
#include "runtime/engine/run_state.h"
#include "runtime/event_batch.h"

namespace scorec::runtime {

class EngineObserver;  // runtime/engine/observer.h

class Engine {
 public:
  virtual ~Engine() = default;
  // Applies the events of `batch` in the order of `rows` (timestamp order, ties in
  // input order) to `run`'s state. run.as_of is set and run.grow_state() was called.
  virtual void update(const EventBatch& batch, std::span<const uint32_t> rows, RunState& run) = 0;
  // The sum of a score's per-user terms for one user (profile bonuses, inactivity,
  // aggregate conditions); null weights are counted in run.stats.
  virtual double score_terms(int score, uint32_t user, RunState& run) = 0;
  virtual double grade_points(int grade, uint32_t user, RunState& run) = 0;
  // A segment's condition for one user, given the user's finalized outputs.
  virtual bool segment(int segment, uint32_t user, const UserOutputs& outputs, RunState& run) = 0;
  // Another engine over the same rules (compiled code is shared, not compiled again),
  // for another thread: an engine keeps scratch space, so each thread needs its own.
  virtual std::unique_ptr<Engine> clone() const = 0;
};

// The reference interpreter; with an observer, it reports every step (runtime/engine/observer.h).
std::unique_ptr<Engine> make_interpreter(EngineObserver* observer = nullptr);

}  // namespace scorec::runtime
