// Hashes with fixed, documented definitions: their values are stored in files (state
// files, the compiled-code cache) and decide which partition a user belongs to, so they
// must never change between versions or machines.
#pragma once

#include <cstdint>
#include <string_view>

namespace scorec {

// FNV-1a, 64 bits: offset basis 0xcbf29ce484222325, prime 0x100000001b3, over the bytes.
// Simple enough for any service to compute the same partition in its own language.
constexpr uint64_t fnv1a64(std::string_view bytes, uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// XXH3-64 (seed 0) of a byte range: the checksum of large payloads (GB/s).
uint64_t xxh3_64(const void* data, size_t size);
uint64_t xxh3_64_seeded(const void* data, size_t size, uint64_t seed);

// XXH3-128 (seeded) of a byte range: a key that stands for a string too long to keep,
// as the message ids a run reads once (runtime/io/message_ids.h). 128 bits: a billion
// keys collide with a probability near 1e-21.
struct Hash128 {
  uint64_t lo = 0, hi = 0;
  bool operator==(const Hash128&) const = default;
};
Hash128 xxh3_128_seeded(const void* data, size_t size, uint64_t seed);

// A random seed drawn once per process, for hash tables whose keys come from outside.
uint64_t process_seed();

}  // namespace scorec
