// A whole run: profiles and events in, one row per user out, with the counts that
// prove no data was silently lost.
//
// By default the events are read into memory (columnar, compact) and each user's
// events are applied in timestamp order. With `stream`, the events file is read twice
// in chunks (first for the as-of time, unless given), so memory stays bounded by the
// number of users, not of events; caps and limits then need each user's events in time
// order across chunks, which the run checks.
//
// A run can continue from a saved state (state_in) and save its own (state_out), and
// can score one partition of the users (runtime/state/session.h, runtime/partition.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/io/ingest.h"
#include "runtime/io/input_findings.h"
#include "runtime/partition.h"
#include "runtime/result_table.h"
#include "runtime/state/session.h"
#include "support/expected.h"

namespace scorec::runtime {

struct RunOptions {
  std::string events_path;
  std::optional<std::string> profiles_path;
  FieldMapping events_mapping;
  FieldMapping profiles_mapping;
  std::optional<double> as_of;  // default: the latest event timestamp
  bool skip_bad = false;
  bool keep_duplicates = false;  // read every copy of a repeated messageId (runtime/io/message_ids.h)
  bool identity_merge = true;    // resolve anonymousId / alias links (runtime/io/identity_map.h)
  bool stream = false;
  // Threads for reading and scoring (runtime/engine/sharded_run.h); the output is the
  // same for every count. 0: one reader over the whole file, as runs that stream or
  // save or continue a state always read.
  unsigned threads = 0;
  size_t block_bytes = size_t{8} << 20;  // the blocks parsed on each thread (tests make them tiny)
  size_t chunk_events = 1 << 16;
  std::optional<std::string> state_in;   // continue from this state file
  std::optional<std::string> state_out;  // save the state here
  Partition partition;                   // score only these users
  std::string rules_label;               // the rules file, recorded in the state
  std::vector<int> keep_attrs;           // profile attributes written as columns (--keep)
};

struct RunSummary {
  IngestStats events;    // from the events file
  IngestStats profiles;  // from the profiles file
  bool events_from_file = false;  // an events file was read (finalize reads none)
  EngineStats engine;
  size_t users = 0;
  double as_of = 0;
  bool as_of_from_events = false;
  SessionCounts state;                 // what came from the state (state_in)
  std::optional<std::string> state_in;
  double state_as_of = 0;
  Partition partition;
  IdentityCounts identity;  // what the events file's identity links did
};

struct RunOutput {
  ResultTable table;
  RunSummary summary;
};

Expected<RunOutput> run_rules(const ir::Program& program, const RunOptions& options, Engine& engine);

// The identity links of one input between its reads (run_rules): a read resolves ids by
// the links a previous read found, and lists the links it finds; when those merge ids
// the earlier read did not know of, the input is read again.
struct IdentityReads {
  std::vector<IdentityLink> known;  // found by the previous read of the input, in order
  std::vector<IdentityLink> found;  // found by this read, in order
  bool read_again = false;          // the found links merged ids: this read's result is not the run's
};

// After a read: applies its found links to `identities` (which resolved the read) and
// counts them in the summary; true when they merged ids, so the input is to be read again.
bool note_found_links(IdentityMap& identities, IdentityReads& links, RunSummary& summary);

// `scorec finalize`: the states of the N partitions of one run combined into the result
// of one run over everything (a single state is finalized as is), optionally saved as
// one state.
Expected<RunOutput> combine_states(const ir::Program& program, const std::vector<std::string>& state_paths,
                                   Engine& engine, const std::optional<std::string>& state_out,
                                   const std::string& rules_label);

// What the input says about the rules (runtime/io/input_findings.h).
InputFindings input_findings(const RunSummary& s, const ir::Program& program);

// The summary as the CLI prints it on stderr: a few lines of counts, and the input
// findings in full.
// `group`: counts with thousands separators (for a terminal).
std::string format_summary(const RunSummary& s, const ir::Program& program, bool group = false);

}  // namespace scorec::runtime
