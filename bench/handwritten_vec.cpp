// Built with -ffast-math (see CMakeLists.txt) so GCC turns std::exp2 in the loop
// into libmvec's vector exp2: the "vectorized exp2" ceiling of DESIGN.md §7. Results
// differ from scalar exp2 by a few ulp, well inside the 1e-9 check.
#include <algorithm>
#include <cmath>

#include "handwritten.h"

namespace scorec::bench {
#define SCOREC_S2_PASS_NAME s2_contributions_vexp2
#include "handwritten_pass.inc"
#undef SCOREC_S2_PASS_NAME

void heavy_decay_factors(const double* __restrict ts, size_t n, double T, double* __restrict dE, double* __restrict dM,
                         double* __restrict dC, double* __restrict dT) {
  constexpr double kDay = 86400;
  for (size_t j = 0; j < n; ++j) {
    const double age = T - ts[j];
    dE[j] = std::exp2(-age / (30 * kDay));
    dM[j] = std::exp2(-age / (14 * kDay));
    dC[j] = std::max(0.0, 1.0 - age / (90 * kDay));
    dT[j] = std::exp2(-age / (60 * kDay));
  }
}
}  // namespace scorec::bench
