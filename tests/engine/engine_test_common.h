// Shared instants for the engine semantics tests.
#pragma once

#include "tests/support/run_helpers.h"

namespace scorec::testing {

// T = 2024-03-01T00:00:00Z: 2024-01-01 is day 54*365 + 13 leap days = 19723 since the
// epoch; + 31 (Jan) + 29 (Feb 2024) = day 19783; 19783 * 86400 = 1709251200 s.
// 19783 = 7*2826 + 1, so T is a Friday (1970-01-01, day 0, was a Thursday), and
// 2024-02-29 (day 19782 = 7*2826) is a Thursday starting a 7-day epoch bucket.
constexpr double T = 1709251200.0;

}  // namespace scorec::testing
