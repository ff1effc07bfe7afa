// Numbers for people to read in `scorec report`: thousands separators and a precision
// that suits the size (the CSV output keeps the full 6 decimals).
#pragma once

#include <cstdint>
#include <string>

#include "support/text.h"  // group_digits

namespace scorec::report {

// A measured value: whole numbers as they are ("1,250"), others with 2 significant
// decimals below 10 ("3.14", "0.0042"), 1 below 1,000 ("42.5"), none above ("12,346").
std::string readable(double v);

// A share in [0, 1] as a percentage with one decimal: "12.5%"; "<0.1%" for a small
// non-zero share, so that it does not read as none.
std::string percent(double share);

}  // namespace scorec::report
