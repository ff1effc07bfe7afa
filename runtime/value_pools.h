// Interned strings and string lists. Values of type string / list<string> are ids into
// these pools, so equality is an integer compare on the hot path, and the JIT only
// needs the pools for the few functions that look inside a string.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace scorec::runtime {

class StringPool {
 public:
  uint32_t intern(std::string_view s) {
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(strings_.size());
    strings_.emplace_back(s);
    index_.emplace(std::string_view(strings_.back()), id);
    return id;
  }
  // The id of `s` if it was interned; no insertion.
  int64_t find(std::string_view s) const {
    auto it = index_.find(s);
    return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  std::string_view get(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;  // deque: views into it stay valid as it grows
  std::unordered_map<std::string_view, uint32_t> index_;
};

class ListPool {
 public:
  uint32_t add(std::vector<uint32_t> items) {
    lists_.push_back(std::move(items));
    return static_cast<uint32_t>(lists_.size() - 1);
  }
  const std::vector<uint32_t>& get(uint32_t id) const { return lists_[id]; }
  size_t size() const { return lists_.size(); }

 private:
  std::deque<std::vector<uint32_t>> lists_;
};

}  // namespace scorec::runtime
