#include "support/hash.h"

#include <random>

// Header-only use of xxHash: no shared library at run time.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace scorec {

uint64_t xxh3_64(const void* data, size_t size) { return XXH3_64bits(data, size); }

uint64_t xxh3_64_seeded(const void* data, size_t size, uint64_t seed) { return XXH3_64bits_withSeed(data, size, seed); }

Hash128 xxh3_128_seeded(const void* data, size_t size, uint64_t seed) {
  XXH128_hash_t h = XXH3_128bits_withSeed(data, size, seed);
  return {h.low64, h.high64};
}

uint64_t process_seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return seed;
}

}  // namespace scorec
