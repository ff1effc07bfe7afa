#include "zipf.h"

#include <cmath>
#include <stdexcept>

namespace scorec::gen {
namespace {

// log1p(x)/x and expm1(x)/x, with Taylor series near 0 so that s == 1
// (where 1 - s == 0) needs no special case.
double log1p_over_x(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

double expm1_over_x(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

}  // namespace

ZipfSampler::ZipfSampler(uint64_t n, double s) : n_(n), s_(s) {
  if (n < 1) throw std::invalid_argument("zipf: n must be >= 1");
  if (!(s > 0.0) || !std::isfinite(s)) throw std::invalid_argument("zipf: exponent must be > 0");
  h_integral_x1_ = h_integral(1.5) - 1.0;
  h_integral_n_ = h_integral(static_cast<double>(n) + 0.5);
  squeeze_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const { return std::exp(-s_ * std::log(x)); }

double ZipfSampler::h_integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - s_) * log_x) * log_x;
}

double ZipfSampler::h_integral_inverse(double x) const {
  double t = x * (1.0 - s_);
  if (t < -1.0) t = -1.0;  // guards rounding just outside the domain
  return std::exp(log1p_over_x(t) * x);
}

uint64_t ZipfSampler::sample(Rng& rng) const {
  for (;;) {
    // Uniform over the integral of the hat function, then invert it.
    const double u = h_integral_n_ + rng.uniform() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    double kd = std::floor(x + 0.5);
    if (kd < 1.0) kd = 1.0;
    if (kd > static_cast<double>(n_)) kd = static_cast<double>(n_);
    // Squeeze first (cheap), then the exact acceptance test.
    if (kd - x <= squeeze_ || u >= h_integral(kd + 0.5) - h(kd)) return static_cast<uint64_t>(kd);
  }
}

}  // namespace scorec::gen
