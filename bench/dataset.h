// In-memory benchmark data: a compiled rule set, a RunState holding its users,
// profiles and strings, and one columnar EventBatch filled straight from the
// deterministic generator (no file, no parser), built once per process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "generator.h"
#include "ir/program.h"
#include "runtime/engine/run_state.h"
#include "runtime/event_batch.h"

namespace scorec::bench {

struct Sizes {
  size_t events = 20'000'000;
  size_t users = 1'000'000;
  double zipf_s = 1.1;
  uint64_t seed = 42;
};

// Process-wide sizes, set from the command line (--scorec_events=, --scorec_users=).
Sizes& sizes();

// Aborts with the diagnostics if the file does not compile.
ir::Program compile_rules_file(const std::string& path);

// The directory holding bench/rules (the source tree, fixed at configure time).
std::string rules_dir();

struct Dataset {
  std::string name;
  ir::Program program;
  std::unique_ptr<runtime::RunState> run;  // users 0..N-1 are the generator's dense indices
  runtime::EventBatch batch;
  std::vector<uint32_t> rows;  // time order (the generator's order)
  gen::GeneratorConfig config;
  double build_seconds = 0;
};

// Builds the batch for `program` from `config`: event types mapped with
// schema.find_event (undeclared ones are kUnknownEvent), declared properties into
// their columns, strings interned in run.strings, profiles for every user filled
// from the generator's profiles (for the attributes the program declares),
// run.as_of = the latest event, state grown to every user.
// With `stages`, records VmRSS after each stage ("start", "users", "profiles",
// "batch", "state") for the memory benchmark.
std::unique_ptr<Dataset> build_dataset(std::string name, ir::Program program, const gen::GeneratorConfig& config,
                                       std::vector<std::pair<std::string, uint64_t>>* stages = nullptr);

// Sets every user's state slots back to their initial values.
void reset_state(runtime::RunState& run);

// Memory figures from /proc/self/status, in bytes.
uint64_t vm_rss();
uint64_t vm_hwm();

}  // namespace scorec::bench
