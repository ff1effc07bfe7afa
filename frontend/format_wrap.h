// `scorec fmt`: breaking one expression over lines when it does not fit the width
// (an internal header of the formatter: it exposes ANTLR's types).
//
//   - an `or` chain takes one operand a line, each line after the first starting with
//     `or` under the first operand; an `and` chain the same with `and`; an `and` chain
//     inside an `or` operand goes 3 columns deeper than the `or`s, so the grouping
//     stays visible;
//   - a call's arguments and a list's items fill lines, breaking after a comma, the
//     lines after the first starting one column after the `(` / `[`;
//   - `( .. )`, `not ..` and the right side of any other operator are broken inside;
//   - anything else stays on one line, even past the width.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ScoreParser.h"

namespace scorec::frontend {

class ExprWrapper {
 public:
  using Expr = grammar::ScoreParser::ExprContext;
  // `flat` renders an expression on one line, in the formatter's spacing; `cut` is an
  // additive node that stands for its left operand only (the weight a condition's
  // expression swallowed, see Formatter::rule_rest), or null.
  ExprWrapper(std::function<std::string(Expr*)> flat, size_t width, Expr* cut)
      : flat_(std::move(flat)), width_(width), cut_(cut) {}

  // The lines of `e`, whose first line starts at column `col` (the caller writes what
  // goes before it); the other lines carry their indentation. `break_chain` breaks a
  // top-level `and` / `or` chain even when the expression fits.
  std::vector<std::string> lines(Expr* e, size_t col, bool break_chain = false) const;

  // Is `e` (its top, past the cut) an `and` or `or` chain?
  bool is_chain(Expr* e) const;

 private:
  Expr* resolve(Expr* e) const;
  std::vector<std::string> chain(Expr* e, size_t col, bool is_or, size_t and_col) const;
  std::vector<std::string> bracketed(Expr* e, size_t col) const;

  std::function<std::string(Expr*)> flat_;
  size_t width_;
  Expr* cut_;
};

}  // namespace scorec::frontend
