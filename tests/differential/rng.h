// A small deterministic PRNG for the differential tests: splitmix64, with helpers that
// do not depend on the standard library's distributions (whose output differs between
// implementations), so a seed reproduces the same case everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace scorec::difftest {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}

  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive); lo <= hi.
  int64_t range(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(next() % span);
  }
  // True with probability percent / 100.
  bool pct(int percent) { return static_cast<int>(next() % 100) < percent; }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  size_t index(size_t n) { return static_cast<size_t>(next() % n); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[index(v.size())];
  }
  const char* pick(std::initializer_list<const char*> v) { return *(v.begin() + index(v.size())); }

 private:
  uint64_t s_;
};

}  // namespace scorec::difftest
