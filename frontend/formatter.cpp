#include "frontend/formatter.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <sstream>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ScoreLexer.h"
#include "ScoreParser.h"
#include "frontend/parse_tree.h"
#include "frontend/diagnostics.h"
#include "frontend/format_columns.h"
#include "frontend/parser.h"

namespace scorec::frontend {
namespace {

using antlr4::Token;
using grammar::ScoreLexer;
using grammar::ScoreParser;

constexpr size_t kIndent = 2;        // per `{ }` level
constexpr size_t kContinuation = 4;  // a construct broken by a comment goes on this much deeper

bool is_comment(const Token* t) {
  return t->getType() == ScoreLexer::LINE_COMMENT || t->getType() == ScoreLexer::BLOCK_COMMENT;
}

size_t end_line(const Token* t) {
  std::string s = t->getText();
  return t->getLine() + static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// A line comment loses its trailing blanks; a block comment is kept byte for byte.
std::string comment_text(const Token* t) {
  std::string s = t->getText();
  if (t->getType() == ScoreLexer::LINE_COMMENT)
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

std::string spaces(size_t n) { return std::string(n, ' '); }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

// What a top-level declaration or block item is: decides blank lines and alignment.
enum class Kind { Import, Event, Profile, Const, Score, Grade, Segment, Test, Rule, Other, Item };

class Formatter;

// Renders one declaration or block item onto (usually) one line. Tokens are emitted in
// source order; the comments between two emitted tokens are printed where they were:
// a block comment on the same line stays inline, a line comment ends the line (the
// construct continues on the next line, indented by kContinuation), a comment on a
// line of its own gets a line of its own. `mark` records where the aligned part of an
// event declaration or a `{ }` item starts (Cols::Pairs).
class Writer {
 public:
  Writer(Formatter& f, size_t indent) : f_(&f), indent_(indent) {}

  void tok(Token* t, bool space);
  void skip(Token* t);  // a token left out of the output (a trailing comma)
  void text(const std::string& s, bool space);
  void mark() { mark_at = buf.size(); }
  // `{ entries }` as a block of lines, one entry each, indented one level deeper.
  struct Entry;
  void block(Token* open, std::vector<Entry> entries, Token* close, bool open_done = false);
  // The current column (0-based, indentation included).
  size_t col() const {
    auto nl = buf.rfind('\n');
    return nl == std::string::npos ? indent_ + buf.size() : buf.size() - nl - 1;
  }

  struct Entry {
    Token* first = nullptr;
    Token* last = nullptr;
    Kind kind = Kind::Other;
    std::function<void(Writer&)> render;
    std::function<Cols()> cols;  // rules, consts and segments, used when comment-free
  };

  std::string buf;
  bool multiline = false;
  size_t mark_at = std::string::npos;

 private:
  void flush(Token* upto);
  void newline() {
    buf += '\n';
    buf += spaces(indent_ + kContinuation);
    line_start_ = true;
    multiline = true;
  }
  void put(const std::string& s, bool space) {
    if (!line_start_ && !buf.empty() && (space || pending_space_)) buf += ' ';
    buf += s;
    line_start_ = false;
    pending_space_ = false;
  }

  Formatter* f_;
  size_t indent_;
  Token* last_ = nullptr;
  size_t last_line_ = 0;
  bool line_start_ = true;
  bool pending_space_ = false;
};

class Formatter {
 public:
  Formatter(antlr4::CommonTokenStream& tokens, size_t width) : width_(width) {
    for (auto* t : tokens.getTokens()) {
      toks_.push_back(t);
      if (is_comment(t)) ++total_comments_;
    }
  }

  std::vector<Token*> comments_between(const Token* a, const Token* b) const {
    std::vector<Token*> out;
    size_t from = a ? a->getTokenIndex() + 1 : 0;
    for (size_t i = from; i < b->getTokenIndex() && i < toks_.size(); ++i)
      if (is_comment(toks_[i])) out.push_back(toks_[i]);
    return out;
  }
  bool has_comments(const Token* a, const Token* b) const { return !comments_between(a, b).empty(); }
  void emitted_comment() { ++emitted_comments_; }
  size_t total_comments() const { return total_comments_; }
  size_t emitted_comments() const { return emitted_comments_; }

  std::string file(ScoreParser::File_Context* ctx) {
    std::vector<Writer::Entry> entries;
    for (auto* item : ctx->item()) {
      Writer::Entry e;
      e.first = item->getStart();
      e.last = item->getStop();
      if (item->importDecl()) e.kind = Kind::Import;
      else if (item->eventDecl()) e.kind = Kind::Event;
      else if (item->profileDecl()) e.kind = Kind::Profile;
      else if (item->constDecl()) e.kind = Kind::Const;
      else if (item->scoreDecl()) e.kind = Kind::Score;
      else if (item->gradeDecl()) e.kind = Kind::Grade;
      else if (item->testDecl()) e.kind = Kind::Test;
      else e.kind = Kind::Segment;
      e.render = [this, item](Writer& w) { decl(w, item); };
      if (auto* c = item->constDecl()) {
        e.cols = [c] {
          Cols x;
          x.group = Cols::Consts;
          x.head = "const " + c->IDENT()->getText();
          x.cond = c->expr();
          return x;
        };
      } else if (auto* c = item->segmentDecl()) {
        e.cols = [c] {
          Cols x;
          x.group = Cols::Segments;
          x.head = "segment " + c->IDENT()->getText();
          x.cond = c->expr();
          return x;
        };
      }
      entries.push_back(std::move(e));
    }
    Block b = layout(std::move(entries), nullptr, toks_.back(), 0, true);
    return b.text;
  }

  // ----- blocks of lines

  struct Block {
    std::vector<std::string> header;  // comments on the line of the opening '{'
    std::string text;                 // the lines, each indented and ending in '\n'
  };

  Block layout(std::vector<Writer::Entry> entries, Token* open, Token* close, size_t indent, bool top);

  // ----- declarations

  void decl(Writer& w, ScoreParser::ItemContext* item) {
    if (auto* c = item->importDecl()) {
      w.tok(c->IMPORT()->getSymbol(), false);
      w.tok(c->STRING()->getSymbol(), true);
    } else if (auto* c = item->eventDecl()) {
      w.tok(c->EVENT()->getSymbol(), false);
      w.tok(c->IDENT()->getSymbol(), true);
      w.mark();
      fields(w, c, c->fieldList());
    } else if (auto* c = item->profileDecl()) {
      w.tok(c->PROFILE()->getSymbol(), false);
      fields(w, c, c->fieldList());
    } else if (auto* c = item->constDecl()) {
      w.tok(c->CONST()->getSymbol(), false);
      w.tok(c->IDENT()->getSymbol(), true);
      w.tok(terminal(c, "="), true);
      expr(w, c->expr(), true);
    } else if (auto* c = item->segmentDecl()) {
      w.tok(c->SEGMENT()->getSymbol(), false);
      w.tok(c->IDENT()->getSymbol(), true);
      w.tok(terminal(c, "="), true);
      expr(w, c->expr(), true);
    } else if (auto* c = item->scoreDecl()) {
      w.tok(c->SCORE()->getSymbol(), false);
      w.tok(c->IDENT()->getSymbol(), true);
      std::vector<Writer::Entry> entries;
      for (auto* it : c->scoreItem()) entries.push_back(score_item(it));
      w.block(terminal(c, "{"), std::move(entries), terminal(c, "}"));
    } else if (auto* c = item->gradeDecl()) {
      w.tok(c->GRADE()->getSymbol(), false);
      w.tok(c->IDENT()->getSymbol(), true);
      std::vector<Writer::Entry> entries;
      for (auto* it : c->gradeItem()) entries.push_back(grade_item(it));
      w.block(terminal(c, "{"), std::move(entries), terminal(c, "}"));
    } else if (auto* c = item->testDecl()) {
      w.tok(c->TEST()->getSymbol(), false);
      w.tok(c->STRING()->getSymbol(), true);
      std::vector<Writer::Entry> entries;
      for (auto* it : c->testItem()) entries.push_back(test_item(it));
      w.block(terminal(c, "{"), std::move(entries), terminal(c, "}"));
    }
  }

  // ----- tests: `profile { a: 1 }` like a field list, one event a line in `events { }`.

  Writer::Entry test_item(ScoreParser::TestItemContext* it) {
    Writer::Entry e;
    e.first = it->getStart();
    e.last = it->getStop();
    e.kind = Kind::Other;
    if (auto* c = dynamic_cast<ScoreParser::TestProfileContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->PROFILE()->getSymbol(), false);
        test_values(w, c, c->testFieldList());
      };
    } else if (auto* c = dynamic_cast<ScoreParser::TestEventsContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->IDENT()->getSymbol(), false);
        Token* open = terminal(c, "{");
        Token* close = terminal(c, "}");
        auto evs = c->testEvent();
        if (evs.empty() && !has_comments(open, close)) {
          w.tok(open, true);
          w.tok(close, true);
          return;
        }
        std::vector<Writer::Entry> entries;
        for (auto* ev : evs) {
          Writer::Entry x;
          x.first = ev->getStart();
          x.last = ev->getStop();
          x.kind = Kind::Item;
          x.render = [this, ev](Writer& w2) {
            w2.tok(ev->TIMESTAMP()->getSymbol(), false);
            w2.tok(ev->IDENT()->getSymbol(), true);
            if (terminal(ev, "{")) test_values(w2, ev, ev->testFieldList());
          };
          entries.push_back(std::move(x));
        }
        w.block(open, std::move(entries), close);
      };
    } else if (auto* c = dynamic_cast<ScoreParser::TestAsOfContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->IDENT()->getSymbol(), false);
        expr(w, c->expr(), true);
      };
    } else if (auto* c = dynamic_cast<ScoreParser::TestExpectContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->EXPECT()->getSymbol(), false);
        expr(w, c->expr(), true);
        if (c->IDENT()) {
          w.tok(c->IDENT()->getSymbol(), true);
          range(w, c->range(), true);
        }
      };
    }
    return e;
  }

  void test_values(Writer& w, antlr4::ParserRuleContext* owner, ScoreParser::TestFieldListContext* list) {
    braced_list(w, terminal(owner, "{"), list, terminal(owner, "}"),
                [this](Writer& x, antlr4::ParserRuleContext* f, bool space) {
                  auto* tf = static_cast<ScoreParser::TestFieldContext*>(f);
                  x.tok(tf->IDENT()->getSymbol(), space);
                  x.tok(terminal(tf, ":"), false);
                  if (!space) x.mark();  // on a line of its own: the value is aligned
                  expr(x, tf->expr(), true);
                });
  }

  static Token* terminal(antlr4::ParserRuleContext* c, const std::string& text) {
    for (auto* ch : c->children)
      if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch); t && t->getText() == text) return t->getSymbol();
    return nullptr;
  }

  // `{ a: string, b: number }` on one line when it fits and holds no comment, else one
  // property a line, each followed by a comma.
  void fields(Writer& w, antlr4::ParserRuleContext* decl, ScoreParser::FieldListContext* list) {
    Token* open = terminal(decl, "{");
    Token* close = terminal(decl, "}");
    braced_list(
        w, open, list, close, [this](Writer& x, antlr4::ParserRuleContext* f, bool space) {
          field(x, static_cast<ScoreParser::FieldContext*>(f), space);
        });
  }

  void field(Writer& w, ScoreParser::FieldContext* f, bool space) {
    w.tok(f->IDENT()->getSymbol(), space);
    w.tok(terminal(f, ":"), false);
    if (!space) w.mark();  // an item on a line of its own: its type is aligned
    auto* t = f->typeRef();
    auto ids = t->IDENT();
    w.tok(ids[0]->getSymbol(), true);
    if (ids.size() > 1) {
      w.tok(terminal(t, "<"), false);
      w.tok(ids[1]->getSymbol(), false);
      w.tok(terminal(t, ">"), false);
    }
  }

  // A `{ x, y, z }` list (properties, tiers, letters): the items are the rule children
  // of `list`, separated by ',' terminals.
  void braced_list(Writer& w, Token* open, antlr4::ParserRuleContext* list, Token* close,
                   const std::function<void(Writer&, antlr4::ParserRuleContext*, bool)>& item) {
    std::vector<antlr4::ParserRuleContext*> items;
    std::vector<Token*> commas;  // the comma after each item, or null
    if (list) {
      for (auto* ch : list->children) {
        if (auto* r = dynamic_cast<antlr4::ParserRuleContext*>(ch)) {
          items.push_back(r);
          commas.push_back(nullptr);
        } else if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch); t && !commas.empty()) {
          commas.back() = t->getSymbol();
        }
      }
    }
    w.tok(open, true);
    if (!has_comments(open, close)) {
      Writer trial = w;
      for (size_t i = 0; i < items.size(); ++i) {
        item(trial, items[i], true);
        if (commas[i]) {
          if (i + 1 < items.size()) trial.tok(commas[i], false);
          else trial.skip(commas[i]);
        }
      }
      trial.tok(close, true);
      if (trial.col() <= width_) {
        w = std::move(trial);
        return;
      }
    }
    std::vector<Writer::Entry> entries;
    for (size_t i = 0; i < items.size(); ++i) {
      Writer::Entry e;
      e.first = items[i]->getStart();
      e.last = commas[i] ? commas[i] : items[i]->getStop();
      e.kind = Kind::Item;
      auto* it = items[i];
      Token* comma = commas[i];
      e.render = [it, comma, &item](Writer& x) {
        item(x, it, false);
        if (comma) x.tok(comma, false);
        else x.text(",", false);
      };
      entries.push_back(std::move(e));
    }
    w.block(open, std::move(entries), close, true);
  }

  // ----- score and grade items

  Writer::Entry score_item(ScoreParser::ScoreItemContext* it) {
    Writer::Entry e;
    e.first = it->getStart();
    e.last = it->getStop();
    e.kind = Kind::Other;
    if (auto* c = dynamic_cast<ScoreParser::DecayItemContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->DECAY()->getSymbol(), false);
        w.tok(c->IDENT()->getSymbol(), true);
        if (c->expr()) expr(w, c->expr(), true);
      };
    } else if (auto* c = dynamic_cast<ScoreParser::WindowItemContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->WINDOW()->getSymbol(), false);
        expr(w, c->expr(), true);
      };
    } else if (auto* c = dynamic_cast<ScoreParser::OnRuleContext*>(it)) {
      e.kind = Kind::Rule;
      e.render = [this, c](Writer& w) {
        w.tok(c->ON()->getSymbol(), false);
        w.tok(c->IDENT()->getSymbol(), true);
        rule_rest(w, c->WHEN(), c->expr(), c->weight());
        auto mods = c->modifier();
        for (auto* m : mods) modifier(w, m);
      };
      e.cols = [this, c] {
        return rule_cols("on " + c->IDENT()->getText(), c->WHEN(), c->expr(), c->weight(), c->modifier());
      };
    } else if (auto* c = dynamic_cast<ScoreParser::WhenRuleContext*>(it)) {
      e.kind = Kind::Rule;
      e.render = [this, c](Writer& w) { rule_rest(w, c->WHEN(), c->expr(), nullptr); };
      e.cols = [this, c] { return rule_cols("", c->WHEN(), c->expr(), nullptr, {}); };
    } else if (auto* c = dynamic_cast<ScoreParser::ScaleItemContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->SCALE()->getSymbol(), false);
        w.tok(c->IDENT()->getSymbol(), true);
        auto rs = c->range();
        range(w, rs[0], true);
        if (c->TO()) {
          w.tok(c->TO()->getSymbol(), true);
          range(w, rs[1], true);
        }
      };
    } else if (auto* c = dynamic_cast<ScoreParser::TiersItemContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->TIERS()->getSymbol(), false);
        tiers(w, c, c->tierList());
      };
    }
    return e;
  }

  Writer::Entry grade_item(ScoreParser::GradeItemContext* it) {
    Writer::Entry e;
    e.first = it->getStart();
    e.last = it->getStop();
    e.kind = Kind::Other;
    if (auto* c = dynamic_cast<ScoreParser::GradeWhenContext*>(it)) {
      e.kind = Kind::Rule;
      e.render = [this, c](Writer& w) { rule_rest(w, c->WHEN(), c->expr(), nullptr); };
      e.cols = [this, c] { return rule_cols("", c->WHEN(), c->expr(), nullptr, {}); };
    } else if (auto* c = dynamic_cast<ScoreParser::GradeLettersContext*>(it)) {
      e.render = [this, c](Writer& w) {
        w.tok(c->LETTERS()->getSymbol(), false);
        tiers(w, c, c->tierList());
      };
    }
    return e;
  }

  void tiers(Writer& w, antlr4::ParserRuleContext* owner, ScoreParser::TierListContext* list) {
    braced_list(w, terminal(owner, "{"), list, terminal(owner, "}"),
                [this](Writer& x, antlr4::ParserRuleContext* t, bool space) {
                  tier(x, static_cast<ScoreParser::TierContext*>(t), space);
                });
  }

  void tier(Writer& w, ScoreParser::TierContext* t, bool space) {
    w.tok(t->IDENT()->getSymbol(), space);
    auto es = t->expr();
    if (!space && !es.empty()) w.mark();  // on a line of its own: the bound is aligned
    if (es.size() == 1) {
      w.tok(terminal(t, ">="), true);
      expr(w, es[0], true);
    } else if (es.size() == 2) {
      expr(w, es[0], true);
      w.tok(terminal(t, ".."), false);
      expr(w, es[1], false);
    }
  }

  // `[when COND] WEIGHT` of a rule with a comment inside (the others are laid out by
  // rule_lines from rule_cols). After a condition the weight is usually inside the
  // condition's expression (the grammar's expression rule is greedy); it is found the
  // way the parser finds it (parser.cpp, split_weight), so it gets a weight's spacing.
  void rule_rest(Writer& w, antlr4::tree::TerminalNode* when, ScoreParser::ExprContext* cond,
                 ScoreParser::WeightContext* weight) {
    if (when) {
      w.tok(when->getSymbol(), true);
      split_ = weight ? nullptr : find_split(cond);
      expr(w, cond, true);
      split_ = nullptr;
    }
    if (weight) {
      w.tok(weight->sign, true);
      expr(w, weight->expr(), !attached(weight->expr()));
    }
  }

  // A rule's parts for the column layout: `head` is `on x` or "" (a `when` rule).
  Cols rule_cols(std::string head, antlr4::tree::TerminalNode* when, ScoreParser::ExprContext* cond,
                 ScoreParser::WeightContext* weight, const std::vector<ScoreParser::ModifierContext*>& mods) {
    Cols x;
    x.group = head.empty() ? Cols::WhenRules : Cols::OnRules;
    x.head = when ? (head.empty() ? "when" : head + " when") : head;
    x.cond = when ? cond : nullptr;
    if (weight) {
      x.sign = weight->sign->getText();
      x.weight = weight->expr();
    } else if (auto* split = when ? find_split(cond) : nullptr) {
      x.cut = split;
      for (auto* ch : split->children) {
        if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch)) x.sign = t->getText();
        else if (auto* sub = dynamic_cast<ScoreParser::ExprContext*>(ch)) x.weight = sub;
      }
    }
    if (x.weight) x.attached = attached(x.weight);
    Writer w(*this, 0);
    for (auto* m : mods) modifier(w, m);
    x.mods = w.buf;
    return x;
  }

  // `e` on one line; `cut` stands for its left operand only.
  std::string flat(ScoreParser::ExprContext* e, ScoreParser::ExprContext* cut = nullptr) {
    Writer w(*this, 0);
    cut_ = cut;
    expr(w, e, false);
    cut_ = nullptr;
    return w.buf;
  }

  static ScoreParser::ExprContext* find_split(ScoreParser::ExprContext* x) {
    while (x) {
      if (dynamic_cast<ScoreParser::AddExprContext*>(x)) return x;
      if (dynamic_cast<ScoreParser::OrExprContext*>(x) || dynamic_cast<ScoreParser::AndExprContext*>(x) ||
          dynamic_cast<ScoreParser::CoalesceExprContext*>(x) || dynamic_cast<ScoreParser::CmpExprContext*>(x) ||
          dynamic_cast<ScoreParser::InExprContext*>(x)) {
        ScoreParser::ExprContext* next = nullptr;
        for (auto* ch : x->children)
          if (auto* e = dynamic_cast<ScoreParser::ExprContext*>(ch)) next = e;
        x = next;
      } else if (auto* n = dynamic_cast<ScoreParser::NotExprContext*>(x)) {
        x = n->expr();
      } else {
        return nullptr;
      }
    }
    return nullptr;
  }

  // A weight that is a number or a name takes its sign attached (`+3`, `-bonus`); any
  // other expression is spaced (`+ amount * 0.01`).
  static bool attached(ScoreParser::ExprContext* e) {
    auto* p = dynamic_cast<ScoreParser::PrimaryExprContext*>(e);
    if (!p) return false;
    auto* prim = p->primary();
    return dynamic_cast<ScoreParser::NumberLitContext*>(prim) || dynamic_cast<ScoreParser::NameExprContext*>(prim);
  }

  void modifier(Writer& w, ScoreParser::ModifierContext* m) {
    for (auto* ch : m->children) {
      if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch)) w.tok(t->getSymbol(), true);
      else if (auto* e = dynamic_cast<ScoreParser::ExprContext*>(ch)) expr(w, e, true);
    }
  }

  void range(Writer& w, ScoreParser::RangeContext* r, bool space) {
    auto es = r->expr();
    expr(w, es[0], space);
    w.tok(terminal(r, ".."), false);
    expr(w, es[1], false);
  }

  // ----- expressions: one space around binary operators, none inside (), [] or after
  // a unary minus, `f(a, b)`, `a.b`.

  void expr(Writer& w, ScoreParser::ExprContext* e, bool space) {
    if (e == cut_) {
      for (auto* ch : e->children)
        if (auto* sub = dynamic_cast<ScoreParser::ExprContext*>(ch)) return expr(w, sub, space);
    }
    if (auto* p = dynamic_cast<ScoreParser::PrimaryExprContext*>(e)) return primary(w, p->primary(), space);
    if (auto* n = dynamic_cast<ScoreParser::NegExprContext*>(e)) {
      w.tok(n->getStart(), space);
      // `- -x`, not `--x`.
      expr(w, n->expr(), n->expr()->getStart()->getText() == "-");
      return;
    }
    if (auto* n = dynamic_cast<ScoreParser::NotExprContext*>(e)) {
      w.tok(n->NOT()->getSymbol(), space);
      expr(w, n->expr(), true);
      return;
    }
    // Binary operators, `in` and `not in`.
    bool first = true;
    bool split_here = e == split_;
    for (auto* ch : e->children) {
      if (auto* sub = dynamic_cast<ScoreParser::ExprContext*>(ch)) {
        if (!first && split_here) expr(w, sub, !attached(sub));
        else expr(w, sub, first ? space : true);
        first = false;
      } else if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch)) {
        w.tok(t->getSymbol(), true);
      }
    }
  }

  void primary(Writer& w, ScoreParser::PrimaryContext* p, bool space) {
    if (dynamic_cast<ScoreParser::CallExprContext*>(p) || dynamic_cast<ScoreParser::ListLitContext*>(p) ||
        dynamic_cast<ScoreParser::ParenExprContext*>(p)) {
      // NAME ( args ) | [ elems ] | ( expr ): no space inside the brackets, one after
      // each comma; a trailing comma in a list is dropped.
      bool first = true, after_comma = false;
      const auto& ch = p->children;
      for (size_t i = 0; i < ch.size(); ++i) {
        if (auto* sub = dynamic_cast<ScoreParser::ExprContext*>(ch[i])) {
          expr(w, sub, after_comma);
          after_comma = false;
        } else if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch[i])) {
          std::string s = t->getText();
          if (s == "," && i + 2 == ch.size()) {
            w.skip(t->getSymbol());
          } else {
            w.tok(t->getSymbol(), first ? space : false);
            after_comma = s == ",";
          }
        }
        first = false;
      }
      return;
    }
    if (auto* n = dynamic_cast<ScoreParser::NameExprContext*>(p)) {
      bool first = true;
      for (auto* ch : n->children) {
        if (auto* nm = dynamic_cast<ScoreParser::NameContext*>(ch)) w.tok(nm->getStart(), first ? space : false);
        else if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch)) w.tok(t->getSymbol(), false);
        first = false;
      }
      return;
    }
    w.tok(p->getStart(), space);  // a literal: kept as written
  }

 private:
  std::vector<Token*> toks_;
  size_t total_comments_ = 0, emitted_comments_ = 0;
  ScoreParser::ExprContext* split_ = nullptr;
  ScoreParser::ExprContext* cut_ = nullptr;
  size_t width_;
};

