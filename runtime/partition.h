// Partitioned runs, the basis for scaling out: run K of N scores only the users whose
// id hashes to K, and `scorec finalize` combines the N states into the result of one
// run over everything (percentiles and tiers included).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "support/hash.h"

namespace scorec::runtime {

// The partition of a user id: FNV-1a 64 of its bytes (after the readers' id
// normalization) modulo n. Stable across versions and machines.
inline uint32_t partition_of(std::string_view user_id, uint32_t n) {
  return n <= 1 ? 0 : static_cast<uint32_t>(fnv1a64(user_id) % n);
}

struct Partition {
  uint32_t k = 0, n = 1;
  bool contains(std::string_view user_id) const { return n <= 1 || partition_of(user_id, n) == k; }
};

// Where each user (by index) first appeared, as a sortable key: the run's generation
// (how many runs the state has been through), the source (profiles before events) and
// the line. Merging partitions orders users by it, which restores the order one run
// over everything gives them: first appearance.
using UserOrigins = std::vector<uint64_t>;
constexpr uint64_t origin_key(uint32_t generation, uint32_t source, uint64_t line) {
  return (static_cast<uint64_t>(generation) << 40) | (static_cast<uint64_t>(source) << 39) | line;
}
enum OriginSource : uint32_t { kFromProfiles = 0, kFromEvents = 1 };

}  // namespace scorec::runtime
