#include "frontend/format_wrap.h"

namespace scorec::frontend {
namespace {

using grammar::ScoreParser;
using Expr = ExprWrapper::Expr;

std::string spaces(size_t n) { return std::string(n, ' '); }

std::vector<Expr*> operands(antlr4::ParserRuleContext* e) {
  std::vector<Expr*> out;
  for (auto* ch : e->children)
    if (auto* x = dynamic_cast<Expr*>(ch)) out.push_back(x);
  return out;
}

// `lines` placed after `prefix` on the first line.
std::vector<std::string> after(const std::string& prefix, std::vector<std::string> lines) {
  lines[0] = prefix + lines[0];
  return lines;
}

void append(std::vector<std::string>& out, std::vector<std::string> more) {
  for (auto& l : more) out.push_back(std::move(l));
}

}  // namespace

Expr* ExprWrapper::resolve(Expr* e) const {
  while (e && e == cut_) e = operands(e).front();
  return e;
}

bool ExprWrapper::is_chain(Expr* e) const {
  e = resolve(e);
  return dynamic_cast<ScoreParser::OrExprContext*>(e) || dynamic_cast<ScoreParser::AndExprContext*>(e);
}

std::vector<std::string> ExprWrapper::lines(Expr* e, size_t col, bool break_chain) const {
  e = resolve(e);
  std::string s = flat_(e);
  bool is_or = dynamic_cast<ScoreParser::OrExprContext*>(e) != nullptr;
  bool is_and = dynamic_cast<ScoreParser::AndExprContext*>(e) != nullptr;
  if (col + s.size() <= width_ && !(break_chain && (is_or || is_and))) return {s};
  if (is_or || is_and) return chain(e, col, is_or, col);
  if (auto* n = dynamic_cast<ScoreParser::NotExprContext*>(e)) return after("not ", lines(n->expr(), col + 4));
  if (auto* p = dynamic_cast<ScoreParser::PrimaryExprContext*>(e)) {
    auto* prim = p->primary();
    if (auto* paren = dynamic_cast<ScoreParser::ParenExprContext*>(prim)) {
      auto out = after("(", lines(paren->expr(), col + 1));
      out.back() += ")";
      return out;
    }
    if (dynamic_cast<ScoreParser::CallExprContext*>(prim) || dynamic_cast<ScoreParser::ListLitContext*>(prim))
      return bracketed(e, col);
    return {s};
  }
  if (dynamic_cast<ScoreParser::NegExprContext*>(e)) return {s};
  // A binary operator (`in` / `not in` included): the left side and the operator stay
  // on the first line, the right side is broken.
  auto xs = operands(e);
  if (xs.size() != 2) return {s};
  std::string op;
  for (auto* ch : e->children)
    if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch)) op += (op.empty() ? "" : " ") + t->getText();
  std::string prefix = flat_(xs[0]) + " " + op + " ";
  auto right = lines(xs[1], col + prefix.size());
  if (right.size() == 1) return {s};
  return after(prefix, std::move(right));
}

std::vector<std::string> ExprWrapper::chain(Expr* e, size_t col, bool is_or, size_t and_col) const {
  // The operands of a left-associative chain of one operator.
  std::vector<Expr*> ops;
  std::function<void(Expr*)> collect = [&](Expr* x) {
    x = resolve(x);
    bool same = is_or ? dynamic_cast<ScoreParser::OrExprContext*>(x) != nullptr
                      : dynamic_cast<ScoreParser::AndExprContext*>(x) != nullptr;
    if (!same) {
      ops.push_back(x);
      return;
    }
    auto xs = operands(x);
    collect(xs[0]);
    ops.push_back(xs[1]);
  };
  collect(e);
  std::vector<std::string> out;
  if (!is_or) {
    for (size_t i = 0; i < ops.size(); ++i) {
      if (i == 0) append(out, lines(ops[i], col));
      else append(out, after(spaces(and_col) + "and ", lines(ops[i], and_col + 4)));
    }
    return out;
  }
  // An `or` operand that is itself an `and` chain breaks with its `and`s 3 columns in.
  auto operand = [&](Expr* x, size_t at) {
    Expr* r = resolve(x);
    if (dynamic_cast<ScoreParser::AndExprContext*>(r) && at + flat_(r).size() > width_)
      return chain(r, at, false, col + 3);
    return lines(r, at);
  };
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i == 0) append(out, operand(ops[i], col));
    else append(out, after(spaces(col) + "or ", operand(ops[i], col + 3)));
  }
  return out;
}

std::vector<std::string> ExprWrapper::bracketed(Expr* e, size_t col) const {
  auto* prim = static_cast<ScoreParser::PrimaryExprContext*>(e)->primary();
  std::string open, close;
  if (auto* call = dynamic_cast<ScoreParser::CallExprContext*>(prim)) {
    open = call->IDENT()->getText() + "(";
    close = ")";
  } else {
    open = "[";
    close = "]";
  }
  auto items = operands(prim);
  if (items.empty()) return {flat_(e)};
  size_t item_col = col + open.size();
  std::vector<std::string> out;
  std::string cur = open;
  size_t cur_col = col;  // where `cur` starts: `col` on the first line, 0 after
  for (size_t i = 0; i < items.size(); ++i) {
    std::string t = flat_(items[i]) + (i + 1 == items.size() ? close : ",");
    if (i == 0 || cur_col + cur.size() + 1 + t.size() <= width_) {
      cur += (i == 0 ? "" : " ") + t;
    } else {
      out.push_back(cur);
      cur = spaces(item_col) + t;
      cur_col = 0;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace scorec::frontend