// ----- Writer ---------------------------------------------------------------------

void Writer::flush(Token* upto) {
  if (!last_) return;
  for (Token* c : f_->comments_between(last_, upto)) {
    bool same_line = c->getLine() == last_line_;
    bool line_comment = c->getType() == ScoreLexer::LINE_COMMENT;
    std::string text = comment_text(c);
    if (same_line && !line_comment) {
      put(text, true);
      pending_space_ = true;
    } else if (same_line) {
      buf += "  " + text;
      newline();
    } else {
      if (!line_start_) newline();
      buf += text;
      newline();
    }
    last_line_ = end_line(c);
    f_->emitted_comment();
  }
}

void Writer::tok(Token* t, bool space) {
  flush(t);
  put(t->getText(), space);
  last_ = t;
  last_line_ = t->getLine();
}

void Writer::skip(Token* t) {
  flush(t);
  last_ = t;
  last_line_ = t->getLine();
}

void Writer::text(const std::string& s, bool space) { put(s, space); }

void Writer::block(Token* open, std::vector<Entry> entries, Token* close, bool open_done) {
  if (!open_done) tok(open, true);
  Formatter::Block b = f_->layout(std::move(entries), open, close, indent_ + kIndent, false);
  for (size_t i = 0; i < b.header.size(); ++i) buf += (i == 0 ? "  " : " ") + b.header[i];
  buf += '\n';
  buf += b.text;
  buf += spaces(indent_);
  buf += close->getText();
  multiline = true;
  line_start_ = false;
  pending_space_ = false;
  last_ = close;
  last_line_ = close->getLine();
}

