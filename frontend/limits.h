// The frontend's limits on what a rules file may ask for: each keeps hostile or
// mistaken input from exhausting the stack or reaching undefined behaviour, and is
// reported as an error instead. docs/language.md lists them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace scorec::frontend {

// Checked in one pass over the tokens before ANTLR sees them (parser.cpp, check_limits),
// so a hostile file costs time linear in its size:
constexpr int kMaxNesting = 200;               // brackets, prefix `-`/`not` runs, `??` chains: E003
constexpr int kMaxExprTerms = 1000;            // binary operators in one expression: E003
constexpr int kMaxListItems = 10000;           // elements of one list literal: E006
constexpr int kMaxRulesPerFile = 50000;        // `on` and `when` rules in one file: E006
constexpr size_t kMaxSourceBytes = 16u << 20;  // one rules file, 16 MiB: E006

// A chain of imports (a imports b imports c ...) longer than this: E055.
constexpr int kMaxImportDepth = 64;

// The longest duration a rule may name (a window, a decay, a cap or limit period):
// a million days, about 2,700 years. Longer: E002 for a literal, E044 for a constant.
constexpr double kMaxDurationSeconds = 1e6 * 86400;

// The largest whole number a count limit or a scale's range may use: every integer up
// to it is exact as a double, and it fits an int64 with room to subtract two of them.
constexpr double kMaxWholeNumber = 1e15;

// A scaled score's range lies within +-2^53 and holds at most 2^53 whole numbers: the
// doubles in it hold every whole number exactly (E035).
constexpr double kMaxScaled = 9007199254740992.0;

}  // namespace scorec::frontend
