// The registry of diagnostic codes. A code never changes meaning once released; a
// retired code is not reused. docs/diagnostics.md explains each one with an example.
#include <algorithm>

#include "frontend/diagnostics.h"

namespace scorec::frontend {

namespace {

constexpr CodeInfo kCodes[] = {
    // Syntax
    {"E001", "syntax error"},
    {"E002", "malformed literal or character"},
    {"E003", "expression nested too deeply"},
    {"E004", "clause given more than once"},
    {"E005", "rule without a weight"},
    {"E006", "input over a size limit"},
    // Names
    {"E010", "unknown event"},
    {"E011", "unknown property, attribute or member"},
    {"E012", "unknown name"},
    {"E013", "unknown function"},
    {"E014", "unknown type"},
    {"E015", "unknown decay or scale"},
    {"E016", "ambiguous name"},
    {"E017", "duplicate declaration"},
    {"E018", "unknown tier or letter"},
    {"E019", "two events match the same input names"},
    // Types
    {"E020", "type mismatch"},
    {"E021", "condition is not true or false"},
    {"E022", "weight is not a number"},
    {"E023", "comparison with null"},
    {"E024", "misused list"},
    {"E025", "wrong arguments to a function or aggregate"},
    // Tiers, letters and scales
    {"E030", "tiers leave a gap"},
    {"E031", "tiers overlap"},
    {"E032", "unreachable tier"},
    {"E033", "range tiers without an integer scale"},
    {"E034", "grade without letters"},
    {"E035", "invalid scale or range"},
    // Constants and parameters
    {"E040", "constant defined in terms of itself"},
    {"E041", "value is not a constant"},
    {"E042", "constant is null"},
    {"E043", "parameter of the wrong type"},
    {"E044", "invalid parameter value"},
    // Files and imports
    {"E050", "imported file not found"},
    {"E051", "import cycle"},
    {"E052", "file cannot be read"},
    {"E053", "file is not UTF-8"},
    {"E054", "import outside the allowed folders"},
    {"E055", "imports nested too deeply"},
    // Where names may be used
    {"E060", "not allowed here"},
    {"E061", "segment used before it is defined"},
    // Tests
    {"E070", "malformed test"},
    {"E071", "duplicate test name"},
    // Warnings
    {"W001", "score has no rules"},
    {"W010", "unused event"},
    {"W011", "unused constant"},
    {"W012", "unused profile attribute"},
    {"W020", "rule never applies"},
    {"W021", "duplicate rule"},
    {"W022", "condition is always true"},
    {"W023", "cap, limit or once on a line after its rule"},
    {"W030", "comparison is always true or always false"},
    {"W040", "cap can never bind"},
    {"W050", "weight larger than the scale's range"},
};

}  // namespace

std::span<const CodeInfo> all_codes() { return kCodes; }

const CodeInfo* find_code(std::string_view code) {
  auto it = std::find_if(std::begin(kCodes), std::end(kCodes), [&](const CodeInfo& c) { return c.code == code; });
  return it == std::end(kCodes) ? nullptr : &*it;
}

}  // namespace scorec::frontend
