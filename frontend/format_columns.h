// `scorec fmt`: the column layouts of a group of consecutive entries of one block
// (an internal header of the formatter: it exposes ANTLR's types). docs/tools.md,
// "The layout", says what they look like; each function's comment says how.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ScoreParser.h"

namespace scorec::frontend {

// A comment-free entry as the column layouts see it: its parts are kept apart, so the
// columns are chosen before the expressions are broken over lines.
struct Cols {
  enum Group { OnRules, WhenRules, Consts, Segments, Pairs } group = Pairs;
  std::string head;  // `on x when`, `on x`, `when`, `const x`; Pairs: the text before the column
  std::string rest;  // Pairs: the one-line text after the column ("" when there is none)
  grammar::ScoreParser::ExprContext* cond = nullptr;  // a rule's condition or the `=` value
  grammar::ScoreParser::ExprContext* cut = nullptr;   // the additive node the weight was split off
  std::string sign;                                   // a rule's weight: `+` or `-` ...
  grammar::ScoreParser::ExprContext* weight = nullptr;  // ... and its expression
  bool attached = false;                              // `+3`, not `+ a * 3`
  std::string mods;                                   // `cap 15 per 1d`, "" when none
};

struct ColumnContext {
  size_t indent = 0;  // the block's indentation
  size_t width = 100;
  // An expression on one line, in the formatter's spacing; `cut` (or null) stands for
  // its left operand only.
  std::function<std::string(grammar::ScoreParser::ExprContext* e, grammar::ScoreParser::ExprContext* cut)> flat;
};

// Each function returns each entry's text: its first line without the block's
// indentation, the others with theirs (joined by '\n').

// Rules (`on` or `when`): weights in one column, modifiers in another.
std::vector<std::string> rule_lines(const std::vector<const Cols*>& group, const ColumnContext& cx);
// `const` / `segment`: the `=` in one column, long values broken under themselves.
std::vector<std::string> assign_lines(const std::vector<const Cols*>& group, const ColumnContext& cx);
// Events' `{`, a field's type, a tier's bound: the text after the head in one column.
std::vector<std::string> pair_lines(const std::vector<const Cols*>& group, const ColumnContext& cx);

// The columns of the trailing comments of a run of one-line entries: `code` and
// `comment` are each line's widths (indentation included) and its comment's.
std::vector<size_t> comment_columns(const std::vector<size_t>& code, const std::vector<size_t>& comment,
                                    size_t width);

}  // namespace scorec::frontend
