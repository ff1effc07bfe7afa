// What a scorec::Scorer holds: a live session (runtime/state/session.h) over a Rules,
// and what the API's calls reuse between calls (scratch batches, the type-name cache,
// the integer user keys).
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "api/rules_impl.h"
#include "api/user_keys.h"
#include "runtime/engine/finalize.h"
#include "runtime/io/event_reader.h"
#include "runtime/io/value_convert.h"
#include "runtime/state/session.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::detail {

// An as-of time or event time must be an instant scorec represents (support/time.h).
Status check_time(double t, std::string_view what);

struct ScorerImpl {
  Rules rules;
  const ir::Program& program;
  std::unique_ptr<runtime::Engine> engine;
  runtime::RunState run;
  runtime::IngestStats ingest;
  runtime::IngestContext ctx;
  runtime::FieldMapping mapping;
  runtime::ValueConverter conv;
  runtime::Session session;
  runtime::EventBatch batch;  // scratch
  UserKeys keys;
  std::vector<uint32_t> scratch_users;  // add_events: a chunk's user indices
  uint64_t events = 0, unknown = 0;
  // Percentile scores rank every user: cached until the state changes.
  std::optional<runtime::Population> population;

  ScorerImpl(const Rules& r, std::unique_ptr<runtime::Engine> e, const ScorerOptions& o)
      : rules(r),
        program(r.impl().program),
        engine(std::move(e)),
        run(program),
        ctx{program.schema, run.strings, run.lists, run.users, run.profiles, ingest},
        conv(ctx, mapping),
        session(run, *engine, /*keep_state=*/true),
        keys(o.user_key_limit) {
    ctx.partition = {o.partition, o.partitions};
    ctx.origins = &run.origins;
  }

  // A user's index, or nullopt for a user of another partition (counted).
  std::optional<uint32_t> user(std::string_view id) { return ctx.user(id, 0); }

  // A value as the declared type; false: null (values of the wrong kind are counted).
  bool convert(const Value& v, ir::Type type, double& out) {
    switch (v.v.index()) {
      case 0: return false;
      case 1: return convert_number(std::get<double>(v.v), type, out);
      case 2: return conv.from_json_string(std::get<std::string>(v.v), type, out);
      case 3: return conv.from_json_bool(std::get<bool>(v.v), type, out);
      default: {
        const auto& list = std::get<Value::List>(v.v);
        std::vector<std::string_view> items(list.begin(), list.end());
        return conv.from_json_array(items, true, type, out);
      }
    }
  }
  // Numbers are numbers, durations (seconds) and timestamps (epoch seconds); for a
  // bool, 0 and 1. NaN and infinities, and timestamps outside the range of instants, are
  // null, counted.
  bool convert_number(double d, ir::Type type, double& out) {
    bool numeric = type == ir::Type::Number || type == ir::Type::Duration || type == ir::Type::Timestamp;
    if (!std::isfinite(d) || !(numeric || (type == ir::Type::Bool && (d == 0 || d == 1)))) return conv.bad(format_number(d), type);
    if (type == ir::Type::Timestamp && !time_in_range(d)) return conv.bad(format_number(d), type);
    out = d;
    return true;
  }

  Error unknown_property(const ir::EventDecl& e, std::string_view name) {
    std::string names;
    for (const auto& p : e.props) names += (names.empty() ? "" : ", ") + p.name;
    return Error{fmt::format("event '{}' has no property '{}' (it declares: {})", e.name, name,
                             names.empty() ? "none" : names)};
  }

  // After any input: the state changed, and users new since the last input are
  // numbered in the order the scorer met them, whichever call brought them.
  void changed() {
    population.reset();
    for (size_t u = numbered; u < run.origins.size(); ++u)
      run.origins[u] = runtime::origin_key(run.generation, runtime::kFromEvents, ++sequence);
    numbered = run.origins.size();
  }

  const runtime::Population& ranked() {
    if (!population) population = runtime::rank_population(*engine, run);
    return *population;
  }

  uint64_t sequence = 0;  // users numbered so far
  size_t numbered = 0;
};

}  // namespace scorec::detail
