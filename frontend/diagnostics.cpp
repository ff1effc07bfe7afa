#include "frontend/diagnostics.h"

#include <algorithm>

#include <fmt/format.h>

namespace scorec::frontend {

void Diagnostics::error(Loc loc, std::string message, std::string hint) {
  diags_.push_back({Severity::Error, loc, std::move(message), std::move(hint)});
  ++errors_;
}
void Diagnostics::warning(Loc loc, std::string message, std::string hint) {
  diags_.push_back({Severity::Warning, loc, std::move(message), std::move(hint)});
}
void Diagnostics::note(Loc loc, std::string message) {
  diags_.push_back({Severity::Note, loc, std::move(message), {}});
}

std::string render_one(const Diagnostic& d, const SourceManager& sources, bool color) {
  const char* sev = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  const char* sev_color = d.severity == Severity::Error ? "\033[1;31m" : d.severity == Severity::Warning ? "\033[1;35m" : "\033[1;36m";
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out;
  if (d.loc.valid()) out += fmt::format("{}{}:{}:{}: {}", bold, sources.path(d.loc.file), d.loc.line, d.loc.col, reset);
  out += fmt::format("{}{}:{} {}{}{}\n", color ? sev_color : "", sev, reset, bold, d.message, reset);
  if (d.loc.valid()) {
    std::string_view line = sources.line_text(d.loc.file, d.loc.line);
    std::string num = std::to_string(d.loc.line);
    std::string pad(num.size(), ' ');
    // Tabs are kept in the caret line so the caret stays under the spot.
    std::string caret;
    for (int i = 0; i + 1 < d.loc.col && static_cast<size_t>(i) < line.size(); ++i)
      caret += line[i] == '\t' ? '\t' : ' ';
    int len = std::max(1, d.loc.length);
    if (static_cast<size_t>(d.loc.col - 1) < line.size())
      len = std::min<int>(len, static_cast<int>(line.size()) - (d.loc.col - 1));
    caret += '^';
    if (len > 1) caret += std::string(len - 1, '~');
    out += fmt::format(" {} | {}\n", num, line);
    out += fmt::format(" {} | {}{}{}\n", pad, color ? "\033[1;32m" : "", caret, reset);
    if (!d.hint.empty()) out += fmt::format(" {} = hint: {}\n", pad, d.hint);
  } else if (!d.hint.empty()) {
    out += fmt::format("  = hint: {}\n", d.hint);
  }
  return out;
}

void Diagnostics::render(std::ostream& out, const SourceManager& sources, bool color) const {
  std::vector<const Diagnostic*> sorted;
  for (const auto& d : diags_) sorted.push_back(&d);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->loc.file != b->loc.file) return a->loc.file < b->loc.file;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
    return a->loc.col < b->loc.col;
  });
  for (const auto* d : sorted) out << render_one(*d, sources, color);
}

}  // namespace scorec::frontend
