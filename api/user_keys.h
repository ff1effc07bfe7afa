// Integer user keys (EventColumns::user_keys): a service that already numbers its users
// passes the number instead of an id. Key k is the user whose id is k's decimal text, so
// keys and ids name the same users; this table caches each key's user index (or that
// the user is of another partition), so after its first appearance a key costs one
// array read instead of hashing an id.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "support/big_alloc.h"

namespace scorec::detail {

class UserKeys {
 public:
  static constexpr uint32_t kUnseen = UINT32_MAX;              // not met yet
  static constexpr uint32_t kOtherPartition = UINT32_MAX - 1;  // of another partition

  explicit UserKeys(uint32_t limit) : limit_(limit) {}
  // Keys are 0 to limit() - 1; 0: the scorer takes no keys.
  uint32_t limit() const { return limit_; }
  // Room for every key up to `max_key` (< limit): doubling, so a growing key space
  // costs amortized O(1) per key, and never beyond the limit.
  uint32_t* table(uint32_t max_key) {
    if (max_key >= index_.size()) {
      size_t want = std::max<size_t>({static_cast<size_t>(max_key) + 1, index_.size() * 2, 1024});
      index_.resize(std::min<size_t>(want, limit_), kUnseen);
    }
    return index_.data();
  }
  // The id a key stands for.
  static std::string id(uint32_t key) { return std::to_string(key); }

 private:
  uint32_t limit_;
  std::vector<uint32_t, BigAlloc<uint32_t>> index_;  // key -> user index, kUnseen or kOtherPartition
};

}  // namespace scorec::detail
