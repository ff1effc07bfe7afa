#include "runtime/io/identity_map.h"

namespace scorec::runtime {

IdentityMap::Linked IdentityMap::link(std::string_view from, std::string_view to) {
  std::string_view from_root = resolve(from), to_root = resolve(to);
  if (from_root == to_root) return Linked::Known;
  if (from_root != from) return Linked::Conflict;  // `from` joined another person first
  // `from` is its person's end, and `to`'s chain does not pass through it (their ends
  // differ), so the chains stay free of cycles.
  parent_.emplace(std::string(from), static_cast<uint32_t>(links_.size()));
  links_.push_back({std::string(from), std::string(to)});
  return Linked::Merged;
}

IdentityCounts apply_links(IdentityMap& map, const std::vector<IdentityLink>& links) {
  IdentityCounts counts;
  for (const auto& l : links) {
    switch (map.link(l.from, l.to)) {
      case IdentityMap::Linked::Merged: ++counts.merged; break;
      case IdentityMap::Linked::Conflict: ++counts.conflicts; break;
      case IdentityMap::Linked::Known: break;
    }
  }
  return counts;
}

}  // namespace scorec::runtime
