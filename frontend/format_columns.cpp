#include "frontend/format_columns.h"

#include <algorithm>

#include "frontend/format_wrap.h"

namespace scorec::frontend {
namespace {

constexpr size_t kGap = 2;           // the least space before a weight, modifiers or a comment
constexpr size_t kContinuation = 4;  // the weight column of rules none of which has room on its line
constexpr size_t kAlignMaxHead = 58;   // a longer rule head does not set the weight column
constexpr size_t kAlignMaxWeight = 8;  // a longer weight does not set the modifier column

std::string spaces(size_t n) { return std::string(n, ' '); }

// `line` (indentation included) padded to column `col`; at least one space.
std::string pad(const std::string& line, size_t col) { return line + spaces(col > line.size() ? col - line.size() : 1); }

// Absolute lines (each with its indentation) as an entry's text.
std::string entry_text(const std::vector<std::string>& lines, size_t indent) {
  std::string out = lines[0].substr(std::min(indent, lines[0].size()));
  for (size_t i = 1; i < lines.size(); ++i) out += "\n" + lines[i];
  return out;
}

// Wrapper lines (the first relative to `col`) as absolute lines.
std::vector<std::string> absolute(std::vector<std::string> lines, size_t col) {
  lines[0] = spaces(col) + lines[0];
  return lines;
}

}  // namespace

// The weight column C is two spaces past the longest head among the rules whose
// whole line fits the width, whose head is at most kAlignMaxHead wide, and whose weight
// can sit on the condition's line (see `ambiguous`); with no such rule, the same over
// the other rules (so a lone `when x > 0` / `+ count(x)` has its weight on the next
// line past the condition's end, not under it); with none at all, the rules'
// indentation plus 4. An ambiguous rule's weight goes on the next line, in column C. A rule whose head ends before C has its weight there on
// its line. Otherwise a condition that is an `and` / `or` chain is broken one operand
// a line, and when its last line ends before C the weight goes there; else the weight
// goes on a line of its own, in column C. The modifiers of weights at most
// kAlignMaxWeight wide start in one column, two spaces past the widest of them.
std::vector<std::string> rule_lines(const std::vector<const Cols*>& group, const ColumnContext& cx) {
  struct Flat {
    std::string head, weight;
    // `when seconds >= min_read + min(seconds / 60, 3)` reads as one comparison: a
    // weight that is a spaced expression never follows a condition on its line.
    bool ambiguous = false;
  };
  std::vector<Flat> fs;
  size_t head_w = 0, weight_w = 0, ambiguous_w = 0;
  bool any = false, any_ambiguous = false;
  for (const Cols* c : group) {
    Flat f;
    f.head = c->head + (c->cond ? " " + cx.flat(c->cond, c->cut) : "");
    if (c->weight) f.weight = c->sign + (c->attached ? "" : " ") + cx.flat(c->weight, nullptr);
    f.ambiguous = c->cond && c->weight && !c->attached;
    size_t line = cx.indent + f.head.size() + kGap + f.weight.size() + (c->mods.empty() ? 0 : kGap + c->mods.size());
    if (c->weight && f.head.size() <= kAlignMaxHead && line <= cx.width) {
      if (f.ambiguous) {
        ambiguous_w = std::max(ambiguous_w, f.head.size());
        any_ambiguous = true;
      } else {
        head_w = std::max(head_w, f.head.size());
        any = true;
      }
    }
    if (!c->mods.empty() && f.weight.size() <= kAlignMaxWeight) weight_w = std::max(weight_w, f.weight.size());
    fs.push_back(std::move(f));
  }
  const size_t col = any             ? cx.indent + head_w + kGap
                     : any_ambiguous ? cx.indent + ambiguous_w + kGap
                                     : cx.indent + kContinuation;
  const size_t mods_col = col + weight_w + kGap;

  ExprWrapper plain([&](ExprWrapper::Expr* e) { return cx.flat(e, nullptr); }, cx.width, nullptr);
  std::vector<std::string> out;
  for (size_t k = 0; k < group.size(); ++k) {
    const Cols& c = *group[k];
    const Flat& f = fs[k];
    ExprWrapper cond_wrap([&](ExprWrapper::Expr* e) { return cx.flat(e, c.cut); }, cx.width, c.cut);
    auto head_lines = [&](bool break_chain) {
      if (!c.cond) return std::vector<std::string>{spaces(cx.indent) + c.head};
      size_t at = cx.indent + c.head.size() + 1;
      auto ls = absolute(cond_wrap.lines(c.cond, at, break_chain), at);
      ls[0] = spaces(cx.indent) + c.head + " " + ls[0].substr(at);
      return ls;
    };
    if (!c.weight) {  // not valid rules (the parser says so), laid out anyway
      auto ls = head_lines(false);
      if (!c.mods.empty()) ls.back() += spaces(kGap) + c.mods;
      out.push_back(entry_text(ls, cx.indent));
      continue;
    }
    // The weight and modifiers, starting in column `col`.
    std::string sign = c.sign + (c.attached ? "" : " ");
    auto ws = absolute(plain.lines(c.weight, col + sign.size()), col + sign.size());
    ws[0] = spaces(col) + sign + ws[0].substr(col + sign.size());
    if (!c.mods.empty()) {
      size_t end = ws.back().size();
      size_t at = ws.size() == 1 && f.weight.size() <= kAlignMaxWeight ? mods_col : end + kGap;
      if (at + c.mods.size() > cx.width) at = end + kGap;
      if (at + c.mods.size() > cx.width && end > col) ws.push_back(spaces(col) + c.mods);
      else ws.back() = pad(ws.back(), at) + c.mods;
    }
    std::vector<std::string> ls;
    auto join = [&](std::vector<std::string> head) {  // the weight on the head's last line
      ls = std::move(head);
      ls.back() = pad(ls.back(), col) + ws[0].substr(col);
      ls.insert(ls.end(), ws.begin() + 1, ws.end());
    };
    if (!f.ambiguous && cx.indent + f.head.size() + kGap <= col) {
      join(head_lines(false));
    } else {
      std::vector<std::string> broken;
      if (!f.ambiguous && c.cond && cond_wrap.is_chain(c.cond)) broken = head_lines(true);
      if (!broken.empty() && broken.back().size() + kGap <= col) {
        join(std::move(broken));
      } else {
        ls = head_lines(false);
        ls.insert(ls.end(), ws.begin(), ws.end());
      }
    }
    out.push_back(entry_text(ls, cx.indent));
  }
  return out;
}

// `=` one space past the longest head; the value after `= `, broken under itself.
std::vector<std::string> assign_lines(const std::vector<const Cols*>& group, const ColumnContext& cx) {
  size_t head_w = 0;
  for (const Cols* c : group) head_w = std::max(head_w, c->head.size());
  ExprWrapper plain([&](ExprWrapper::Expr* e) { return cx.flat(e, nullptr); }, cx.width, nullptr);
  std::vector<std::string> out;
  for (const Cols* c : group) {
    size_t at = cx.indent + head_w + 3;
    auto ls = absolute(plain.lines(c->cond, at), at);
    ls[0] = pad(spaces(cx.indent) + c->head, cx.indent + head_w + 1) + "= " + ls[0].substr(at);
    out.push_back(entry_text(ls, cx.indent));
  }
  return out;
}

// The column is one space past the longest head of the entries that have a rest; while
// a line would pass the width, the longest head is left out of the alignment (it is
// followed by one space).
std::vector<std::string> pair_lines(const std::vector<const Cols*>& group, const ColumnContext& cx) {
  std::vector<bool> in(group.size());
  for (size_t k = 0; k < group.size(); ++k) in[k] = !group[k]->rest.empty();
  size_t col = 0;
  for (;;) {
    col = 0;
    size_t longest = group.size();
    for (size_t k = 0; k < group.size(); ++k) {
      if (!in[k]) continue;
      if (longest == group.size() || group[k]->head.size() > group[longest]->head.size()) longest = k;
      col = std::max(col, cx.indent + group[k]->head.size() + 1);
    }
    bool over = false;
    for (size_t k = 0; k < group.size(); ++k) over |= in[k] && col + group[k]->rest.size() > cx.width;
    if (!over || longest == group.size()) break;
    in[longest] = false;
  }
  std::vector<std::string> out;
  for (size_t k = 0; k < group.size(); ++k) {
    const Cols& c = *group[k];
    if (c.rest.empty()) out.push_back(c.head);
    else if (in[k]) out.push_back(pad(c.head, col - cx.indent) + c.rest);
    else out.push_back(c.head + " " + c.rest);
  }
  return out;
}

// Two spaces past the longest line; while a comment would pass the width, the longest
// line is left out (its comment is two spaces after it), so the others move left. A
// line whose comment passes the width anyway is left out from the start.
std::vector<size_t> comment_columns(const std::vector<size_t>& code, const std::vector<size_t>& comment,
                                    size_t width) {
  // A comment too long to fit even right after its line does not take part.
  std::vector<bool> in(code.size());
  for (size_t k = 0; k < code.size(); ++k) in[k] = code[k] + kGap + comment[k] <= width;
  size_t col = 0;
  for (;;) {
    col = 0;
    size_t longest = code.size();
    for (size_t k = 0; k < code.size(); ++k) {
      if (!in[k]) continue;
      if (longest == code.size() || code[k] > code[longest]) longest = k;
      col = std::max(col, code[k] + kGap);
    }
    bool over = false;
    for (size_t k = 0; k < code.size(); ++k) over |= in[k] && col + comment[k] > width;
    if (!over || longest == code.size()) break;
    in[longest] = false;
  }
  std::vector<size_t> out(code.size());
  for (size_t k = 0; k < code.size(); ++k) out[k] = in[k] ? col : code[k] + kGap;
  return out;
}

}  // namespace scorec::frontend
