// Random, valid-by-construction test cases for the JIT-vs-interpreter differential
// tests: a rules file (one rule per line, so cases minimize line by line), NDJSON
// events and a profiles CSV full of the awkward things real exports hold, and an as-of
// time. Deterministic from a seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stdlib/builtins.h"

namespace scorec::difftest {

struct Case {
  std::vector<std::string> rules;     // one item per line
  std::vector<std::string> events;    // NDJSON lines
  std::vector<std::string> profiles;  // CSV lines, [0] = header; empty: no profiles file
  std::optional<double> as_of;        // nullopt: the latest event
  bool stream = false;                // read the events in chunks of chunk_events
  size_t chunk_events = 1 << 16;

  std::string rules_text() const;
  std::string events_text() const;
  std::string profiles_text() const;
};

// Which language features the generator used, with counts: "decay half_life",
// "fn sqrt", "agg avg window", ... Accumulates over calls.
using Coverage = std::map<std::string, uint64_t>;

Case generate_case(uint64_t seed, Coverage* coverage = nullptr);

// The coverage name of a registry builtin: "fn sqrt"; for a name several entries share,
// with the entry's parameter types: "fn len(string)", "fn len(list<string>)".
std::string builtin_feature(builtins::Id id);

// What the generator must cover: the language features listed by hand, and every
// builtin of the registry (stdlib/builtins.h), aggregate, decay and scale kind
// (ir/kinds.h, ir/program.h), so a new one fails GeneratorCoversEveryFeature until the
// generator writes it.
std::vector<std::string> must_cover();

// The as-of instant the generator scores at when it picks an explicit one:
// 2024-03-01T00:00:00Z.
constexpr double kAsOf = 1709251200.0;

}  // namespace scorec::difftest
