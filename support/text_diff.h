// Line diffs for tools that show how a file would change (`scorec fmt --check`).
#pragma once

#include <string>
#include <vector>

namespace scorec {

struct DiffLine {
  enum Kind { Same, Removed, Added };
  Kind kind = Same;
  std::string text;  // without the line break
};

// The lines of `a` and `b` (split at '\n') as a shortest edit script (Myers' O(ND)
// algorithm): Same lines in order, with the Removed lines of `a` before the Added
// lines of `b` at each change.
std::vector<DiffLine> diff_lines(const std::string& a, const std::string& b);

// A unified diff of `a` -> `b` (`--- a_name` / `+++ b_name`, @@ hunks with `context`
// lines of context), or "" when the texts are equal. A text that does not end in a line
// break gets the usual "\ No newline at end of file" marker.
std::string unified_diff(const std::string& a, const std::string& b, const std::string& a_name,
                         const std::string& b_name, int context = 3);

}  // namespace scorec
