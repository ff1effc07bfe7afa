// Diagnostics as values: the frontend collects every error it can find in one run and
// the caller decides how to show them. Rendering follows compilers people know:
//
//   rules.score:12:6: error[E010]: unknown event 'emial_open'
//      12 |   on emial_open +3
//         |      ^~~~~~~~~~
//      = hint: did you mean 'email_open'?
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/source.h"

namespace scorec::frontend {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  Loc loc;
  std::string message;
  std::string hint;  // empty: none
  std::string code;  // stable: E0xx errors, W0xx warnings (docs/diagnostics.md); empty for notes
};

// Every code the frontend emits, with a one-line title (SARIF's rule shortDescription).
// docs/diagnostics.md documents each; a test keeps the two in step.
struct CodeInfo {
  std::string_view code;
  std::string_view title;
};
std::span<const CodeInfo> all_codes();
const CodeInfo* find_code(std::string_view code);

class Diagnostics {
 public:
  // `code` is a stable code from all_codes(), like "E010" or "W011".
  void error(std::string_view code, Loc loc, std::string message, std::string hint = {});
  void warning(std::string_view code, Loc loc, std::string message, std::string hint = {});
  void note(Loc loc, std::string message);
  // Without a code (for callers outside the frontend; the frontend always gives one).
  void error(Loc loc, std::string message, std::string hint = {}) { error({}, loc, std::move(message), std::move(hint)); }
  void warning(Loc loc, std::string message, std::string hint = {}) { warning({}, loc, std::move(message), std::move(hint)); }

  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  const std::vector<Diagnostic>& all() const { return diags_; }

  // Pointers to all diagnostics sorted by file and position (stable: ties keep the
  // order they were found in). Every renderer shows them in this order.
  std::vector<const Diagnostic*> sorted() const;

  // Drops the warnings the author allowed: those whose code is in `codes` (`check
  // --allow W050`), and those on a line that holds a comment `scorec: allow W050`, or
  // below a comment line saying so (several codes separated by spaces or commas).
  // Errors stay.
  void drop_allowed(const SourceManager& sources, const std::vector<std::string>& codes);

  // All diagnostics, in the order they were found, sorted by file and position.
  void render(std::ostream& out, const SourceManager& sources, bool color = false) const;

 private:
  std::vector<Diagnostic> diags_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
};

std::string render_one(const Diagnostic& d, const SourceManager& sources, bool color = false);

}  // namespace scorec::frontend
