// Who the users are: the mapping from activity rank to user index, when each
// user signed up, and their profile. Every fact is a pure function of
// (seed, user index), so profiles can be produced in any order, in parallel
// or not at all, and the event stream can ask "had user u signed up by t?"
// without storing anything per user.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace scorec::gen {

inline constexpr size_t kMaxTags = 4;

struct Profile {
  uint32_t user = 0;
  std::string_view plan;                     // free / trial / paid
  int64_t signed_up = 0;                     // epoch seconds, before the user's first event
  std::optional<std::string_view> industry;  // null for ~10% of users
  std::string_view city;
  std::string_view job_title;
  double company_size = 0;
  std::string_view country;
  bool newsletter = false;
  uint8_t num_tags = 0;
  std::array<std::string_view, kMaxTags> tag_storage{};

  std::span<const std::string_view> tags() const { return {tag_storage.data(), num_tags}; }
};

// "u17": the external id of dense user index 17.
std::string user_id(uint32_t index);
void append_user_id(std::string& out, uint32_t index);

class UserModel {
 public:
  // Events fall in [first_s, last_s]. A `late_signup_fraction` of users sign up
  // inside that span (so "signed up recently, never logged in" segments have
  // members); the rest signed up before it.
  UserModel(uint64_t seed, uint64_t users, int64_t first_s, int64_t last_s, double late_signup_fraction);

  uint64_t size() const { return n_; }

  // Rank 0 is the most active user. Ranks are scattered over indices by an
  // affine permutation so hot users are not all at small indices (which would
  // flatter cache behaviour in benchmarks).
  uint32_t index_of_rank(uint64_t rank) const;
  uint64_t rank_of(uint32_t index) const;

  // True if the user had signed up strictly before `ts`. Cheap (a hash and a
  // compare); called for every generated event.
  bool signed_up_before(uint32_t index, int64_t ts) const { return join_bound(index) < ts; }

  size_t city_index(uint32_t index) const;  // into catalog::city()
  Profile profile(uint32_t index) const;

 private:
  // The sign-up time for users who joined inside the span, else INT64_MIN.
  int64_t join_bound(uint32_t index) const;

  uint64_t seed_;
  uint64_t n_;
  uint64_t mul_, add_, mul_inverse_;  // index = (mul * rank + add) mod n
  int64_t first_s_, last_s_;
  uint64_t late_threshold_;  // hash < threshold => late joiner
};

}  // namespace scorec::gen
