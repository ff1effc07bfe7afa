// A whole run: profiles and events in, one row per user out, with the counts that
// prove no data was silently lost.
//
// By default the events are read into memory (columnar, compact) and each user's
// events are applied in timestamp order. With `stream`, the events file is read twice
// in chunks (first for the as-of time, unless given), so memory stays bounded by the
// number of users, not of events; caps and limits then need each user's events in time
// order across chunks, which the run checks.
#pragma once

#include <optional>
#include <string>

#include "runtime/engine/engine.h"
#include "runtime/io/ingest.h"
#include "runtime/result_table.h"
#include "support/expected.h"

namespace scorec::runtime {

struct RunOptions {
  std::string events_path;
  std::optional<std::string> profiles_path;
  FieldMapping events_mapping;
  FieldMapping profiles_mapping;
  std::optional<double> as_of;  // default: the latest event timestamp
  bool skip_bad = false;
  bool stream = false;
  size_t chunk_events = 1 << 16;
};

struct RunSummary {
  IngestStats events;    // from the events file
  IngestStats profiles;  // from the profiles file
  EngineStats engine;
  size_t users = 0;
  double as_of = 0;
  bool as_of_from_events = false;
};

struct RunOutput {
  ResultTable table;
  RunSummary summary;
};

Expected<RunOutput> run_rules(const ir::Program& program, const RunOptions& options, Engine& engine);

// The summary as the CLI prints it on stderr: a few lines of counts.
std::string format_summary(const RunSummary& s, const ir::Program& program);

}  // namespace scorec::runtime
