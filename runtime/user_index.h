// Maps user ids (strings) to dense indices once, at ingestion, so per-user state is a
// flat array and the hot loop never hashes. Indices follow first appearance.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/value_pools.h"

namespace scorec::runtime {

// The same interning table as string values, under the names a user index reads by.
class UserIndex {
 public:
  uint32_t intern(std::string_view id) { return ids_.intern(id); }
  uint32_t intern_hashed(std::string_view id, uint64_t hash) { return ids_.intern_hashed(id, hash); }
  int64_t find(std::string_view id) const { return ids_.find(id); }
  // find() of a batch of ids, their cache misses overlapped: StringPool::find_many.
  void find_many(std::span<const std::string_view> ids, uint32_t* out) const { ids_.find_many(ids, out); }
  static constexpr uint32_t kNone = StringPool::kNone;
  std::string_view id(uint32_t ix) const { return ids_.get(ix); }
  size_t size() const { return ids_.size(); }

 private:
  StringPool ids_;
};

}  // namespace scorec::runtime
