#include "generator.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "catalog.h"
#include "civil_time.h"

namespace scorec::gen {
namespace {

// Relative activity per UTC hour (a US/EU blend: quiet nights, a working-day
// plateau, an evening bump). Used to warp times within each day.
constexpr double kHourWeights[24] = {2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.5, 4.0, 6.0, 7.0, 7.5, 7.5,
                                     7.0, 7.0, 7.0, 6.5, 6.0, 6.0, 6.5, 7.0, 6.5, 5.0, 4.0, 3.0};

struct DiurnalCdf {
  static constexpr int kBuckets = 256;
  double cum[25];
  uint8_t first_hour[kBuckets];  // hour containing f = bucket / kBuckets: skips the scan
  DiurnalCdf() {
    double total = 0;
    for (double w : kHourWeights) total += w;
    cum[0] = 0;
    for (int h = 0; h < 24; ++h) cum[h + 1] = cum[h] + kHourWeights[h] / total;
    cum[24] = 1.0;
    for (int b = 0, h = 0; b < kBuckets; ++b) {
      while (h < 23 && static_cast<double>(b) / kBuckets >= cum[h + 1]) ++h;
      first_hour[b] = static_cast<uint8_t>(h);
    }
  }
  // Maps a uniform fraction of the day to an activity-weighted one. Monotone,
  // so sorted inputs stay sorted.
  double warp(double f) const {
    const int bucket = std::clamp(static_cast<int>(f * kBuckets), 0, kBuckets - 1);
    int h = first_hour[bucket];
    while (h < 23 && f >= cum[h + 1]) ++h;
    const double within = (f - cum[h]) / (cum[h + 1] - cum[h]);
    return (h + std::clamp(within, 0.0, 1.0)) / 24.0;
  }
};
const DiurnalCdf kDiurnal;

double exponential(Rng& rng) { return -std::log1p(-rng.uniform()); }

// Whole seconds >= 1, exponential with the given mean, capped.
double duration_seconds(Rng& rng, double mean, double cap) {
  return std::min(cap, std::max(1.0, std::ceil(exponential(rng) * mean)));
}

// Log-normal with median 40 and sigma 1 (long tail: p99 ~ 400), in cents.
// The normal is Irwin-Hall (sum of 12 uniforms - 6): no libm in the shape,
// and bounded at +-6 sigma, which keeps amounts plausible.
double purchase_amount(Rng& rng) {
  double z = -6.0;
  for (int i = 0; i < 12; ++i) z += rng.uniform();
  const double amount = 40.0 * std::exp(z);
  return std::max(0.99, std::round(amount * 100.0) / 100.0);
}

}  // namespace

void validate(const GeneratorConfig& c) {
  if (c.users < 1 || c.users > UINT32_MAX) throw std::invalid_argument("users must be in 1..4294967295");
  if (!(c.zipf_s > 0) || !std::isfinite(c.zipf_s)) throw std::invalid_argument("zipf exponent must be > 0");
  if (!(c.span_days > 0) || !std::isfinite(c.span_days)) throw std::invalid_argument("span_days must be > 0");
  if (!std::isfinite(c.start_epoch_s) || std::fabs(c.start_epoch_s) > 1e14)
    throw std::invalid_argument("start_epoch_s out of range");
  if (c.span_days > 365.0 * 1000) throw std::invalid_argument("span_days must be at most 1000 years");
  double total = 0;
  for (double w : c.mix) {
    if (!(w >= 0) || !std::isfinite(w)) throw std::invalid_argument("event mix weights must be >= 0");
    total += w;
  }
  if (!(total > 0)) throw std::invalid_argument("event mix needs at least one positive weight");
}

const Value* Event::find(std::string_view prop) const {
  for (size_t i = 0; i < num_props; ++i)
    if (props[i].name == prop) return &props[i].value;
  return nullptr;
}

EventGenerator::EventGenerator(const GeneratorConfig& config)
    : config_((validate(config), config)),
      first_s_(static_cast<int64_t>(std::ceil(config.start_epoch_s))),
      last_s_(std::max(first_s_,
                       static_cast<int64_t>(std::ceil(config.start_epoch_s + config.span_days * kSecondsPerDay)) - 1)),
      start_(config.start_epoch_s),
      span_s_(config.span_days * kSecondsPerDay),
      users_(config.seed, config.users, first_s_, last_s_, config.late_signup_fraction),
      user_zipf_(config.users, config.zipf_s),
      content_zipf_(catalog::content_count(), 0.9),
      rng_(config.seed),
      remaining_(config.events) {
  double sum = 0;
  for (size_t i = 0; i < kEventTypeCount; ++i) mix_cumulative_[i] = (sum += config.mix[i]);
}

int64_t EventGenerator::next_timestamp() {
  // Sorted uniforms one at a time: the minimum of m uniforms on [x, 1) is
  // x + (1 - x)(1 - V^(1/m)); with V = e^-E that is -expm1(-E/m), accurate
  // even for m = 10^9. Exactly the order statistics of N uniform times, in
  // O(1) memory and without knowing anything about later events.
  const double m = static_cast<double>(remaining_);
  position_ += (1.0 - position_) * -std::expm1(-exponential(rng_) / m);

  const double abs_s = start_ + position_ * span_s_;
  const double day = std::floor(abs_s / kSecondsPerDay);
  const double frac = (abs_s - day * kSecondsPerDay) / kSecondsPerDay;
  const double warped = (day + kDiurnal.warp(frac)) * kSecondsPerDay;
  // Warping can push the first/last partial day outside the span; clamping
  // with constants keeps the sequence non-decreasing.
  return std::clamp(static_cast<int64_t>(std::floor(warped)), first_s_, last_s_);
}

uint32_t EventGenerator::pick_user(int64_t ts) {
  // Users who sign up inside the span get no events before their sign-up:
  // resample. Rank 0 is always eligible, so this ends; the cap only bounds
  // pathological configs (e.g. nearly everyone joining late).
  for (int attempt = 0; attempt < 64; ++attempt) {
    const uint32_t idx = users_.index_of_rank(user_zipf_.sample(rng_) - 1);
    if (users_.signed_up_before(idx, ts)) return idx;
  }
  return users_.index_of_rank(0);
}

EventType EventGenerator::pick_type() {
  const double target = rng_.uniform() * mix_cumulative_.back();
  size_t last_positive = 0;
  for (size_t i = 0; i < kEventTypeCount; ++i) {
    if (config_.mix[i] <= 0) continue;
    if (target < mix_cumulative_[i]) return static_cast<EventType>(i);
    last_positive = i;
  }
  return static_cast<EventType>(last_positive);  // rounding at the very top
}

void EventGenerator::fill_properties(Event& e) {
  const auto spec = event_spec(e.type).props;
  e.num_props = static_cast<uint8_t>(spec.size());
  for (size_t i = 0; i < spec.size(); ++i) e.props[i].name = spec[i].name;
  auto set = [&](size_t i, Value v) { e.props[i].value = v; };

  switch (e.type) {
    case EventType::email_open:
    case EventType::push_click:
      set(0, catalog::campaigns().pick(rng_));
      break;
    case EventType::email_click:
      set(0, catalog::campaigns().pick(rng_));
      set(1, catalog::click_urls().pick(rng_));
      break;
    case EventType::site_visit:
      set(0, catalog::pages().pick(rng_));
      set(1, duration_seconds(rng_, 45.0, 3600.0));
      break;
    case EventType::content_viewed: {
      const size_t item = content_zipf_.sample(rng_) - 1;  // popular content dominates
      set(0, catalog::content_id(item));
      set(1, catalog::content_category(item));
      set(2, duration_seconds(rng_, 150.0, 7200.0));
      break;
    }
    case EventType::purchase: {
      set(0, purchase_amount(rng_));
      set(1, catalog::city(users_.city_index(e.user)).currency);  // matches the profile's country
      double items = 1;
      while (items < 20 && rng_.chance(0.35)) items += 1;
      set(2, items);
      break;
    }
    case EventType::form_submit:
      set(0, catalog::forms().pick(rng_));
      break;
    case EventType::email_bounce:
    case EventType::email_unsubscribe:
    case EventType::push_opt_out:
    case EventType::login:
    case EventType::newsletter_signup:
      break;
  }
}

bool EventGenerator::next(Event& out) {
  if (remaining_ == 0) return false;
  // Draw order (time, user, type, properties) is part of the output format:
  // changing it changes every generated file.
  out.ts = next_timestamp();
  out.user = pick_user(out.ts);
  out.type = pick_type();
  fill_properties(out);
  --remaining_;
  return true;
}

std::vector<Event> generate_events(const GeneratorConfig& config) {
  std::vector<Event> events;
  events.reserve(config.events);
  for_each_event(config, [&](const Event& e) { events.push_back(e); });
  return events;
}

std::vector<Profile> generate_profiles(const GeneratorConfig& config) {
  std::vector<Profile> profiles;
  profiles.reserve(config.users);
  for_each_profile(config, [&](const Profile& p) { profiles.push_back(p); });
  return profiles;
}

}  // namespace scorec::gen
