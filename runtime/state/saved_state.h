// A scorer's saved state, as plain data: what `scorec run --state-out` writes and
// `--state-in`, `scorec finalize` and scorec::Scorer::load_state read (state_file.h).
// See state_layout.h for what the base state and the kept events are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/event_batch.h"
#include "runtime/io/identity_map.h"

namespace scorec::runtime {

// The latest event time of a run that has read no event: below every instant.
constexpr double kNoEventTime = -1e300;

struct SavedState {
  uint64_t layout_hash = 0;  // state_layout.h
  uint64_t rules_hash = 0;
  std::string rules_label;   // the rules file it was saved with, for messages
  double as_of = 0;          // the as-of time the base state was scored at
  double latest_event = kNoEventTime;  // the latest event timestamp seen (the next default as-of)
  uint32_t generation = 0;   // how many runs this state has been through, counting the one that saved it
  uint32_t partition = 0, partitions = 1;
  std::vector<std::string> strings;               // the string pool; values of string type are ids into it
  std::vector<std::vector<uint32_t>> lists;       // the list pool (string ids)
  std::vector<std::string> users;                 // in user-index order
  std::vector<uint64_t> origins;                  // per user (runtime/partition.h)
  uint64_t num_slots = 0;
  std::vector<double> base;                       // users x slots
  std::vector<Column> profiles;                   // per profile attribute, one row per user
  EventBatch kept;                                // events after as_of - H, in time order
  std::vector<IdentityLink> identity_links;       // the links that merged ids, in order (identity_map.h)
};

}  // namespace scorec::runtime
