// What a run's input says about the rules that read it: event types in the input that
// the rules do not declare, declared event types the input never held (each with a
// did-you-mean to the other list, since a renamed event scores everyone 0 without an
// error), and values not of their declared type. The run summary lists them in full;
// `scorec run --strict` makes any of them an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/schema.h"
#include "runtime/io/ingest.h"

namespace scorec::runtime {

struct InputFindings {
  struct Undeclared {
    std::string name;                  // as written in the input
    uint64_t count = 0;
    std::optional<std::string> meant;  // the declared type it is probably meant to be
  };
  struct Absent {
    std::string name;                    // declared
    std::optional<std::string> seen_as;  // an undeclared input name that is probably it
  };
  std::vector<Undeclared> undeclared;  // most frequent first
  std::vector<Absent> absent;          // in declaration order
  uint64_t bad_values = 0;             // events and profiles

  bool any() const { return !undeclared.empty() || !absent.empty() || bad_values > 0; }
};

// `events_read` tells whether an events file was read at all (a finalize reads none).
InputFindings find_input_findings(const IngestStats& events, const IngestStats& profiles, const ir::Schema& schema,
                                  bool events_read);

// The summary lines ("summary: ..."), each ending in a newline.
std::string format_input_findings(const InputFindings& f, const IngestStats& events, const IngestStats& profiles);

// One line for `--strict`: what the findings add up to.
std::string strict_failure(const InputFindings& f);

}  // namespace scorec::runtime