// ----- layout of a block ------------------------------------------------------------

struct Laid {
  struct Comment {
    std::string text;
    bool blank_before = false;
  };
  std::vector<Comment> leading;
  bool blank_before = false;
  Kind kind = Kind::Other;
  std::string text;  // the rendered entry, without the first line's indentation
  bool multiline = false;  // the Writer broke it (a `{ }` block, a comment inside)
  std::optional<Cols> cols;  // laid out in columns with its neighbours (format_columns.h)
  std::vector<std::string> trailing;
};

Formatter::Block Formatter::layout(std::vector<Writer::Entry> entries, Token* open, Token* close, size_t indent,
                                   bool top) {
  Block out;
  std::vector<Laid> laid;
  std::vector<Laid::Comment> dangling;
  Token* prev = open;
  size_t prev_line = open ? open->getLine() : 0;
  bool nothing_yet = true;  // no blank line at the start of a block or file

  // The comments between `prev` and `next`: those on prev's line trail it, the others
  // lead the next entry (or dangle before the closing brace).
  auto take_comments = [&](Token* next, std::vector<std::string>* trailing, std::vector<Laid::Comment>* leading) {
    bool chaining = prev != nullptr;
    for (Token* c : comments_between(prev, next)) {
      emitted_comment();
      if (chaining && c->getLine() == prev_line) {
        trailing->push_back(comment_text(c));
        prev_line = end_line(c);
        continue;
      }
      chaining = false;
      leading->push_back({comment_text(c), !nothing_yet && c->getLine() >= prev_line + 2});
      nothing_yet = false;
      prev_line = end_line(c);
    }
  };

  for (auto& e : entries) {
    Laid l;
    l.kind = e.kind;
    std::vector<std::string>* trailing = laid.empty() ? &out.header : &laid.back().trailing;
    take_comments(e.first, trailing, &l.leading);
    l.blank_before = !nothing_yet && e.first->getLine() >= prev_line + 2;
    nothing_yet = false;
    Writer w(*this, indent);
    e.render(w);
    l.text = w.buf;
    l.multiline = w.multiline;
    if (!l.multiline && !has_comments(e.first, e.last)) {
      if (e.cols) {
        l.cols = e.cols();
      } else if (e.kind == Kind::Event || e.kind == Kind::Item) {
        // `event x` | `{ ... }`, `name:` | `type,`, `tier` | `>= 8,`: split at the mark.
        Cols c;
        size_t m = w.mark_at == std::string::npos ? w.buf.size() : w.mark_at;
        c.head = trim(w.buf.substr(0, m));
        c.rest = trim(w.buf.substr(m));
        l.cols = c;
      }
    }
    laid.push_back(std::move(l));
    prev = e.last;
    prev_line = e.last->getLine();
  }
  {
    std::vector<std::string>* trailing = laid.empty() ? &out.header : &laid.back().trailing;
    take_comments(close, trailing, &dangling);
  }

  // Top level: one blank line around blocks and between declarations of different
  // kinds; elsewhere blank lines are kept as written (at most one).
  if (top) {
    for (size_t i = 1; i < laid.size(); ++i) {
      const Laid& a = laid[i - 1];
      Laid& b = laid[i];
      bool forced = a.kind != b.kind || a.multiline || b.multiline || b.kind == Kind::Score ||
                    b.kind == Kind::Grade || a.kind == Kind::Score || a.kind == Kind::Grade;
      if (!forced) continue;
      if (!b.leading.empty()) b.leading[0].blank_before = true;
      else b.blank_before = true;
    }
  }

  // Column groups: consecutive entries of one group (format_columns.h), with no blank
  // line between them; a block's rules align across blank lines too. Comments on
  // lines of their own do not end a group.
  ColumnContext cx{indent, width_, [this](ScoreParser::ExprContext* e, ScoreParser::ExprContext* cut) {
                     return flat(e, cut);
                   }};
  std::vector<std::string> lines(laid.size());
  for (size_t i = 0; i < laid.size();) {
    size_t j = i + 1;
    if (!laid[i].cols) {
      lines[i] = laid[i].text;
      i = j;
      continue;
    }
    auto g = laid[i].cols->group;
    bool rules = g == Cols::OnRules || g == Cols::WhenRules;
    auto blank = [&](const Laid& l) {
      return l.blank_before ||
             std::any_of(l.leading.begin(), l.leading.end(), [](const Laid::Comment& c) { return c.blank_before; });
    };
    while (j < laid.size() && laid[j].cols && laid[j].cols->group == g && (rules || !blank(laid[j]))) ++j;
    std::vector<const Cols*> group;
    for (size_t k = i; k < j; ++k) group.push_back(&*laid[k].cols);
    auto texts = rules ? rule_lines(group, cx)
                 : g == Cols::Pairs ? pair_lines(group, cx)
                                    : assign_lines(group, cx);
    for (size_t k = i; k < j; ++k) lines[k] = texts[k - i];
    i = j;
  }

  // Trailing comments: aligned over a run of consecutive one-line entries (no blank
  // line, comment line or multi-line entry between them; lines without a comment do
  // not end it), in a column that keeps them within the width when it can
  // (comment_columns).
  auto one_line = [&](size_t k) { return lines[k].find('\n') == std::string::npos; };
  auto comment_width = [&](size_t k) {
    size_t n = laid[k].trailing.size() - 1;
    for (const auto& t : laid[k].trailing) n += t.size();
    return n;
  };
  std::vector<size_t> comment_col(laid.size(), 0);
  for (size_t i = 0; i < laid.size();) {
    size_t j = i + 1;
    if (one_line(i))
      while (j < laid.size() && one_line(j) && !laid[j].blank_before && laid[j].leading.empty()) ++j;
    std::vector<size_t> code, comment, which;
    for (size_t k = i; k < j; ++k) {
      if (laid[k].trailing.empty() || !one_line(k)) continue;
      code.push_back(indent + lines[k].size());
      comment.push_back(comment_width(k));
      which.push_back(k);
    }
    auto cols = comment_columns(code, comment, width_);
    for (size_t n = 0; n < which.size(); ++n) comment_col[which[n]] = cols[n] - indent;
    i = j;
  }

  std::string& text = out.text;
  auto comment_line = [&](const Laid::Comment& c) {
    if (c.blank_before && !text.empty()) text += '\n';
    text += spaces(indent) + c.text + '\n';
  };
  for (size_t i = 0; i < laid.size(); ++i) {
    const Laid& l = laid[i];
    for (const auto& c : l.leading) comment_line(c);
    if (l.blank_before && !text.empty()) text += '\n';
    std::string line = spaces(indent) + lines[i];
    if (!l.trailing.empty()) {
      size_t last_nl = line.rfind('\n');
      size_t len = last_nl == std::string::npos ? line.size() - indent : line.size() - last_nl - 1;
      size_t col = comment_col[i] ? comment_col[i] : len + 2;
      line += spaces(col > len ? col - len : 2);
      for (size_t k = 0; k < l.trailing.size(); ++k) line += (k ? " " : "") + l.trailing[k];
    }
    text += line + '\n';
  }
  for (const auto& c : dangling) comment_line(c);
  return out;
}

