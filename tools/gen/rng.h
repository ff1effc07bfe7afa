// Deterministic random numbers for the generator.
//
// We deliberately avoid <random> distributions: their output is unspecified
// and differs between libstdc++, libc++ and MSVC, which would make "same seed,
// same file" false across platforms. Everything here is plain integer
// arithmetic plus IEEE basic operations (and a few libm calls in callers).
#pragma once

#include <cstdint>

namespace scorec::gen {

// SplitMix64 (Steele, Lea, Flood): used to expand one 64-bit seed into
// well-mixed state and as a stateless hash of (seed, user) for per-user facts.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Stateless mix of two words; different `stream` constants give independent
// per-user streams derived from the same seed.
inline uint64_t hash64(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b * 0xD1B54A32D192ED03ULL);
  splitmix64(s);
  return splitmix64(s);
}

// Maps 64 random bits to a double in [0, 1) using the top 53 bits (exact).
inline double to_unit(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// xoshiro256** (Blackman, Vigna): fast, small state, good statistical quality.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (auto& w : s_) w = splitmix64(sm);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double uniform() { return to_unit(next()); }

  // Uniform integer in [0, n) via Lemire's multiply-shift; the tiny bias
  // (< n / 2^64) is irrelevant for synthetic data and keeps it branch-free.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

  bool chance(double p) { return uniform() < p; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace scorec::gen
