#include "frontend/diagnostics.h"

#include "support/text.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace scorec::frontend {

void Diagnostics::error(std::string_view code, Loc loc, std::string message, std::string hint) {
  diags_.push_back({Severity::Error, loc, std::move(message), std::move(hint), std::string(code)});
  ++errors_;
}
void Diagnostics::warning(std::string_view code, Loc loc, std::string message, std::string hint) {
  diags_.push_back({Severity::Warning, loc, std::move(message), std::move(hint), std::string(code)});
  ++warnings_;
}
namespace {

// Whether the line holds an allow comment naming `code`.
bool line_allows(std::string_view line, std::string_view code) {
  constexpr std::string_view kMarker = "scorec: allow";
  auto at = line.find(kMarker);
  if (at == std::string_view::npos) return false;
  std::string_view rest = line.substr(at + kMarker.size());
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == ',' || rest[i] == '\t')) ++i;
    size_t j = i;
    while (j < rest.size() && std::isalnum(static_cast<unsigned char>(rest[j]))) ++j;
    if (j == i) break;
    if (rest.substr(i, j - i) == code) return true;
    i = j;
  }
  return false;
}

}  // namespace

void Diagnostics::drop_allowed(const SourceManager& sources, const std::vector<std::string>& codes) {
  auto allowed = [&](const Diagnostic& d) {
    if (d.severity != Severity::Warning) return false;
    if (std::find(codes.begin(), codes.end(), d.code) != codes.end()) return true;
    if (!d.loc.valid() || static_cast<size_t>(d.loc.file) >= sources.size()) return false;
    if (line_allows(sources.line_text(d.loc.file, d.loc.line), d.code)) return true;
    if (d.loc.line <= 1) return false;
    // The line above counts only when it is a comment of its own, not a trailing one.
    std::string_view above = trim(sources.line_text(d.loc.file, d.loc.line - 1));
    return (above.starts_with("//") || above.starts_with("#")) && line_allows(above, d.code);
  };
  size_t before = diags_.size();
  diags_.erase(std::remove_if(diags_.begin(), diags_.end(), allowed), diags_.end());
  warnings_ -= before - diags_.size();
}

void Diagnostics::note(Loc loc, std::string message) {
  diags_.push_back({Severity::Note, loc, std::move(message), {}, {}});
}

std::string render_one(const Diagnostic& d, const SourceManager& sources, bool color) {
  const char* sev = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  const char* sev_color = d.severity == Severity::Error ? "\033[1;31m" : d.severity == Severity::Warning ? "\033[1;35m" : "\033[1;36m";
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::string out;
  if (d.loc.valid()) out += fmt::format("{}{}:{}:{}: {}", bold, sources.path(d.loc.file), d.loc.line, d.loc.col, reset);
  std::string code = d.code.empty() ? "" : "[" + d.code + "]";
  out += fmt::format("{}{}{}:{} {}{}{}\n", color ? sev_color : "", sev, code, reset, bold, d.message, reset);
  if (d.loc.valid()) {
    std::string_view line = sources.line_text(d.loc.file, d.loc.line);
    // A byte that is not UTF-8 (E053) is shown as U+FFFD, so the output stays UTF-8.
    std::string shown;
    if (invalid_utf8_at(line)) {
      for (size_t k = 0; k < line.size();) {
        size_t n = utf8_sequence_length(line, k);
        shown += n ? line.substr(k, n) : std::string_view("\xEF\xBF\xBD");
        k += n ? n : 1;
      }
      line = shown;
    }
    std::string num = std::to_string(d.loc.line);
    std::string pad(num.size(), ' ');
    // Tabs are kept in the caret line so the caret stays under the spot.
    // Columns count code points (the lexer decodes UTF-8): one blank per code point
    // before the spot, so the caret stays under it after "é" or "€".
    // (An invalid byte counts as one code point, as the lexer's replacement does.)
    auto step = [&](size_t k) { return std::max<size_t>(1, utf8_sequence_length(line, k)); };
    std::string caret;
    size_t i = 0;
    for (int cp = 1; cp < d.loc.col && i < line.size(); ++cp) {
      caret += line[i] == '\t' ? '\t' : ' ';
      i += step(i);
    }
    int rest = 0;
    for (size_t k = i; k < line.size(); k += step(k)) ++rest;
    int len = std::max(1, d.loc.length);
    if (rest > 0) len = std::min(len, rest);
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

std::vector<const Diagnostic*> Diagnostics::sorted() const {
  std::vector<const Diagnostic*> out;
  for (const auto& d : diags_) out.push_back(&d);
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->loc.file != b->loc.file) return a->loc.file < b->loc.file;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
    return a->loc.col < b->loc.col;
  });
  return out;
}

void Diagnostics::render(std::ostream& out, const SourceManager& sources, bool color) const {
  for (const auto* d : sorted()) out << render_one(*d, sources, color);
}

}  // namespace scorec::frontend
