// The event schema of DESIGN.md §6 (names exactly as the example rule files
// declare them) and the event-mix presets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace scorec::gen {

enum class EventType : uint8_t {
  email_open,
  email_click,
  email_bounce,
  email_unsubscribe,
  push_click,
  push_opt_out,
  site_visit,
  content_viewed,
  purchase,
  login,
  newsletter_signup,
  form_submit,
};
inline constexpr size_t kEventTypeCount = 12;
inline constexpr size_t kMaxEventProps = 3;

enum class PropType : uint8_t { string, number };

struct PropSpec {
  std::string_view name;
  PropType type;
};

struct EventSpec {
  std::string_view name;
  std::span<const PropSpec> props;  // in the order the generator emits them
};

const EventSpec& event_spec(EventType t);
inline std::string_view event_name(EventType t) { return event_spec(t).name; }
std::optional<EventType> event_type_from_name(std::string_view name);

// Relative weights per EventType (index = enum value); need not sum to 1.
using EventMix = std::array<double, kEventTypeCount>;

// email_open 30, site_visit 20, content_viewed 12, login 10, email_click 9, ...
EventMix default_mix();

// Presets tilted toward each §6 scenario: "default", "content", "campaign",
// "b2b", "ecommerce". nullopt for an unknown name.
std::optional<EventMix> scenario_mix(std::string_view name);

// Overrides weights from "email_open=30,purchase=0"; throws
// std::invalid_argument naming the bad item on unknown events or bad numbers.
void apply_mix_overrides(EventMix& mix, std::string_view spec);

}  // namespace scorec::gen
