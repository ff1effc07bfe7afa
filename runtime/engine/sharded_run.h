// `scorec run --threads N`: a run over all cores, shared-nothing. The events file is
// cut into blocks at line boundaries (runtime/io/block_source.h), the blocks are
// parsed on every thread, each into pools of its own (runtime/io/block_reader.h), and
// each block's users go to one of N shards by a hash of their id, so each thread
// interns and scores only its own users, with no lock. The shards' tables are merged in
// the order of first appearance, and percentile scales rank every user among all
// shards' users: the output is byte for byte that of one thread.
//
// Used for runs with the events in memory and no saved state (RunOptions::threads >= 1,
// no --stream, --state-in or --state-out); run_rules decides. With one thread it is
// still the faster path: ids are hashed once, and interned once per run of one id.
#pragma once

#include "runtime/engine/driver.h"

namespace scorec::runtime {

// `links`: the identity links between reads of the input (driver.h, IdentityReads).
Expected<RunOutput> run_sharded(const ir::Program& program, const RunOptions& options, const Engine& engine,
                                IdentityReads& links);

// Whether a run with these options can be sharded.
bool can_shard(const RunOptions& options);

}  // namespace scorec::runtime
