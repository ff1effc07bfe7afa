// Interned strings and string lists. Values of type string / list<string> are ids into
// these pools, so equality is an integer compare on the hot path, and the JIT only
// needs the pools for the few functions that look inside a string.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/big_alloc.h"

namespace scorec::runtime {

// Interned strings live in large arena blocks (a few allocations for millions of
// ids, and nothing to free one by one at exit). The index is an open-addressing table
// of 16-byte slots: a string of up to 11 bytes (most user ids and values) is held in
// its slot, so looking it up touches one cache line; a longer one has its length, a
// hash tag and where its text is, two lines. At a million users each lookup misses the
// cache, and find_many looks up a batch in stages, prefetching, so that the misses of
// many strings overlap; the table is on huge pages (support/big_alloc.h). The hash is
// seeded per process (nothing stores it): hash() is valid within one process.
class StringPool {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // find_many: not interned

  // The hash the index uses (seeded per process, so valid within one process only):
  // threads that read ids hash them as they read and intern them with intern_hashed;
  // other tables may use it as their string hash.
  static uint64_t hash(std::string_view s) { return key_of(s).hash; }

  uint32_t intern(std::string_view s) { return intern_key(s, key_of(s)); }
  // `h` must be hash(s).
  uint32_t intern_hashed(std::string_view s, uint64_t h) { return intern_key(s, key_of(s, &h)); }
  // The id of `s` if it was interned; no insertion.
  int64_t find(std::string_view s) const {
    uint32_t id = find_key(s, key_of(s));
    return id == kNone ? -1 : static_cast<int64_t>(id);
  }

