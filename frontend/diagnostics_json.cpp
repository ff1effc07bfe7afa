// scorec's JSON diagnostics (`scorec check --format json`), and the helpers the SARIF
// writer shares: JSON string escaping and resolving a diagnostic's place.
#include <algorithm>

#include <fmt/format.h>

#include "frontend/diagnostics_format.h"
#include "support/json.h"
#include "support/text.h"

namespace scorec::frontend {

namespace detail {

namespace {

// Code points in the first `bytes` bytes of `line` (invalid bytes count one each).
int code_points(std::string_view line, size_t bytes) {
  int n = 0;
  for (size_t i = 0; i < bytes && i < line.size();) {
    size_t len = utf8_sequence_length(line, i);
    i += len ? len : 1;
    ++n;
  }
  return n + static_cast<int>(bytes > line.size() ? bytes - line.size() : 0);
}

}  // namespace


Place place_of(const Diagnostic& d, const CheckedFile& f, bool cp) {
  Place p;
  if (!d.loc.valid() || !f.sources || static_cast<size_t>(d.loc.file) >= f.sources->size()) {
    p.file = f.path;
    return p;
  }
  p.file = f.sources->path(d.loc.file);
  p.has_loc = true;
  p.line = d.loc.line;
  std::string_view line = f.sources->line_text(d.loc.file, d.loc.line);
  // Loc columns and lengths come from ANTLR's code-point stream: they count code
  // points. As the caret line, the underline stays on the diagnostic's line.
  (void)cp;
  int width = code_points(line, line.size());
  int start = std::max(1, d.loc.col) - 1;
  int len = std::max(1, d.loc.length);
  if (start < width) len = std::min(len, width - start);
  p.column = start + 1;
  p.end_column = start + len + 1;
  return p;
}

const char* severity_name(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

}  // namespace detail

void render_json(std::ostream& out, const std::vector<CheckedFile>& files) {
  size_t errors = 0, warnings = 0;
  out << "{\n  \"version\": 1,\n  \"files\": [";
  for (size_t i = 0; i < files.size(); ++i) out << (i ? ", " : "") << json_string(files[i].path);
  out << "],\n  \"diagnostics\": [";
  bool first = true;
  for (const auto& f : files) {
    if (!f.diags) continue;
    errors += f.diags->error_count();
    warnings += f.diags->warning_count();
    for (const Diagnostic* d : f.diags->sorted()) {
      auto p = detail::place_of(*d, f, false);
      auto num = [&](int v) { return p.has_loc ? std::to_string(v) : std::string("null"); };
      out << (first ? "\n" : ",\n");
      first = false;
      out << fmt::format(
          "    {{\"file\": {}, \"line\": {}, \"column\": {}, \"end_column\": {}, \"severity\": \"{}\", \"code\": {}, "
          "\"message\": {}, \"hint\": {}}}",
          json_string(p.file), num(p.line), num(p.column), num(p.end_column), detail::severity_name(d->severity),
          d->code.empty() ? "null" : json_string(d->code), json_string(d->message),
          d->hint.empty() ? "null" : json_string(d->hint));
    }
  }
  out << (first ? "],\n" : "\n  ],\n");
  out << fmt::format("  \"errors\": {},\n  \"warnings\": {}\n}}\n", errors, warnings);
}

}  // namespace scorec::frontend
