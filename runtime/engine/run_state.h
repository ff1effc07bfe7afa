// Everything one run owns: the pools and indices filled at ingestion, the per-user
// state the engines update, and the counts the summary reports.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/program.h"
#include "runtime/partition.h"
#include "runtime/profile_table.h"
#include "runtime/user_index.h"
#include "runtime/value_pools.h"

namespace scorec::runtime {

struct EngineStats {
  uint64_t used = 0;          // events of declared types at or before the as-of time
  uint64_t future = 0;        // events after the as-of time (ignored)
  uint64_t null_weights = 0;  // rule firings whose weight was null (contributed 0)
  std::vector<uint64_t> null_weights_by_rule;  // event rules, by EventRule::id
  std::vector<uint64_t> null_raw_by_score;     // users whose raw score is NaN (null), by score; set by finalize
};

class RunState {
 public:
  explicit RunState(const ir::Program& program);

  const ir::Program& program;
  double as_of = 0;
  StringPool strings;
  ListPool lists;
  UserIndex users;
  ProfileTable profiles;
  UserOrigins origins;      // per user, where it first appeared (filled by readers that track it)
  uint32_t generation = 0;  // runs before this one that the state went through
  EngineStats stats;

  // Grows the state to `users.size()` users, initializing new slots.
  void grow_state();
  // Pointer arithmetic rather than operator[]: a rule set with no state has no slots.
  double* user_state(uint32_t user) { return state_.data() + static_cast<size_t>(user) * slots_; }
  const double* user_state(uint32_t user) const { return state_.data() + static_cast<size_t>(user) * slots_; }
  double* state_data() { return state_.data(); }
  size_t num_slots() const { return slots_; }
  // Exchanges the whole state array (users x slots) with `other`: a session applies late
  // events to its base snapshot this way.
  void swap_state(std::vector<double>& other) { state_.swap(other); }
  size_t state_users() const { return slots_ ? state_.size() / slots_ : users.size(); }

 private:
  size_t slots_;
  std::vector<double> state_;
};

}  // namespace scorec::runtime
