#include "runtime/state/identity_merge.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "runtime/io/name_map.h"

namespace scorec::runtime {
namespace {

// How a slot combines two users' values.
enum class SlotMerge : uint8_t { Add, Min, Max, BucketKey, BucketUse };

std::vector<SlotMerge> slot_merges(const ir::Program& p) {
  std::vector<SlotMerge> m(p.slots.size(), SlotMerge::Add);
  for (const auto& a : p.aggs) {
    switch (a.kind) {
      case ir::UpdateKind::Count:
      case ir::UpdateKind::Sum: break;
      case ir::UpdateKind::Min: m[static_cast<size_t>(a.slot)] = SlotMerge::Min; break;
      case ir::UpdateKind::Max: m[static_cast<size_t>(a.slot)] = SlotMerge::Max; break;
    }
  }
  for (const auto& r : p.rules) {
    if (r.limit_bucket_slot >= 0) {
      m[static_cast<size_t>(r.limit_bucket_slot)] = SlotMerge::BucketKey;
      m[static_cast<size_t>(r.limit_count_slot)] = SlotMerge::BucketUse;
    }
    if (r.cap_bucket_slot >= 0) {
      m[static_cast<size_t>(r.cap_bucket_slot)] = SlotMerge::BucketKey;
      m[static_cast<size_t>(r.cap_used_slot)] = SlotMerge::BucketUse;
    }
  }
  return m;
}

// `from`'s slots merged into `into`'s. A bucket key is followed by its use.
void merge_slots(const std::vector<SlotMerge>& how, const double* from, double* into) {
  for (size_t i = 0; i < how.size(); ++i) {
    switch (how[i]) {
      case SlotMerge::Add: into[i] += from[i]; break;
      case SlotMerge::Min: into[i] = std::min(into[i], from[i]); break;
      case SlotMerge::Max: into[i] = std::max(into[i], from[i]); break;
      case SlotMerge::BucketKey:
        // The later period's use stands; in the same period the uses add up.
        if (from[i] == into[i]) into[i + 1] += from[i + 1];
        else if (from[i] > into[i]) into[i] = from[i], into[i + 1] = from[i + 1];
        ++i;
        break;
      case SlotMerge::BucketUse: break;  // handled with its key
    }
  }
}

}  // namespace

Status merge_linked_users(SavedState& s, const IdentityMap& identities, const ir::Program& program,
                          const std::string& name) {
  if (identities.empty()) return Ok{};
  const size_t n = s.users.size(), slots = static_cast<size_t>(s.num_slots);
  NameMap<uint32_t> index;
  for (uint32_t u = 0; u < n; ++u) index.emplace(s.users[u], u);
  // into[u]: the user u is merged into (u itself when it stays).
  std::vector<uint32_t> into(n);
  bool any = false;
  for (uint32_t u = 0; u < n; ++u) {
    into[u] = u;
    std::string_view person = identities.resolve(s.users[u]);
    if (person == s.users[u]) continue;
    if (s.partitions > 1 && partition_of(person, s.partitions) != s.partition)
      return Error{fmt::format("this input links '{}', a user of this partition's state ({}/{}), to '{}' of partition "
                               "{}, whose state is elsewhere; combine the partitions (scorec finalize --state-out) "
                               "and continue that state without --partition",
                               s.users[u], s.partition, s.partitions, person, partition_of(person, s.partitions)),
                   name};
    auto it = index.find(person);
    if (it == index.end()) {
      // The person is not in the state yet: the first of its ids takes its name.
      index.emplace(std::string(person), u);
      s.users[u] = std::string(person);
      continue;
    }
    into[u] = it->second;
    any = true;
  }
  if (!any) return Ok{};

  const auto how = slot_merges(program);
  std::vector<uint32_t> renumber(n, 0);
  uint32_t next = 0;
  for (uint32_t u = 0; u < n; ++u)
    if (into[u] == u) renumber[u] = next++;
  for (uint32_t u = 0; u < n; ++u) {
    const uint32_t t = into[u];
    if (t == u) continue;
    merge_slots(how, &s.base[u * slots], &s.base[t * slots]);
    s.origins[t] = std::min(s.origins[t], s.origins[u]);
    for (auto& c : s.profiles)
      if (!c.valid[t] && c.valid[u]) c.values[t] = c.values[u], c.valid[t] = 1;
  }
  // Compact: the merged users' rows go.
  for (uint32_t u = 0; u < n; ++u) {
    if (into[u] != u) continue;
    const uint32_t to = renumber[u];
    if (to == u) continue;
    s.users[to] = std::move(s.users[u]);
    s.origins[to] = s.origins[u];
    std::copy_n(&s.base[u * slots], slots, &s.base[to * slots]);
    for (auto& c : s.profiles) c.values[to] = c.values[u], c.valid[to] = c.valid[u];
  }
  s.users.resize(next);
  s.origins.resize(next);
  s.base.resize(next * slots);
  for (auto& c : s.profiles) c.values.resize(next), c.valid.resize(next);
  for (auto& u : s.kept.user) u = renumber[into[u]];
  // The kept events stay in time order (a user's own order is all that is read).
  return Ok{};
}

}  // namespace scorec::runtime
