// A run that can be saved and continued, or split into partitions and combined.
//
// State(A) followed by events B gives the output of one run over A then B: the session
// starts from the saved base state (re-based to the new as-of time), applies the kept
// events together with the new ones in time order, and, when it will be saved, takes a
// new base snapshot at the new cut-off T - H (state_layout.h) on the way.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/engine/run_state.h"
#include "runtime/state/saved_state.h"
#include "support/expected.h"

namespace scorec::runtime {

struct SessionCounts {
  uint64_t carried_users = 0;   // users that came from the saved state(s)
  uint64_t carried_events = 0;  // events the state kept and this run applied again
  uint64_t late = 0;            // new events older than the state's as-of time
};

// That `states` are the states of every partition of one run, each once: otherwise an
// error that names the missing (or repeated) partitions. Combining needs all of them.
Status check_all_partitions(const std::vector<SavedState>& states);

class Session {
 public:
  // keep_state: the run will be saved, so it snapshots the base state and keeps the
  // recent events; without it the session applies everything at once.
  Session(RunState& run, Engine& engine, bool keep_state);

  // Loads saved states into the still empty run: one state to continue it, or the N
  // states of a partitioned run to combine them (each user exactly once; users ordered
  // by first appearance, as one run over everything orders them).
  Status load(std::vector<SavedState> states);
  bool loaded() const { return loaded_; }
  double loaded_as_of() const { return loaded_as_of_; }
  double latest_event() const { return latest_event_; }
  uint32_t loaded_partition() const { return partition_; }
  uint32_t loaded_partitions() const { return partitions_; }

  // Starts scoring as of T, which must not be before the state's as-of time: half-life
  // scores are re-based to T.
  Status begin(double as_of);
  // The events the state kept (moved out), for the caller to apply first, together
  // with the new events, so that all are applied in time order.
  EventBatch take_kept();
  // Counts the events of a new batch that are older than the state's as-of time.
  void count_late(const EventBatch& batch);
  // The latest event timestamp read (of any user or type): the next run's default as-of.
  void note_latest(double ts) { latest_event_ = std::max(latest_event_, ts); }
  // Applies a batch in time order (ties in batch order). With `check_order` and rules
  // whose results depend on event order (caps, limits), each user's events must also
  // be in time order across batches (streaming): an error names the first that is not.
  Status apply(const EventBatch& batch, bool check_order, const std::string& source);
  // After the last batch: applies what was held back for the snapshot.
  void finish();

  // A live session (a scorer, after finish()) takes events as they arrive: those at or
  // before the as-of time apply now, later ones wait for advance().
  void add(const EventBatch& batch);
  // Moves a live session's as-of time forward: the run restarts from the base snapshot,
  // re-based, and re-applies the kept events.
  Status advance(double as_of);
  // Kept events after the as-of time: waiting to apply.
  uint64_t pending() const;

  // The state to save (requires keep_state and finish()).
  SavedState save(uint32_t partition, uint32_t partitions, const std::string& rules_label) const;
  const SessionCounts& counts() const { return counts_; }

 private:
  // With no look-back (H = 0) nothing at or before the as-of time is held back, so the
  // base snapshot is the run's state itself and needs no copy.
  bool base_is_current() const { return horizon_ == 0; }

  RunState& run_;
  Engine& engine_;
  bool keep_state_;
  double horizon_;
  bool loaded_ = false;
  double loaded_as_of_ = -1e300;
  bool has_base_ = false;      // the run state starts from a base scored at base_as_of_
  double base_as_of_ = -1e300;
  double latest_event_ = kNoEventTime;
  uint32_t partition_ = 0, partitions_ = 1;
  EventBatch kept_;                // loaded from the state, until take_kept()
  uint64_t kept_used_before_ = 0;  // kept events the state's run already counted as used
  EventBatch recent_;              // events after the cut-off, held back until finish()
  std::vector<double> base_;       // the snapshot at the cut-off (users x slots)
  std::vector<double> last_ts_;    // per user, for check_order
  std::vector<uint32_t> scratch_rows_, scratch_rest_;
  SessionCounts counts_;
};

}  // namespace scorec::runtime
