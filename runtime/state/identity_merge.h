// A saved state continued with new identity links (runtime/io/identity_map.h): a user
// of the state whose id now resolves to another person's is merged into that person
// before the run goes on, so later events, the output and the next state see one user.
//
// The merged user takes the first appearance of the earlier of the two and, per slot:
// sums, counts and decayed scores add (both are scored as of the state's time, so this
// is exact up to the order of additions), minimums and maximums (first and last times)
// combine; the kept events (runtime/state/state_layout.h) move over and are applied in
// time order with the user's own. A cap's or limit's use in the current period adds
// up, so the merged user is held to the cap from then on, but points both ids earned
// before stay, as with late events. Profile values of the person's own id win; the
// merged id's fill attributes the person has no value for.
#pragma once

#include "ir/program.h"
#include "runtime/io/identity_map.h"
#include "runtime/partition.h"
#include "runtime/state/saved_state.h"
#include "support/expected.h"

namespace scorec::runtime {

// Merges the users of `state` that `identities` links. A partition's state refuses a
// link to a user of another partition (that user's state is elsewhere). `name` labels
// errors.
Status merge_linked_users(SavedState& state, const IdentityMap& identities, const ir::Program& program,
                          const std::string& name);

}  // namespace scorec::runtime
