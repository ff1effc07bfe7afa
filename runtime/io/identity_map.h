// Identity resolution: which user ids are one person, and the id that person is scored
// under (docs/input.md, "Identity").
//
// A link "`from` is the same person as `to`" comes from a message that carries a user
// id and also an `anonymousId` (from = the anonymousId) or from an `alias` message (from
// = `previousId`, to = `userId`). Links are taken in input order: a saved state's first,
// then the events file's, in file order. Each id follows the first link that names it
// as `from`; a later link from the same id to another person is a conflict, counted and
// ignored (a shared device's anonymousId stays with the user it first met). A person is
// scored under the end of the chain, which is always a user id: A -> U1 and then an
// alias U1 -> U2 score A's, U1's and U2's events as U2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/io/name_map.h"

namespace scorec::runtime {

struct IdentityLink {
  std::string from, to;
};

class IdentityMap {
 public:
  enum class Linked { Merged, Known, Conflict };
  // Merged: from's person joins to's. Known: they were one person already (or from ==
  // to). Conflict: from already belongs to another person; nothing changes.
  Linked link(std::string_view from, std::string_view to);

  // The id `id` is scored under: itself when it is linked to no one. The view is valid
  // until the next link().
  std::string_view resolve(std::string_view id) const {
    if (parent_.empty()) return id;
    for (auto it = parent_.find(id); it != parent_.end(); it = parent_.find(id)) id = links_[it->second].to;
    return id;
  }

  bool empty() const { return links_.empty(); }
  // The links that merged, in the order they were made: what a saved state keeps.
  const std::vector<IdentityLink>& links() const { return links_; }

 private:
  NameMap<uint32_t> parent_;  // from -> its link in links_
  std::vector<IdentityLink> links_;
};

// The links an input held, in input order, and what they did when applied.
struct IdentityCounts {
  uint64_t merged = 0;     // ids that joined another person by this input's links
  uint64_t conflicts = 0;  // links ignored: the id was linked to another person first
};

// Applies links in order to `map`, counting what they did.
IdentityCounts apply_links(IdentityMap& map, const std::vector<IdentityLink>& links);

}  // namespace scorec::runtime