  // find() of every string of a batch: out[i] is its id, or kNone. The same answers as
  // one find() each; the table's and the texts' cache misses overlap.
  void find_many(std::span<const std::string_view> keys, uint32_t* out) const {
    if (lines_.empty()) {
      std::fill(out, out + keys.size(), kNone);
      return;
    }
    constexpr size_t kChunk = 32;
    Key key[kChunk];
    for (size_t from = 0; from < keys.size(); from += kChunk) {
      const size_t n = std::min(kChunk, keys.size() - from);
      const std::string_view* k = keys.data() + from;
      // 1. every key's hash, and its first slot prefetched;
      for (size_t i = 0; i < n; ++i) {
        key[i] = key_of(k[i]);
        __builtin_prefetch(&slot(start(key[i].hash)));
      }
      // 2. for long strings, the text of the first slot that may hold it prefetched;
      for (size_t i = 0; i < n; ++i) {
        if (!key[i].is_long()) continue;
        for (size_t pos = start(key[i].hash);; pos = (pos + 1) & mask_) {
          const Slot& sl = slot(pos);
          if (sl.id() == kNone) break;
          if (sl.head() == key[i].head()) {
            __builtin_prefetch(sl.data());
            break;
          }
        }
      }
      // 3. the lookups, now mostly from cache.
      for (size_t i = 0; i < n; ++i) out[from + i] = find_key(k[i], key[i]);
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
  static constexpr size_t kShort = 11;      // strings held in their slot
  static constexpr uint64_t kLong = 0xFF;   // the size byte of a longer one
  static constexpr uint64_t kBigSize = 0xFFFF;  // a length that does not fit: see views_

  // A slot: `lo` is the id (low 32 bits: kNone when empty) and a head (high 32 bits):
  // for a short string its size (a byte below kLong) and up to 3 bytes of its text, with
  // `hi` the other 8; for a long one kLong, the length (16 bits) and an 8-bit hash tag,
  // with `hi` the address of its text. Slots are looked up 4 to a cache line, from the
  // line's first slot on (the table is 64-byte aligned).
  struct Slot {
    uint64_t lo = kNone, hi = 0;
    uint32_t id() const { return static_cast<uint32_t>(lo); }
    uint32_t head() const { return static_cast<uint32_t>(lo >> 32); }
    bool is_long() const { return (lo >> 32 & 0xFF) == kLong; }
    const char* data() const { return reinterpret_cast<const char*>(hi); }
  };
  static_assert(sizeof(Slot) == 16);
  struct Key : Slot {
    uint64_t hash = 0;
  };

  // wyhash's mixing (a 64x64->128-bit multiply, halves xored) over 8-byte words: a few
  // nanoseconds for an id, and every bit of the text reaches the low bits (the position)
  // and the high bits (the tag).
  static uint64_t mix(uint64_t a, uint64_t b) {
    unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  }
  static uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static uint64_t load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  // A seed drawn once per process: ids come from outside, and a fixed hash would let
  // whoever chooses them pick ids that all land in one probe sequence.
  static uint64_t seed() {
    static const uint64_t value = [] {
      std::random_device rd;
      return (static_cast<uint64_t>(rd()) << 32 ^ rd()) | 1;
    }();
    return value;
  }
  // A key: for a short string its image (the size and the bytes, read as at most two
  // overlapping words), hashed; for a long one the hash of its text.
  static Key key_of(std::string_view s, const uint64_t* given = nullptr) {
    constexpr uint64_t k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
    // Data is mixed with the seed on both sides of each multiply, so that no text a
    // caller can choose without knowing the seed zeroes a product.
    const uint64_t k0 = seed(), s1 = k0 ^ k1, s2 = k0 ^ k2;
    const char* p = s.data();
    const size_t n = s.size();
    Key k;
    if (n <= kShort) {
      uint64_t head = n, text;
      if (n >= 8) {
        text = load64(p);
        if (n > 8) head |= (load64(p + n - 8) >> (8 * (16 - n))) << 8;
      } else if (n >= 4) {
        text = load32(p) | (load32(p + n - 4) >> (8 * (8 - n))) << 32;
      } else {
        text = 0;
        for (size_t i = 0; i < n; ++i) text |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
      }
      k.lo = head << 32 | kNone;
      k.hi = text;
      k.hash = mix(mix(text ^ s1, head ^ s2) ^ k2, k1);
      return k;
    }
    if (given) {
      k.hash = *given;
    } else {
      uint64_t acc = k0 ^ n;
      const char* q = p;
      size_t left = n;
      for (; left > 16; left -= 16, q += 16) acc = mix(load64(q) ^ s1, load64(q + 8) ^ acc ^ s2);
      const uint64_t a = load64(n >= 16 ? p + n - 16 : p), b = load64(p + n - 8);
      k.hash = mix(mix(a ^ s1, b ^ acc ^ s2) ^ k2, n ^ k1);
    }
    const uint64_t size = std::min<uint64_t>(n, kBigSize);
    k.lo = (kLong | size << 8 | (k.hash >> 56) << 24) << 32 | kNone;
    return k;
  }
  // The slot of a new string: the key with its id and, if long, its text's address.
  static Slot stored(const Key& key, uint32_t id, std::string_view kept) {
    Slot s = key;
    s.lo = (s.lo & ~uint64_t{0xFFFFFFFF}) | id;
    if (s.is_long()) s.hi = reinterpret_cast<uint64_t>(kept.data());
    return s;
  }
  bool matches(const Slot& sl, const Key& key, std::string_view s) const {
    if (sl.head() != key.head()) return false;
    if (!key.is_long()) return sl.hi == key.hi;
    if (s.size() >= kBigSize && views_[sl.id()].size() != s.size()) return false;
    return std::memcmp(sl.data(), s.data(), s.size()) == 0;
  }
  uint32_t intern_key(std::string_view s, const Key& key) {
    size_t pos = start(key.hash);
    if (!lines_.empty())
      for (;; pos = (pos + 1) & mask_) {
        const Slot& sl = slot(pos);
        if (sl.id() == kNone) break;
        if (matches(sl, key, s)) return sl.id();
      }
    if (views_.size() + 1 > capacity() / 2) {
      grow();
      for (pos = start(key.hash); slot(pos).id() != kNone; pos = (pos + 1) & mask_) {}
    }
    const uint32_t id = static_cast<uint32_t>(views_.size());
    std::string_view kept = keep(s);
    views_.push_back(kept);
    slot(pos) = stored(key, id, kept);
    return id;
  }
  uint32_t find_key(std::string_view s, const Key& key) const {
    if (lines_.empty()) return kNone;
    for (size_t pos = start(key.hash);; pos = (pos + 1) & mask_) {
      const Slot& sl = slot(pos);
      if (sl.id() == kNone) return kNone;
      if (matches(sl, key, s)) return sl.id();
    }
  }
  size_t capacity() const { return lines_.size() * 4; }
  Slot& slot(size_t pos) { return lines_[pos >> 2].slots[pos & 3]; }
  const Slot& slot(size_t pos) const { return lines_[pos >> 2].slots[pos & 3]; }
  // A key's first slot: the first of its line.
  size_t start(uint64_t hash) const { return hash & mask_ & ~size_t{3}; }
  // Doubles the table (load factor at most 1/2: short probe sequences).
  void grow() {
    const size_t slots = std::max<size_t>(capacity() * 2, 64);
    lines_.assign(slots / 4, Line{});
    mask_ = slots - 1;
    for (uint32_t id = 0; id < views_.size(); ++id) {
      const Key key = key_of(views_[id]);
      size_t pos = start(key.hash);
      while (slot(pos).id() != kNone) pos = (pos + 1) & mask_;
      slot(pos) = stored(key, id, views_[id]);
    }
  }

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
  struct alignas(64) Line {
    Slot slots[4];
  };
  std::vector<Line, BigAlloc<Line>> lines_;  // the index; empty until the first string
  size_t mask_ = 0;
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
