// What became of every line of the events file, in one line that adds up, and how the
// users fall into each score's tiers and each grade's letters: the parts of the run
// summary an analyst reconciles against the input and the output.
#pragma once

#include <string>

#include "ir/program.h"
#include "runtime/engine/driver.h"
#include "runtime/result_table.h"

namespace scorec::runtime {

// The events file's data lines (blank lines and a CSV header aside), each counted once
// under what became of it:
// `summary: lines 15 = used 11 + duplicates 2 + identify 2`. Terms that are 0 are left
// out, except `used`. `group` writes 1,234,567 (for a terminal).
std::string format_accounting(const RunSummary& s, bool group);

// The terms of format_accounting; their sum is s.events.records when every line is
// accounted for.
uint64_t accounted_lines(const RunSummary& s);

// Per score with tiers and per grade: `summary: engagement tiers: hot 12 (2.4%), warm
// 100 (20%), cold 388 (77.6%)`, in declared order; users with no tier (a null raw
// score) are `none`.
std::string format_distribution(const ResultTable& table, const ir::Program& program, bool group);

}  // namespace scorec::runtime
