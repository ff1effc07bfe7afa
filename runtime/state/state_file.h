// The state file: a versioned, checksummed binary form of SavedState.
//
//   bytes 0-7    magic "SCORECST"
//   8-11         format version (little-endian u32)
//   12-15        reserved (0)
//   16-23        payload length in bytes (u64)
//   24-31        XXH3-64 of the payload (u64)
//   32-          the payload: the layout and rules hashes, the times, the pools, the
//                users, the base state, the profiles and the kept events
//
// Reading refuses, with a message that says which, a file that is not a state file,
// one from a newer scorec, a truncated or corrupted one (length or checksum), and one
// saved by rules with another state layout. It never misreads.
#pragma once

#include <string>

#include "ir/program.h"
#include "runtime/state/saved_state.h"
#include "support/expected.h"

namespace scorec::runtime {

// 2: the identity links (version 1 files are read as holding none).
constexpr uint32_t kStateFormatVersion = 2;

std::string encode_state(const SavedState& state);
// Decodes and checks against `program` (the layout hash, slot and attribute counts).
// `name` labels errors (the file's path).
Expected<SavedState> decode_state(std::string_view bytes, const ir::Program& program, const std::string& name);

Status write_state_file(const std::string& path, const SavedState& state);
Expected<SavedState> read_state_file(const std::string& path, const ir::Program& program);

}  // namespace scorec::runtime
