// Maps user ids (strings) to dense indices once, at ingestion, so per-user state is a
// flat array and the hot loop never hashes. Indices follow first appearance.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <deque>

namespace scorec::runtime {

class UserIndex {
 public:
  uint32_t intern(std::string_view id) {
    auto it = index_.find(id);
    if (it != index_.end()) return it->second;
    uint32_t ix = static_cast<uint32_t>(ids_.size());
    ids_.emplace_back(id);
    index_.emplace(std::string_view(ids_.back()), ix);
    return ix;
  }
  int64_t find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  const std::string& id(uint32_t ix) const { return ids_[ix]; }
  size_t size() const { return ids_.size(); }

 private:
  std::deque<std::string> ids_;
  std::unordered_map<std::string_view, uint32_t> index_;
};

}  // namespace scorec::runtime
