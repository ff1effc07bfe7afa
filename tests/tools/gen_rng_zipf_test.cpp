// The PRNG and the Zipf sampler: pinned outputs (the cross-platform
// determinism contract) and distribution shape.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rng.h"
#include "zipf.h"

namespace scorec::gen {
namespace {

TEST(GenRng, OutputIsPinned) {
  // If these change, every generated data set changes: only on purpose.
  Rng rng(42);
  const uint64_t first = rng.next();
  const uint64_t second = rng.next();
  Rng again(42);
  EXPECT_EQ(again.next(), first);
  EXPECT_EQ(again.next(), second);
  EXPECT_EQ(first, 1546998764402558742ULL);
  EXPECT_EQ(second, 6990951692964543102ULL);
}

TEST(GenRng, UniformIsInUnitIntervalAndBelowIsInRange) {
  Rng rng(7);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    ASSERT_LT(rng.below(13), 13u);
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.01);
}

// Least-squares slope of log(count) against log(rank) over ranks 1..max_rank.
double loglog_slope(const std::vector<uint64_t>& counts_by_rank, size_t max_rank) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  size_t n = 0;
  for (size_t r = 1; r <= max_rank && r <= counts_by_rank.size(); ++r) {
    if (counts_by_rank[r - 1] == 0) continue;
    const double x = std::log(static_cast<double>(r));
    const double y = std::log(static_cast<double>(counts_by_rank[r - 1]));
    sx += x, sy += y, sxx += x * x, sxy += x * y, ++n;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

class GenZipfShape : public ::testing::TestWithParam<double> {};

TEST_P(GenZipfShape, RankFrequencySlopeIsMinusS) {
  const double s = GetParam();
  const uint64_t n = 1000;
  ZipfSampler zipf(n, s);
  Rng rng(123);
  std::vector<uint64_t> counts(n, 0);
  for (int i = 0; i < 500000; ++i) {
    const uint64_t k = zipf.sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, n);
    ++counts[k - 1];
  }
  EXPECT_NEAR(loglog_slope(counts, 100), -s, 0.05);
  // Rank 1 gets 1/H(n,s) of the mass.
  double harmonic = 0;
  for (uint64_t k = 1; k <= n; ++k) harmonic += std::pow(static_cast<double>(k), -s);
  EXPECT_NEAR(counts[0] / 500000.0, 1.0 / harmonic, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Exponents, GenZipfShape, ::testing::Values(0.8, 1.0, 1.1, 1.5));

TEST(GenZipf, HandlesOneElementAndHugeN) {
  Rng rng(1);
  ZipfSampler one(1, 1.1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(one.sample(rng), 1u);
  ZipfSampler huge(4'000'000'000ULL, 1.1);  // no table: O(1) memory
  for (int i = 0; i < 10000; ++i) {
    const uint64_t k = huge.sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, 4'000'000'000ULL);
  }
}

TEST(GenZipf, RejectsBadParameters) {
  EXPECT_THROW(ZipfSampler(0, 1.1), std::invalid_argument);
  EXPECT_THROW(ZipfSampler(10, 0.0), std::invalid_argument);
  EXPECT_THROW(ZipfSampler(10, -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace scorec::gen
