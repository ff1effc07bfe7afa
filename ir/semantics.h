// The scoring rules of DESIGN.md §3 as small functions, shared by every engine so the
// interpreter and the JIT cannot drift apart (the JIT calls or inlines these).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "ir/program.h"

namespace scorec::ir {

// 2^x for the exponents decay produces (x <= 0), in plain arithmetic: round x to n,
// a degree-13 Taylor polynomial of e^(f ln 2) for the rest f in [-0.5, 0.5] (error
// below 1e-17), and 2^n built from exponent bits. It is written out operation by
// operation because the JIT generates exactly these operations, in a loop LLVM
// vectorizes, so both engines get the same bits; a libm exp2 call would not vectorize.
// Like std::exp2, the result underflows gradually: 2^n is applied as 2^floor(n/2) times
// 2^(n - floor(n/2)), two normal powers, so the first product is exact and the second
// rounds once, to a subnormal below 2^-1022 and to exactly 0 below about 2^-1075 (an
// event ~1075 half-lives old contributes nothing). x is clamped to [-1080, 0] (events
// at or before T have x <= 0; 2^-1080 is already 0); a NaN x gives 0 rather than an
// undefined float-to-int conversion.
inline constexpr std::array<double, 14> kExp2Taylor = [] {
  std::array<double, 14> c{};
  double f = 1;
  for (int k = 0; k < 14; ++k) {
    if (k > 0) f *= k;
    c[k] = 1.0 / f;  // 1/k!
  }
  return c;
}();
constexpr double kLn2 = 0.6931471805599453;
constexpr double kExp2Floor = -1080.0;

inline double decay_exp2(double x) {
  x = x >= kExp2Floor ? x : kExp2Floor;
  x = x > 0.0 ? 0.0 : x;
  double n = std::floor(x + 0.5);
  double t = (x - n) * kLn2;
  double p = kExp2Taylor[13];
  for (int k = 12; k >= 0; --k) p = p * t + kExp2Taylor[k];
  int64_t whole = static_cast<int64_t>(n);
  int64_t half = whole >> 1;  // floor(n / 2): arithmetic shift
  double s1 = std::bit_cast<double>((half + 1023) << 52);
  double s2 = std::bit_cast<double>((whole - half + 1023) << 52);
  return p * s1 * s2;
}

// decay(age): none -> 1; half_life h -> 2^(-age/h); linear L -> max(0, 1 - age/L).
inline double decay_factor(DecayKind kind, double param, double age) {
  switch (kind) {
    case DecayKind::None: return 1.0;
    case DecayKind::HalfLife: return decay_exp2(-age / param);
    case DecayKind::Linear: return std::max(0.0, 1.0 - age / param);
  }
  return 1.0;
}

// The epoch-aligned bucket of a timestamp for a period (0 = one lifetime bucket).
inline double bucket_of(double ts, double period) { return period > 0 ? std::floor(ts / period) : 0.0; }

// The part of an undecayed weight a cap accepts, given the magnitude the bucket has
// already accepted; `used` grows by what is accepted. The event that crosses the cap
// is accepted partially.
inline double cap_accept(double weight, double cap, double& used) {
  double room = cap - used;
  if (room <= 0) return 0.0;
  double mag = std::min(std::fabs(weight), room);
  used += mag;
  return std::copysign(mag, weight);
}

// Linear scaling lo..hi to a..b: a + floor((b-a+1) * (raw-lo) / (hi-lo)), clamped.
// All in doubles (no integer conversion or overflow for any a, b): the checker keeps
// a and b within +-2^53, where the result is an exact whole number. A NaN raw score
// gives NaN (null); +-inf and overflowing quotients clamp to b or a.
inline double linear_scale(double raw, double lo, double hi, int64_t a, int64_t b) {
  const double da = static_cast<double>(a), db = static_cast<double>(b);
  double v = da + std::floor((db - da + 1.0) * (raw - lo) / (hi - lo));
  if (std::isnan(v)) return std::isnan(raw) ? v : da;  // inf - inf: a degenerate range
  return std::min(std::max(v, da), db);  // std::clamp, without its precondition a <= b
}

// Percentile scaling: a + floor((b-a+1) * lower / n), clamped to b, where `lower` is
// the number of ranked users with a strictly lower raw score and n how many are ranked.
inline double percentile_scale(uint64_t lower, uint64_t n, int64_t a, int64_t b) {
  const double da = static_cast<double>(a), db = static_cast<double>(b);
  if (n == 0) return da;
  double v = da + std::floor((db - da + 1.0) * static_cast<double>(lower) / static_cast<double>(n));
  return std::min(v, db);
}

// The first tier that matches, top to bottom; -1 when none does (the checker makes
// that impossible for well-formed tiers) and for a null (NaN) value.
inline int tier_of(const std::vector<Tier>& tiers, double value) {
  if (std::isnan(value)) return -1;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const Tier& t = tiers[i];
    if (t.kind == Tier::CatchAll || (t.kind == Tier::Threshold && value >= t.min) ||
        (t.kind == Tier::Range && value >= t.min && value <= t.max))
      return static_cast<int>(i);
  }
  return -1;
}

}  // namespace scorec::ir