// The default-channel tokens of `text`, for the check that formatting kept them all.
std::vector<std::string> token_texts(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  ScoreLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  std::vector<std::string> out;
  const auto& all = tokens.getTokens();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i]->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    out.push_back(all[i]->getText());
  }
  // Trailing commas before '}' or ']' may be added or dropped.
  std::vector<std::string> kept;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == "," && i + 1 < out.size() && (out[i + 1] == "}" || out[i + 1] == "]")) continue;
    kept.push_back(out[i]);
  }
  return kept;
}

size_t count_comments(antlr4::CommonTokenStream& tokens) {
  size_t n = 0;
  for (auto* t : tokens.getTokens()) n += is_comment(t);
  return n;
}

Expected<std::string> format_unguarded(const std::string& text, const std::string& name, size_t width) {
  // Only a file that parses cleanly is formatted; the parser's diagnostics say why not.
  {
    SourceManager sources;
    Diagnostics diags;
    int file = sources.add(name, text);
    parse_module(sources, file, diags);
    if (diags.has_errors()) {
      std::ostringstream msg;
      diags.render(msg, sources, false);
      std::string m = msg.str();
      while (!m.empty() && m.back() == '\n') m.pop_back();
      return Error{m};
    }
  }

  antlr4::ANTLRInputStream input(text);
  ScoreLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  ScoreParser parser(&tokens);
  ScoreParser::File_Context* tree = parse_file(parser, tokens, std::make_shared<antlr4::DefaultErrorStrategy>());
  if (parser.getNumberOfSyntaxErrors() > 0) return Error{"syntax error", name};

  Formatter f(tokens, width);
  std::string out = f.file(tree);

  // Never lose a comment or change a token: refuse rather than write a wrong file.
  if (f.emitted_comments() != f.total_comments() || token_texts(out) != token_texts(text)) {
    return Error{"internal error: the formatter would change this file's rules or lose a comment; "
                 "the file was left as it is (please report this)",
                 name};
  }
  {
    antlr4::ANTLRInputStream check_input(out);
    ScoreLexer check_lexer(&check_input);
    check_lexer.removeErrorListeners();
    antlr4::CommonTokenStream check_tokens(&check_lexer);
    check_tokens.fill();
    if (count_comments(check_tokens) != f.total_comments())
      return Error{"internal error: the formatter would lose a comment; the file was left as it is", name};
  }
  return out;
}

}  // namespace

Expected<std::string> format_source(const std::string& text, const std::string& name, size_t width) {
  // Whatever fails inside (ANTLR throws) is an error for this file, not an abort.
  try {
    return format_unguarded(text, name, width);
  } catch (const std::exception& e) {
    return Error{std::string("internal error in the formatter: ") + e.what() + " (please report this)", name};
  } catch (...) {
    return Error{"internal error in the formatter (please report this)", name};
  }
}

}  // namespace scorec::frontend
