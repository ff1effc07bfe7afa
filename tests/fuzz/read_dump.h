// Reads an events or profiles file into a fresh run of a fixed program and prints
// everything the readers produced (events, users, pools, profiles, counts, or the
// error), so two reads of the same data can be compared as texts.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ir/program.h"

namespace scorec::fuzz {

struct ReadSettings {
  bool profiles = false;     // read_profiles instead of open_event_reader
  bool skip_bad = false;
  size_t block_size = 0;     // 0: the readers' default
  size_t batch_events = 64;  // events per EventReader::next
};

std::string read_dump(const std::string& path, const ir::Program& program, const ReadSettings& settings);

// The three ways a run reads a file: events skipping bad lines, events failing on the
// first bad line, profiles.
std::vector<ReadSettings> read_modes();

// Reads `path` in each mode, once in the default block size and once in blocks of a
// few bytes, one event per batch: the readers must give the same result whatever the
// chunking (a record split across blocks reads as a whole one).
void check_chunking_agrees(const std::string& path, const ir::Program& program);

}  // namespace scorec::fuzz
