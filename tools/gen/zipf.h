// Zipf-distributed ranks by rejection-inversion (Hörmann & Derflinger 1996,
// "Rejection-inversion to generate variates from monotone discrete
// distributions"). O(1) memory and O(1) expected time for any n and any
// exponent s > 0, so it handles 100 M users as easily as 10 — a precomputed
// CDF would need n doubles.
#pragma once

#include <cstdint>

#include "rng.h"

namespace scorec::gen {

class ZipfSampler {
 public:
  // P(rank = k) proportional to 1 / k^s for k in [1, n]. Requires n >= 1, s > 0.
  ZipfSampler(uint64_t n, double s);

  // Returns a rank in [1, n]; rank 1 is the most frequent.
  uint64_t sample(Rng& rng) const;

  uint64_t n() const { return n_; }
  double s() const { return s_; }

 private:
  double h(double x) const;                  // x^-s
  double h_integral(double x) const;         // antiderivative of h
  double h_integral_inverse(double x) const;

  uint64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double squeeze_;  // accept immediately when k - x <= squeeze_ (skips a log)
};

}  // namespace scorec::gen
