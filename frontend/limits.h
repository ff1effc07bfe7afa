// The frontend's limits on what a rules file may ask for: each keeps hostile or
// mistaken input from exhausting the stack or reaching undefined behaviour, and is
// reported as an error instead. docs/language.md lists them.
#pragma once

#include <cstdint>

namespace scorec::frontend {

// Brackets, prefix operators and `??` chains nested deeper than this: E003.
constexpr int kMaxNesting = 200;

// A chain of imports (a imports b imports c ...) longer than this: E055.
constexpr int kMaxImportDepth = 64;

// The longest duration a rule may name (a window, a decay, a cap or limit period):
// a million days, about 2,700 years. Longer: E002 for a literal, E044 for a constant.
constexpr double kMaxDurationSeconds = 1e6 * 86400;

// The largest whole number a count limit or a scale's range may use: every integer up
// to it is exact as a double, and it fits an int64 with room to subtract two of them.
constexpr double kMaxWholeNumber = 1e15;

}  // namespace scorec::frontend
