// Deterministic synthetic event stream: Zipf-distributed users, a weighted
// event mix with realistic properties, timestamps in non-decreasing order.
//
// Memory is O(1) in the number of events: pull events one at a time with
// EventGenerator::next() or for_each_event(); generate_events() is a
// convenience for small tests. The same config yields the same events on
// every platform (own PRNG, no <random> distributions).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "event_types.h"
#include "users.h"
#include "zipf.h"

namespace scorec::gen {

struct GeneratorConfig {
  uint64_t seed = 42;
  size_t users = 1000;
  size_t events = 100000;
  double zipf_s = 1.1;                 // user activity skew: P(rank k) ~ k^-s
  double start_epoch_s = 1704067200;   // 2024-01-01T00:00:00Z
  double span_days = 180;
  EventMix mix = default_mix();
  double late_signup_fraction = 0.25;  // users who sign up inside the span
};

// Throws std::invalid_argument with a readable message.
void validate(const GeneratorConfig& config);

// null is used only by profiles (industry); events always carry all their
// declared properties.
using Value = std::variant<std::monostate, double, std::string_view, bool>;

struct Property {
  std::string_view name;
  Value value;
};

// String values point into program-lifetime catalogs: an Event may be copied
// and kept after the generator is gone.
struct Event {
  uint32_t user = 0;  // dense index; the external id is user_id(user) = "u<index>"
  EventType type = EventType::email_open;
  int64_t ts = 0;     // epoch seconds, UTC, whole seconds
  uint8_t num_props = 0;
  std::array<Property, kMaxEventProps> props{};

  std::string_view name() const { return event_name(type); }
  std::span<const Property> properties() const { return {props.data(), num_props}; }
  const Value* find(std::string_view prop) const;
};

class EventGenerator {
 public:
  explicit EventGenerator(const GeneratorConfig& config);

  // Fills `out` with the next event; false once config.events were produced.
  bool next(Event& out);

  uint64_t remaining() const { return remaining_; }
  const UserModel& users() const { return users_; }
  int64_t first_ts() const { return first_s_; }  // every event ts is within
  int64_t last_ts() const { return last_s_; }    // [first_ts, last_ts]

 private:
  int64_t next_timestamp();
  uint32_t pick_user(int64_t ts);
  EventType pick_type();
  void fill_properties(Event& e);

  GeneratorConfig config_;
  int64_t first_s_, last_s_;
  double start_, span_s_;
  UserModel users_;
  ZipfSampler user_zipf_;
  ZipfSampler content_zipf_;
  std::array<double, kEventTypeCount> mix_cumulative_;
  Rng rng_;
  uint64_t remaining_;
  double position_ = 0;  // fraction of the span reached by the last event
};

template <class F>
void for_each_event(const GeneratorConfig& config, F&& on_event) {
  EventGenerator gen(config);
  Event e;
  while (gen.next(e)) on_event(static_cast<const Event&>(e));
}

std::vector<Event> generate_events(const GeneratorConfig& config);

// Profiles for users 0..users-1, in index order (also pure per user: see
// UserModel::profile).
template <class F>
void for_each_profile(const GeneratorConfig& config, F&& on_profile) {
  EventGenerator gen(config);
  const UserModel& u = gen.users();
  for (uint64_t i = 0; i < u.size(); ++i) {
    const Profile p = u.profile(static_cast<uint32_t>(i));
    on_profile(p);
  }
}

std::vector<Profile> generate_profiles(const GeneratorConfig& config);

}  // namespace scorec::gen
