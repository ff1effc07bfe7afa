#include "event_types.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace scorec::gen {
namespace {

using enum PropType;
constexpr PropSpec kCampaign[] = {{"campaign", string}};
constexpr PropSpec kClick[] = {{"campaign", string}, {"url", string}};
constexpr PropSpec kVisit[] = {{"page", string}, {"seconds", number}};
constexpr PropSpec kContent[] = {{"content_id", string}, {"category", string}, {"seconds", number}};
constexpr PropSpec kPurchase[] = {{"amount", number}, {"currency", string}, {"items", number}};
constexpr PropSpec kForm[] = {{"form", string}};

// Indexed by EventType.
const EventSpec kSpecs[kEventTypeCount] = {
    {"email_open", kCampaign},
    {"email_click", kClick},
    {"email_bounce", {}},
    {"email_unsubscribe", {}},
    {"push_click", kCampaign},
    {"push_opt_out", {}},
    {"site_visit", kVisit},
    {"content_viewed", kContent},
    {"purchase", kPurchase},
    {"login", {}},
    {"newsletter_signup", {}},
    {"form_submit", kForm},
};

// Weights listed by name so the tables read like the brief; see mix_of().
struct NamedWeight {
  std::string_view event;
  double weight;
};

EventMix mix_of(std::initializer_list<NamedWeight> weights) {
  EventMix m{};
  for (const auto& w : weights) m[static_cast<size_t>(*event_type_from_name(w.event))] = w.weight;
  return m;
}

}  // namespace

const EventSpec& event_spec(EventType t) { return kSpecs[static_cast<size_t>(t)]; }

std::optional<EventType> event_type_from_name(std::string_view name) {
  for (size_t i = 0; i < kEventTypeCount; ++i)
    if (kSpecs[i].name == name) return static_cast<EventType>(i);
  return std::nullopt;
}

EventMix default_mix() {
  return mix_of({{"email_open", 30},      {"site_visit", 20},       {"content_viewed", 12},
                 {"email_click", 9},      {"push_click", 6},        {"login", 10},
                 {"purchase", 4},         {"form_submit", 3},       {"newsletter_signup", 2},
                 {"email_bounce", 1.5},   {"push_opt_out", 1},      {"email_unsubscribe", 1.5}});
}

std::optional<EventMix> scenario_mix(std::string_view name) {
  if (name == "default") return default_mix();
  if (name == "content")  // §6.1 content/blog journey
    return mix_of({{"content_viewed", 35}, {"email_open", 20}, {"email_click", 6}, {"push_click", 8},
                   {"push_opt_out", 1.5},  {"email_unsubscribe", 1.5}, {"email_bounce", 1}, {"login", 12},
                   {"site_visit", 8},      {"newsletter_signup", 3}, {"purchase", 2}, {"form_submit", 2}});
  if (name == "campaign")  // §6.2 email / push / web channels
    return mix_of({{"email_open", 38}, {"email_click", 12}, {"push_click", 10}, {"site_visit", 25},
                   {"email_bounce", 2}, {"email_unsubscribe", 1.5}, {"push_opt_out", 1.5}, {"login", 10}});
  if (name == "b2b")  // §6.3 behaviour score + fit grade
    return mix_of({{"email_open", 28}, {"email_click", 10}, {"email_bounce", 3}, {"email_unsubscribe", 1.5},
                   {"site_visit", 22}, {"content_viewed", 8}, {"form_submit", 6}, {"newsletter_signup", 3},
                   {"purchase", 3},    {"login", 12},         {"push_click", 2.5}, {"push_opt_out", 1}});
  if (name == "ecommerce")  // §6.4 RFM: many purchases
    return mix_of({{"site_visit", 30}, {"purchase", 12}, {"email_open", 22}, {"email_click", 8},
                   {"login", 12},      {"push_click", 6}, {"content_viewed", 5}, {"email_unsubscribe", 1.5},
                   {"push_opt_out", 1}, {"email_bounce", 1}, {"newsletter_signup", 1.5}});
  return std::nullopt;
}

void apply_mix_overrides(EventMix& mix, std::string_view spec) {
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw std::invalid_argument("mix item '" + std::string(item) + "' is not event=weight");
    const std::string_view name = item.substr(0, eq);
    const std::string_view num = item.substr(eq + 1);
    const auto type = event_type_from_name(name);
    if (!type) throw std::invalid_argument("unknown event '" + std::string(name) + "' in mix");
    double w = 0;
    auto r = std::from_chars(num.data(), num.data() + num.size(), w);
    if (r.ec != std::errc() || r.ptr != num.data() + num.size() || !(w >= 0) || !std::isfinite(w))
      throw std::invalid_argument("bad weight '" + std::string(num) + "' for " + std::string(name));
    mix[static_cast<size_t>(*type)] = w;
  }
}

}  // namespace scorec::gen
