// Diagnostics as values: the frontend collects every error it can find in one run and
// the caller decides how to show them. Rendering follows compilers people know:
//
//   rules.score:12:6: error: unknown event 'emial_open'
//      12 |   on emial_open +3
//         |      ^~~~~~~~~~
//      = hint: did you mean 'email_open'?
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "frontend/source.h"

namespace scorec::frontend {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  Loc loc;
  std::string message;
  std::string hint;  // empty: none
};

class Diagnostics {
 public:
  void error(Loc loc, std::string message, std::string hint = {});
  void warning(Loc loc, std::string message, std::string hint = {});
  void note(Loc loc, std::string message);

  bool has_errors() const { return errors_ > 0; }
  size_t error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return diags_; }

  // All diagnostics, in the order they were found, sorted by file and position.
  void render(std::ostream& out, const SourceManager& sources, bool color = false) const;

 private:
  std::vector<Diagnostic> diags_;
  size_t errors_ = 0;
};

std::string render_one(const Diagnostic& d, const SourceManager& sources, bool color = false);

}  // namespace scorec::frontend
