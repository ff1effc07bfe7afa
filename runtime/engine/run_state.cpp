#include "runtime/engine/run_state.h"

namespace scorec::runtime {

RunState::RunState(const ir::Program& p) : program(p), profiles(p.schema.profile.size()), slots_(p.slots.size()) {
  // The program's string constants come first, so a constant's id is its index.
  for (const auto& s : p.strings) strings.intern(s);
  stats.null_weights_by_rule.assign(p.rules.size(), 0);
}

void RunState::grow_state() {
  size_t have = state_users();
  size_t want = users.size();
  if (want <= have || slots_ == 0) return;
  state_.resize(want * slots_);
  for (size_t u = have; u < want; ++u)
    for (size_t s = 0; s < slots_; ++s) state_[u * slots_ + s] = program.slots[s].init;
}

}  // namespace scorec::runtime
