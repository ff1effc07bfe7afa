// The ceiling: hand-written C++ computing exactly the raw scores of
// bench/rules/scenario2.score and bench/rules/heavy.score over the same batch,
// with dense per-user state of its own. Change the rule files and these loops
// together; the benchmark checks the JIT against them at startup.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dataset.h"

namespace scorec::bench {

// Columns and constants the scenario-2 loops read, resolved from the schema.
struct S2Cols {
  const uint32_t* user = nullptr;
  const uint16_t* type = nullptr;
  const double* ts = nullptr;
  const double* seconds = nullptr;
  const uint8_t* seconds_valid = nullptr;
  double T = 0;
  double h = 0;  // half-life, seconds
  // Indexed by min(type, 15): weight (0 for types without a rule) and the channel
  // slot (1 email, 2 push, 3 web; 0 = none).
  double weight[16] = {};
  uint8_t channel[16] = {};
  unsigned visit = 0;  // site_visit's code: its weight is min(seconds / 60, 5)
  unsigned open = 0, click = 0, push = 0;
};

// The contribution pass of the two-pass form over rows first..first+n-1:
// contribution (decay included) c[j] and channel slot ch[j]. Two builds:
// plain, and one compiled with -ffast-math so GCC vectorizes exp2 with libmvec
// (bench/handwritten_vec.cpp).
void s2_contributions(const S2Cols& k, uint32_t first, size_t n, double* c, uint8_t* ch);
void s2_contributions_vexp2(const S2Cols& k, uint32_t first, size_t n, double* c, uint8_t* ch);

// heavy.score's four decay factors (engagement, email, commerce, content) for n
// timestamps; vectorized (bench/handwritten_vec.cpp).
void heavy_decay_factors(const double* ts, size_t n, double T, double* dE, double* dM, double* dC, double* dT);

class Scenario2Hand {
 public:
  explicit Scenario2Hand(const Dataset& d);
  void reset();
  // One pass: per event, switch on type, weight x exp2(-age/h), add into state.
  void run_plain(std::span<const uint32_t> rows);
  // Chunks of kChunk events: contributions first, then a scatter-add. Chunks
  // whose rows are not contiguous run through the plain loop.
  void run_two_pass(std::span<const uint32_t> rows, bool vector_exp2);
  // Raw score of the program's score `s` for user `u`.
  double raw(int s, uint32_t u) const { return state_[static_cast<size_t>(u) * 4 + slot_of_score_[s]]; }
  static constexpr size_t kChunk = 4096;

 private:
  S2Cols k_;
  std::vector<double> state_;  // users x {engagement, email, push, web}
  std::vector<int> slot_of_score_;
};

class HeavyHand {
 public:
  explicit HeavyHand(const Dataset& d);
  ~HeavyHand();
  void reset();
  // One pass, the decay factors computed per event (scalar exp2).
  void run(std::span<const uint32_t> rows) { run_impl(rows, false); }
  // Chunks: the four decay factors of every event first (vectorized exp2), then
  // the per-event rules.
  void run_vec_decay(std::span<const uint32_t> rows) { run_impl(rows, true); }
  static constexpr size_t kChunk = 1024;
  // Raw score (event part + per-user terms) of the program's score `s` for user `u`.
  double raw(int s, uint32_t u) const;

  struct User;  // the per-user state (raw scores, cap/limit buckets, aggregates)

 private:
  void run_impl(std::span<const uint32_t> rows, bool vec_decay);
  template <bool kPre>
  void run_rows(std::span<const uint32_t> rows, const double* dE, const double* dM, const double* dC, const double* dT);
  const Dataset& d_;
  std::vector<User> users_;
  std::vector<int> hand_of_score_;
  struct Codes;
  std::shared_ptr<const Codes> c_;
};

}  // namespace scorec::bench
