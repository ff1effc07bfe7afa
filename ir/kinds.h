// The kinds of aggregate, aggregate update and decay, each with the one table of its
// facts: how it is written, how it updates and reads its state slots, how a saved state
// carries it to a later as-of time. The checker, the builder, the printer, the engines
// and the state code read these facts instead of each spelling them out.
//
// Each table is an exhaustive switch, so -Wswitch (an error, see CMakeLists.txt) names
// it when its enum grows, and the enum's count, which the serializer and the validator
// check stored bytes against, follows from the table: no sentinel enumerator that every
// other switch would have to list.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace scorec::ir {

// How many enumerators E has: the length of the run 0, 1, 2, ... that `known` accepts
// (the enums are numbered from 0 without gaps).
template <class E, class Known>
constexpr uint8_t count_kinds(Known known) {
  unsigned n = 0;
  while (n < 255 && known(static_cast<E>(n))) ++n;
  return static_cast<uint8_t>(n);
}

// An aggregate's per-event update of one state slot (AggUpdate).
enum class UpdateKind : uint8_t { Count, Sum, Min, Max };

struct UpdateInfo {
  std::string_view name;  // empty: not an update kind
  double init = 0;        // the slot's value before any event
};

constexpr UpdateInfo update_info(UpdateKind k) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (k) {
    case UpdateKind::Count: return {"count", 0};
    case UpdateKind::Sum: return {"sum", 0};
    case UpdateKind::Min: return {"min", inf};
    case UpdateKind::Max: return {"max", -inf};
  }
  return {};
}

inline constexpr uint8_t kUpdateKindCount =
    count_kinds<UpdateKind>([](UpdateKind k) { return !update_info(k).name.empty(); });

// A per-user aggregate as the language writes it: count(EVENT), sum(EVENT.prop, 90d), ...
enum class AggKind : uint8_t { Count, Sum, Min, Max, Avg, First, Last };

// How an aggregate's slots read as a value (both engines' AggRead).
enum class AggRead : uint8_t {
  Value,       // the value slot, never null: 0 before any event
  Mean,        // the value slot / the count slot; null before any event
  ValueIfAny,  // the value slot; null before any event (the slot holds +-inf then)
};

struct AggInfo {
  std::string_view name;  // as written and printed: "count"; empty: not an aggregate kind
  bool of_event = false;  // takes an event, not an event's number property (count, first, last)
  bool of_time = false;   // aggregates the events' timestamps, so it is a timestamp (first, last)
  UpdateKind update = UpdateKind::Count;  // how each event updates the value slot
  std::string_view slot;  // the value slot's name: "sum (purchase.amount, 90d)"
  bool counted = false;   // also counts the events (Expr::index2; count's is its own slot)
  AggRead read = AggRead::Value;
};

constexpr AggInfo agg_info(AggKind k) {
  using U = UpdateKind;
  switch (k) {
    case AggKind::Count: return {"count", true, false, U::Count, "count", true, AggRead::Value};
    case AggKind::Sum: return {"sum", false, false, U::Sum, "sum", false, AggRead::Value};
    case AggKind::Min: return {"min", false, false, U::Min, "min", true, AggRead::ValueIfAny};
    case AggKind::Max: return {"max", false, false, U::Max, "max", true, AggRead::ValueIfAny};
    // Shares the slot of sum() over the same events.
    case AggKind::Avg: return {"avg", false, false, U::Sum, "sum", true, AggRead::Mean};
    case AggKind::First: return {"first", true, true, U::Min, "first", true, AggRead::ValueIfAny};
    case AggKind::Last: return {"last", true, true, U::Max, "last", true, AggRead::ValueIfAny};
  }
  return {};
}

inline constexpr uint8_t kAggKindCount = count_kinds<AggKind>([](AggKind k) { return !agg_info(k).name.empty(); });

// A score's decay: how much an event's weight still counts at an age (ir/semantics.h,
// decay_factor, is its arithmetic).
enum class DecayKind : uint8_t { None, HalfLife, Linear };

// How a saved state's raw score moves from as-of time T to a later T' (runtime/state).
enum class Rebase : uint8_t {
  Keep,    // no decay: the sum of the weights holds at any T'
  Factor,  // every weight shrinks by the same factor: multiply by decay_factor(T' - T)
  Replay,  // weights shrink by different factors: events younger than the decay's
           // length are kept and applied again at T', so the length bounds the
           // state's retention horizon
};

struct DecayInfo {
  std::string_view name;     // as written and printed: decay half_life 30d; empty: not a decay kind
  const char* param = "";    // what its duration means, for diagnostics; "" when it takes none
  std::string_view example;  // how to write it, for the hint on an unknown decay
  bool decays = false;       // whether the factor can be below 1
  Rebase rebase = Rebase::Keep;
};

constexpr DecayInfo decay_info(DecayKind k) {
  switch (k) {
    case DecayKind::None: return {"none", "", "none", false, Rebase::Keep};
    case DecayKind::HalfLife: return {"half_life", "the half-life", "half_life 30d", true, Rebase::Factor};
    case DecayKind::Linear: return {"linear", "the linear decay length", "linear 90d", true, Rebase::Replay};
  }
  return {};
}

inline constexpr uint8_t kDecayKindCount =
    count_kinds<DecayKind>([](DecayKind k) { return !decay_info(k).name.empty(); });

// The kind a name writes, if any: agg_named("avg"), decay_named("linear").
template <class E, class Info>
constexpr std::optional<E> kind_named(std::string_view name, uint8_t count, Info info) {
  for (uint8_t i = 0; i < count; ++i)
    if (info(static_cast<E>(i)).name == name) return static_cast<E>(i);
  return std::nullopt;
}
constexpr std::optional<AggKind> agg_named(std::string_view name) {
  return kind_named<AggKind>(name, kAggKindCount, agg_info);
}
constexpr std::optional<DecayKind> decay_named(std::string_view name) {
  return kind_named<DecayKind>(name, kDecayKindCount, decay_info);
}

}  // namespace scorec::ir
