// Interned strings and string lists. Values of type string / list<string> are ids into
// these pools, so equality is an integer compare on the hot path, and the JIT only
// needs the pools for the few functions that look inside a string.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "support/big_alloc.h"
#include "support/hash.h"

namespace scorec::runtime {

// Interned strings live in large arena blocks (a few allocations for millions of
// ids, and nothing to free one by one at exit); the index is an open-addressing table
// (boost::unordered_flat_map) keyed by the string with its XXH3 hash: at a million
// users every lookup misses the cache, a node-based map misses it several times per
// lookup, and comparing hashes first leaves the string itself unread on a mismatch.
// Threads that read ids hash them as they read (intern_hashed). User ids come from
// outside, so the hash is seeded once per process (no input can be built to collide);
// nothing stores it, and no output depends on it.
class StringPool {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // find_many: not interned

  static uint64_t hash(std::string_view s) { return xxh3_64_seeded(s.data(), s.size(), process_seed()); }

  uint32_t intern(std::string_view s) { return intern_hashed(s, hash(s)); }
  // `h` must be hash(s).
  uint32_t intern_hashed(std::string_view s, uint64_t h) {
    auto it = index_.find(Key(s, h));
    if (it != index_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(views_.size());
    std::string_view kept = keep(s);
    views_.push_back(kept);
    index_.emplace(Key(kept, h), id);
    return id;
  }
  // The id of `s` if it was interned; no insertion.
  int64_t find(std::string_view s) const {
    auto it = index_.find(Key(s, hash(s)));
    return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
  }
  // find() of every string of a batch: out[i] is its id, or kNone. The hashes come
  // first, so the lookups' cache misses overlap more.
  void find_many(std::span<const std::string_view> keys, uint32_t* out) const {
    constexpr size_t kChunk = 64;
    uint64_t h[kChunk];
    for (size_t from = 0; from < keys.size(); from += kChunk) {
      const size_t n = std::min(kChunk, keys.size() - from);
      for (size_t i = 0; i < n; ++i) h[i] = hash(keys[from + i]);
      for (size_t i = 0; i < n; ++i) {
        auto it = index_.find(Key(keys[from + i], h[i]));
        out[from + i] = it == index_.end() ? kNone : it->second;
      }
    }
  }
  std::string_view get(uint32_t id) const { return views_[id]; }
  size_t size() const { return views_.size(); }

  StringPool() = default;
  // Views point into the arena, so a copy re-interns (the ids stay the same).
  StringPool(const StringPool& other) {
    for (auto v : other.views_) intern(v);
  }
  StringPool& operator=(const StringPool& other) {
    if (this != &other) {
      StringPool copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  StringPool(StringPool&&) noexcept = default;
  StringPool& operator=(StringPool&&) noexcept = default;

 private:
  // The first bytes of the string are kept in the key itself, so most ids (up to 12
  // bytes) compare without reading the arena: on a hit that read is a cache miss.
  struct Key {
    static constexpr size_t kHead = 12;
    uint64_t h;
    const char* data;
    uint32_t size;
    char head[kHead];
    Key(std::string_view s, uint64_t hash) : h(hash), data(s.data()), size(static_cast<uint32_t>(s.size())) {
      std::memset(head, 0, kHead);
      std::memcpy(head, s.data(), std::min(s.size(), kHead));
    }
    bool operator==(const Key& o) const {
      return h == o.h && size == o.size && std::memcmp(head, o.head, kHead) == 0 &&
             (size <= kHead || std::memcmp(data + kHead, o.data + kHead, size - kHead) == 0);
    }
  };
  struct KeyHash {
    using is_avalanching = void;  // XXH3 is: the table uses it as is
    size_t operator()(const Key& k) const noexcept { return k.h; }
  };
  static constexpr size_t kBlock = 1 << 20;
  std::string_view keep(std::string_view s) {
    if (s.size() > kBlock / 4) {  // a long string gets a block of its own
      big_.push_back(std::make_unique<char[]>(s.size()));
      std::memcpy(big_.back().get(), s.data(), s.size());
      return {big_.back().get(), s.size()};
    }
    if (blocks_.empty() || used_ + s.size() > kBlock) {
      blocks_.push_back(std::make_unique<char[]>(kBlock));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return {at, s.size()};
  }

  std::vector<std::unique_ptr<char[]>> blocks_, big_;
  size_t used_ = 0;
  std::vector<std::string_view> views_;  // id -> the string in the arena
  // At a million ids the table spans tens of MB read at random: huge pages
  // (support/big_alloc.h) spare most lookups a TLB miss as well as the cache miss.
  boost::unordered_flat_map<Key, uint32_t, KeyHash, std::equal_to<Key>, BigAlloc<std::pair<const Key, uint32_t>>> index_;
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
