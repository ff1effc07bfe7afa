// What a saved state depends on in a rule set, and what it must keep.
//
// A state saved at as-of time T holds the base state (every user's slots after the
// events at or before T - H, scored as of T) plus the events after T - H, kept verbatim.
// H, the retention horizon, is the longest look-back of any windowed score, windowed
// aggregate or decay that replays (ir::Rebase::Replay: linear): an event older than
// that contributes nothing to those features at T or later, so the base state never
// needs it again, while newer events must be re-applied at the next as-of time (windows
// slide, linear decay moves on). A decay that re-bases by a factor (half-life) is
// multiplied by decay_factor(T' - T). Event rules that read the as-of time themselves
// make H infinite: every event is kept.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/program.h"

namespace scorec::runtime {

// A hash of everything that gives the state's numbers their meaning: the schema (event
// types, property columns and types, profile attributes), the slots, and how each
// aggregate and rule updates them (windows, caps, limits, decay). A state is only read
// by rules with the same layout hash.
uint64_t layout_hash(const ir::Program& program);

// A hash of the whole rule set (weights and conditions included): when only this
// differs, the state is read, and events already in it keep the weights they had.
uint64_t rules_hash(const ir::Program& program);

// Whether an event rule's condition or weight reads the as-of time (`as_of`,
// `days_since`, `hours_since`): its contribution then changes with every as-of time,
// so no event is ever settled, and the state keeps them all.
bool event_rules_read_as_of(const ir::Program& program);

// H, in seconds: 0 when no feature looks back in time; infinite when event rules read
// the as-of time.
double retention_horizon(const ir::Program& program);

struct RebaseSlot {
  int slot;
  ir::DecayKind decay;
  double param;
};
// The raw slots of scores whose decay re-bases by a factor (ir::Rebase::Factor:
// half-life) when time moves on.
std::vector<RebaseSlot> rebase_slots(const ir::Program& program);

}  // namespace scorec::runtime
