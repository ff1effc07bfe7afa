#include "users.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <stdexcept>

#include "catalog.h"
#include "civil_time.h"
#include "rng.h"

namespace scorec::gen {
namespace {

// Independent hash streams per fact, so adding a fact never changes another.
constexpr uint64_t kPermStream = 0x5045524D;     // "PERM"
constexpr uint64_t kJoinStream = 0x4A4F494E;     // "JOIN"
constexpr uint64_t kJoinTimeStream = 0x4A54494D; // "JTIM"
constexpr uint64_t kCityStream = 0x43495459;     // "CITY"
constexpr uint64_t kProfileStream = 0x50524F46;  // "PROF"

uint64_t gcd(uint64_t a, uint64_t b) {
  while (b) {
    const uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

uint64_t mod_inverse(uint64_t a, uint64_t n) {
  if (n == 1) return 0;
  // Extended Euclid on signed 128-bit to avoid overflow for n up to 2^32.
  __int128 t = 0, new_t = 1, r = n, new_r = a;
  while (new_r != 0) {
    const __int128 q = r / new_r;
    __int128 tmp = t - q * new_t;
    t = new_t;
    new_t = tmp;
    tmp = r - q * new_r;
    r = new_r;
    new_r = tmp;
  }
  if (t < 0) t += n;
  return static_cast<uint64_t>(t);
}

uint64_t mul_mod(uint64_t a, uint64_t b, uint64_t n) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(a) * b % n);
}

// Integer in [lo, hi], uniform.
double uniform_int(Rng& rng, uint64_t lo, uint64_t hi) { return static_cast<double>(lo + rng.below(hi - lo + 1)); }

}  // namespace

void append_user_id(std::string& out, uint32_t index) {
  char buf[16];
  buf[0] = 'u';
  auto r = std::to_chars(buf + 1, buf + sizeof buf, index);
  out.append(buf, r.ptr);
}

std::string user_id(uint32_t index) {
  std::string s;
  append_user_id(s, index);
  return s;
}

UserModel::UserModel(uint64_t seed, uint64_t users, int64_t first_s, int64_t last_s, double late_signup_fraction)
    : seed_(seed), n_(users), first_s_(first_s), last_s_(last_s) {
  if (users < 1 || users > UINT32_MAX) throw std::invalid_argument("users must be in 1..4294967295");
  if (!(late_signup_fraction >= 0 && late_signup_fraction <= 1))
    throw std::invalid_argument("late_signup_fraction must be in [0, 1]");
  // A multiplier coprime with n makes rank -> index a bijection.
  uint64_t m = hash64(seed, kPermStream) % n_;
  if (m == 0) m = 1;
  while (gcd(m, n_) != 1) m = m + 1 < n_ ? m + 1 : 1;
  mul_ = n_ == 1 ? 0 : m;
  add_ = hash64(seed, kPermStream + 1) % n_;
  mul_inverse_ = mod_inverse(mul_, n_);
  const double scaled = late_signup_fraction * 0x1.0p64;  // may round up to 2^64
  late_threshold_ = scaled >= 0x1.0p64 ? UINT64_MAX : static_cast<uint64_t>(scaled);
}

uint32_t UserModel::index_of_rank(uint64_t rank) const {
  return static_cast<uint32_t>((mul_mod(mul_, rank, n_) + add_) % n_);
}

uint64_t UserModel::rank_of(uint32_t index) const {
  return mul_mod(mul_inverse_, (index + n_ - add_) % n_, n_);
}

int64_t UserModel::join_bound(uint32_t index) const {
  // The most active user always predates the span, so at every instant some
  // user can receive events and the generator's retry loop terminates.
  if (index == add_) return INT64_MIN;  // add_ == index_of_rank(0)
  if (hash64(seed_ ^ kJoinStream, index) >= late_threshold_) return INT64_MIN;
  // Join in the first 90% of the span so late joiners still get some events.
  const double span = static_cast<double>(last_s_ - first_s_);
  return first_s_ + static_cast<int64_t>(to_unit(hash64(seed_ ^ kJoinTimeStream, index)) * 0.9 * span);
}

size_t UserModel::city_index(uint32_t index) const {
  return catalog::cities().index_for(to_unit(hash64(seed_ ^ kCityStream, index)));
}

Profile UserModel::profile(uint32_t index) const {
  Rng rng(hash64(seed_ ^ kProfileStream, index));
  Profile p;
  p.user = index;

  // The top 5% most active users are more often paying customers, so rules
  // like "paid and engaged => hot" find real members.
  const bool engaged = rank_of(index) < std::max<uint64_t>(1, n_ / 20);
  p.plan = (engaged ? catalog::plans_engaged() : catalog::plans()).pick(rng);

  const int64_t late = join_bound(index);
  if (late != INT64_MIN) {
    p.signed_up = late;
  } else {
    // Before the span: mostly the last months, with a tail of old accounts,
    // capped at ~5 years.
    const double days = std::min(1825.0, -std::log1p(-rng.uniform()) * 200.0);
    p.signed_up = first_s_ - 1 - static_cast<int64_t>(days * kSecondsPerDay);
  }

  if (rng.chance(0.9)) p.industry = catalog::industries().pick(rng);
  const City& c = catalog::city(city_index(index));
  p.city = c.name;
  p.country = c.country;
  p.job_title = catalog::job_titles().pick(rng);

  // Company size: a bucket by weight, then uniform inside it (B2B fit grades
  // threshold on these bucket edges).
  static const Choice kSizeBuckets{{"1-10", 20}, {"11-50", 25}, {"51-200", 22},
                                   {"201-1000", 17}, {"1001-5000", 10}, {"5001-50000", 6}};
  static constexpr uint64_t kBounds[][2] = {{1, 10}, {11, 50}, {51, 200}, {201, 1000}, {1001, 5000}, {5001, 50000}};
  const size_t b = kSizeBuckets.pick_index(rng);
  p.company_size = uniform_int(rng, kBounds[b][0], kBounds[b][1]);

  p.newsletter = rng.chance(0.35);

  const auto& tags = catalog::tags();  // vip, beta, partner, churn_risk
  const double tag_p[kMaxTags] = {engaged ? 0.15 : 0.04, 0.08, 0.04, 0.06};
  for (size_t i = 0; i < tags.size() && i < kMaxTags; ++i)
    if (rng.chance(tag_p[i])) p.tag_storage[p.num_tags++] = tags[i];
  return p;
}

}  // namespace scorec::gen
