#include "frontend/parser.h"

#include <set>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ScoreLexer.h"
#include "ScoreParser.h"
#include "support/time.h"

namespace scorec::frontend {
namespace {

using grammar::ScoreLexer;
using grammar::ScoreParser;

Loc token_loc(int file, const antlr4::Token* t) {
  if (!t) return {};
  Loc l{file, static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1, 1};
  if (t->getType() != antlr4::Token::EOF) {
    auto len = t->getStopIndex() - t->getStartIndex() + 1;
    l.length = static_cast<int>(std::max<size_t>(1, len));
  }
  return l;
}

// From the first token of `ctx` to its last, when they are on one line.
Loc ctx_loc(int file, antlr4::ParserRuleContext* ctx) {
  Loc l = token_loc(file, ctx->getStart());
  const antlr4::Token* stop = ctx->getStop();
  if (stop && stop->getLine() == ctx->getStart()->getLine() && stop->getStopIndex() >= ctx->getStart()->getStartIndex())
    l.length = static_cast<int>(stop->getStopIndex() - ctx->getStart()->getStartIndex() + 1);
  return l;
}

// ----- syntax errors ----------------------------------------------------------------

std::string describe_token_type(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case ScoreParser::IDENT: return "a name";
    case ScoreParser::NUMBER: return "a number";
    case ScoreParser::STRING: return "a string";
    case ScoreParser::DURATION: return "a duration like 30d";
    case ScoreParser::TIMESTAMP: return "a date like 2024-03-01";
    default: return vocab.getDisplayName(type);  // keywords and punctuation, quoted
  }
}

std::string describe_token(const antlr4::Token* t) {
  if (!t || t->getType() == antlr4::Token::EOF) return "end of file";
  return "'" + t->getText() + "'";
}

// Token type of a literal such as "'+'"; the generated T__N names are not stable.
size_t literal(const antlr4::dfa::Vocabulary& vocab, const std::string& lit) {
  for (size_t t = 1; t <= vocab.getMaxTokenType(); ++t)
    if (vocab.getLiteralName(t) == "'" + lit + "'") return t;
  return 0;
}

bool is_keyword(size_t type) { return type >= ScoreParser::IMPORT && type <= ScoreParser::NULL_; }

std::string describe_expected(const antlr4::dfa::Vocabulary& vocab, const antlr4::misc::IntervalSet& set) {
  std::vector<size_t> types;
  for (auto t : set.toList()) types.push_back(static_cast<size_t>(t));
  std::set<size_t> s(types.begin(), types.end());
  // Summaries people understand instead of long token lists.
  bool expression = s.count(ScoreParser::NUMBER) && s.count(ScoreParser::IDENT) && s.count(ScoreParser::STRING);
  bool item = s.count(ScoreParser::EVENT) && s.count(ScoreParser::SCORE);
  bool score_item = s.count(ScoreParser::ON) && s.count(ScoreParser::WHEN) && s.count(ScoreParser::TIERS);
  if (score_item) return "a rule ('on EVENT +N', 'when CONDITION +N'), 'decay', 'window', 'scale', 'tiers' or '}'";
  if (item) return "a declaration ('event', 'profile', 'const', 'score', 'grade', 'segment' or 'import')";
  if (s.count(literal(vocab, "+")) && s.count(literal(vocab, "-")) && s.size() <= 6 && !expression)
    return "a weight such as '+5' or '-10'";
  if (expression) return "an expression";
  std::vector<std::string> names;
  for (auto t : types) names.push_back(describe_token_type(vocab, t));
  if (names.size() == 1) return names[0];
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// Reports syntax errors in our words. ANTLR's recovery is kept; only the messages
// change, and only the first error per offending token is kept.
class FriendlyErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  FriendlyErrorStrategy(int file, Diagnostics& diags) : file_(file), diags_(diags) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override {
    report(p, e.getOffendingToken(), p->getExpectedTokens());
  }
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    report(p, e.getOffendingToken(), e.getExpectedTokens());
  }
  void reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) override {
    report(p, e.getOffendingToken(), p->getExpectedTokens());
  }
  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    report(p, p->getCurrentToken(), getExpectedTokens(p));
  }
  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    report(p, p->getCurrentToken(), getExpectedTokens(p));
  }

 private:
  void report(antlr4::Parser* p, antlr4::Token* t, const antlr4::misc::IntervalSet& expected) {
    if (!t) return;
    if (reported_.count(t->getTokenIndex())) return;
    reported_.insert(t->getTokenIndex());
    if (reported_.size() > 20) return;  // after 20, more are noise
    const auto& vocab = p->getVocabulary();
    std::string want = describe_expected(vocab, expected);
    Loc loc = token_loc(file_, t);
    std::string hint;
    if (t->getType() == ScoreParser::UNKNOWN_CHAR) {
      std::string c = t->getText();
      if (c == "'") hint = "strings use double quotes: \"like this\"";
      else if (c == "&" || c == "|") hint = "write 'and' / 'or'";
      else if (c == "=") hint = "compare with '=='";
      diags_.error(loc, fmt::format("unexpected character '{}'; expected {}", c, want), hint);
      return;
    }
    if (t->getType() == antlr4::Token::EOF) {
      diags_.error(loc, fmt::format("unexpected end of file; expected {}", want),
                   expected.contains(literal(vocab, "}")) ? "a '{' is not closed" : "");
      return;
    }
    if (is_keyword(t->getType()) && expected.contains(static_cast<size_t>(ScoreParser::IDENT)))
      hint = fmt::format("'{}' is a keyword and cannot be used as a name", t->getText());
    else if (t->getType() == literal(vocab, "=") && expected.contains(literal(vocab, "==")))
      hint = "compare with '=='";
    else if (want == "a weight such as '+5' or '-10'")
      hint = "every rule needs a weight: 'on email_open +3', 'when plan == \"paid\" +500'";
    diags_.error(loc, fmt::format("unexpected {}; expected {}", describe_token(t), want), hint);
  }

  int file_;
  Diagnostics& diags_;
  std::set<size_t> reported_;
};

class SilentLexerErrors : public antlr4::BaseErrorListener {
  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t, size_t, const std::string&,
                   std::exception_ptr) override {}
};

// Refuses input nested deeper than kMaxNesting before ANTLR's recursive descent
// would run out of stack on it.
bool check_nesting(int file, antlr4::CommonTokenStream& tokens, Diagnostics& diags) {
  int depth = 0, prefix_run = 0;
  for (auto* t : tokens.getTokens()) {
    std::string text = t->getText();
    if (text == "(" || text == "[" || text == "{") ++depth;
    if (text == ")" || text == "]" || text == "}") depth = std::max(0, depth - 1);
    bool prefix = text == "-" || t->getType() == ScoreParser::NOT;
    prefix_run = prefix ? prefix_run + 1 : 0;
    if (depth > kMaxNesting || prefix_run > kMaxNesting) {
      diags.error(token_loc(file, t), fmt::format("this is nested more than {} levels deep", kMaxNesting),
                  "split the expression into named constants or simpler rules");
      return false;
    }
  }
  return true;
}

// ----- parse tree -> AST ------------------------------------------------------------

class AstBuilder {
 public:
  AstBuilder(int file, Diagnostics& diags) : file_(file), diags_(diags) {}

  Module build(ScoreParser::File_Context* ctx) {
    Module m;
    m.file = file_;
    for (auto* item : ctx->item()) {
      if (auto* c = item->importDecl()) m.imports.push_back(import_decl(c));
      else if (auto* c = item->eventDecl()) m.events.push_back(event_decl(c));
      else if (auto* c = item->profileDecl()) m.profiles.push_back(profile_decl(c));
      else if (auto* c = item->constDecl()) m.consts.push_back(const_decl(c));
      else if (auto* c = item->scoreDecl()) m.scores.push_back(score_decl(c));
      else if (auto* c = item->gradeDecl()) m.grades.push_back(grade_decl(c));
      else if (auto* c = item->segmentDecl()) m.segments.push_back(segment_decl(c));
    }
    return m;
  }

 private:
  Loc loc(antlr4::tree::TerminalNode* n) { return n ? token_loc(file_, n->getSymbol()) : Loc{}; }
  Loc loc(antlr4::Token* t) { return token_loc(file_, t); }
  Loc loc(antlr4::ParserRuleContext* c) { return ctx_loc(file_, c); }
  static std::string text(antlr4::tree::TerminalNode* n) { return n ? n->getText() : std::string(); }

  std::string unquote(const std::string& s, Loc l) {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      char c = s[i];
      if (c != '\\') {
        out += c;
        continue;
      }
      char n = s[++i];
      switch (n) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        default:
          diags_.error(l, fmt::format("unknown escape '\\{}' in a string", n), "use \\\" \\\\ \\n or \\t");
      }
    }
    return out;
  }

  ImportDecl import_decl(ScoreParser::ImportDeclContext* c) {
    Loc l = loc(c->STRING());
    return {c->STRING() ? unquote(c->STRING()->getText(), l) : "", l};
  }

  std::vector<Field> fields(ScoreParser::FieldListContext* c) {
    std::vector<Field> out;
    if (!c) return out;
    for (auto* f : c->field()) {
      Field fd;
      fd.name = text(f->IDENT());
      fd.loc = loc(f->IDENT());
      if (auto* t = f->typeRef()) {
        auto ids = t->IDENT();
        fd.type_text = ids.empty() ? "" : ids[0]->getText();
        if (ids.size() > 1) fd.type_text += "<" + ids[1]->getText() + ">";
        fd.type_loc = loc(t);
      }
      out.push_back(std::move(fd));
    }
    return out;
  }

  EventDecl event_decl(ScoreParser::EventDeclContext* c) {
    return {text(c->IDENT()), loc(c->IDENT()), fields(c->fieldList())};
  }
  ProfileDecl profile_decl(ScoreParser::ProfileDeclContext* c) { return {loc(c->PROFILE()), fields(c->fieldList())}; }
  ConstDecl const_decl(ScoreParser::ConstDeclContext* c) {
    return {text(c->IDENT()), loc(c->IDENT()), expr(c->expr())};
  }

  std::optional<Weight> weight(ScoreParser::WeightContext* c) {
    if (!c) return std::nullopt;
    Weight w;
    w.negative = c->sign && c->sign->getText() == "-";
    w.loc = loc(c->sign);
    w.expr = expr(c->expr());
    return w;
  }

  // After a condition the greedy expression rule has swallowed the weight:
  // `when seconds >= 30 + min(seconds / 60, 5)` parses as `seconds >= (30 + min(..))`.
  // The weight is the condition's last top-level `+`/`-` term: walk down the right
  // spine through logical, comparison, `in` and `??` operators and split off the first
  // additive node found. Parentheses stop the walk, so `(a + b) > c +5` splits at `+5`.
  std::optional<Weight> split_weight(ExprPtr& cond) {
    ExprPtr* slot = &cond;
    std::vector<Expr*> spine;  // the nodes above the split, whose ranges shrink
    while (*slot && !(*slot)->parenthesized) {
      Expr& e = **slot;
      bool additive = e.kind == ExprKind::Binary && (e.op == "+" || e.op == "-");
      if (additive) {
        Weight w;
        w.negative = e.op == "-";
        w.loc = op_locs_.count(&e) ? op_locs_[&e] : e.args[1]->loc;
        w.expr = std::move(e.args[1]);
        ExprPtr left = std::move(e.args[0]);
        *slot = std::move(left);
        for (auto it = spine.rbegin(); it != spine.rend(); ++it) refit_range(**it);
        return w;
      }
      bool descend = (e.kind == ExprKind::Binary &&
                      (e.op == "and" || e.op == "or" || e.op == "??" || e.op == "<" || e.op == "<=" ||
                       e.op == ">" || e.op == ">=" || e.op == "==" || e.op == "!=")) ||
                     e.kind == ExprKind::In || (e.kind == ExprKind::Unary && e.op == "not");
      if (!descend) break;
      spine.push_back(&e);
      slot = &e.args.back();
    }
    return std::nullopt;
  }

  // An operator node's range: from its first operand (or a prefix operator) to its
  // last operand, when they are on one line.
  static void refit_range(Expr& e) {
    if (e.args.empty()) return;
    Loc first = e.kind == ExprKind::Unary ? e.loc : e.args.front()->range;
    Loc last = e.args.back()->range.valid() ? e.args.back()->range : e.args.back()->loc;
    if (!first.valid() || first.line != last.line) {
      e.range = first;
      return;
    }
    e.range = first;
    e.range.length = last.col + last.length - first.col;
  }

  Modifier modifier(ScoreParser::ModifierContext* c) {
    Modifier m;
    m.loc = loc(c);
    if (auto* cap = dynamic_cast<ScoreParser::CapModifierContext*>(c)) {
      m.kind = ModifierKind::Cap;
      auto es = cap->expr();
      if (!es.empty()) m.amount = expr(es[0]);
      if (es.size() > 1) m.period = expr(es[1]);
    } else if (auto* lim = dynamic_cast<ScoreParser::LimitModifierContext*>(c)) {
      m.kind = ModifierKind::Limit;
      auto es = lim->expr();
      if (!es.empty()) m.amount = expr(es[0]);
      if (es.size() > 1) m.period = expr(es[1]);
    } else {
      m.kind = ModifierKind::Once;
    }
    return m;
  }

  std::optional<Weight> finish_weight(ExprPtr& cond, ScoreParser::WeightContext* wc, Loc rule_loc) {
    auto w = weight(wc);
    if (!w && cond) w = split_weight(cond);
    // After a syntax error on the rule's line the missing weight is a consequence.
    if (!w && !syntax_error_on_line(rule_loc))
      diags_.error(rule_loc, "this rule has no weight",
                   "add the points after the condition, like '+5' or '-10'");
    return w;
  }

  bool syntax_error_on_line(Loc l) const {
    for (const auto& d : diags_.all())
      if (d.loc.file == l.file && d.loc.line == l.line) return true;
    return false;
  }

  Range range(ScoreParser::RangeContext* c) {
    Range r;
    r.loc = loc(c);
    auto es = c->expr();
    if (!es.empty()) r.lo = expr(es[0]);
    if (es.size() > 1) r.hi = expr(es[1]);
    return r;
  }

  TierList tier_list(ScoreParser::TierListContext* c, Loc l) {
    TierList tl;
    tl.loc = l;
    if (!c) return tl;
    for (auto* t : c->tier()) {
      Tier tier;
      tier.name = text(t->IDENT());
      tier.loc = loc(t->IDENT());
      auto es = t->expr();
      if (es.size() == 1) {
        tier.threshold = expr(es[0]);
      } else if (es.size() == 2) {
        Range r;
        r.loc = loc(t);
        r.lo = expr(es[0]);
        r.hi = expr(es[1]);
        tier.range = std::move(r);
      }
      tl.tiers.push_back(std::move(tier));
    }
    return tl;
  }

  ScoreDecl score_decl(ScoreParser::ScoreDeclContext* c) {
    ScoreDecl s;
    s.name = text(c->IDENT());
    s.loc = loc(c->IDENT());
    for (auto* item : c->scoreItem()) {
      if (auto* d = dynamic_cast<ScoreParser::DecayItemContext*>(item)) {
        if (s.decay) diags_.error(loc(d->DECAY()), fmt::format("score '{}' has more than one 'decay'", s.name));
        DecaySpec spec;
        spec.loc = loc(d);
        spec.kind = text(d->IDENT());
        spec.kind_loc = loc(d->IDENT());
        if (d->expr()) spec.param = expr(d->expr());
        s.decay = std::move(spec);
      } else if (auto* w = dynamic_cast<ScoreParser::WindowItemContext*>(item)) {
        if (s.window) diags_.error(loc(w->WINDOW()), fmt::format("score '{}' has more than one 'window'", s.name));
        s.window = expr(w->expr());
        s.window_loc = loc(w);
      } else if (auto* on = dynamic_cast<ScoreParser::OnRuleContext*>(item)) {
        OnRule r;
        r.event = text(on->IDENT());
        r.event_loc = loc(on->IDENT());
        r.loc = r.event_loc;
        if (on->expr()) r.cond = expr(on->expr());
        r.weight = finish_weight(r.cond, on->weight(), r.event_loc);
        for (auto* m : on->modifier()) r.modifiers.push_back(modifier(m));
        s.on_rules.push_back(std::move(r));
      } else if (auto* wr = dynamic_cast<ScoreParser::WhenRuleContext*>(item)) {
        s.when_rules.push_back(when_rule(wr->WHEN(), wr->expr(), wr->weight()));
      } else if (auto* sc = dynamic_cast<ScoreParser::ScaleItemContext*>(item)) {
        if (s.scale) diags_.error(loc(sc->SCALE()), fmt::format("score '{}' has more than one 'scale'", s.name));
        ScaleSpec spec;
        spec.loc = loc(sc);
        spec.kind = text(sc->IDENT());
        spec.kind_loc = loc(sc->IDENT());
        auto rs = sc->range();
        if (!rs.empty()) spec.from = range(rs[0]);
        if (rs.size() > 1) spec.to = range(rs[1]);
        s.scale = std::move(spec);
      } else if (auto* t = dynamic_cast<ScoreParser::TiersItemContext*>(item)) {
        if (s.tiers) diags_.error(loc(t->TIERS()), fmt::format("score '{}' has more than one 'tiers'", s.name));
        s.tiers = tier_list(t->tierList(), loc(t->TIERS()));
      }
    }
    return s;
  }

  WhenRule when_rule(antlr4::tree::TerminalNode* when, ScoreParser::ExprContext* e, ScoreParser::WeightContext* w) {
    WhenRule r;
    r.loc = loc(when);
    if (e) r.cond = expr(e);
    r.weight = finish_weight(r.cond, w, r.loc);
    return r;
  }

  GradeDecl grade_decl(ScoreParser::GradeDeclContext* c) {
    GradeDecl g;
    g.name = text(c->IDENT());
    g.loc = loc(c->IDENT());
    for (auto* item : c->gradeItem()) {
      if (auto* w = dynamic_cast<ScoreParser::GradeWhenContext*>(item)) {
        g.when_rules.push_back(when_rule(w->WHEN(), w->expr(), w->weight()));
      } else if (auto* l = dynamic_cast<ScoreParser::GradeLettersContext*>(item)) {
        if (g.letters) diags_.error(loc(l->LETTERS()), fmt::format("grade '{}' has more than one 'letters'", g.name));
        g.letters = tier_list(l->tierList(), loc(l->LETTERS()));
      }
    }
    return g;
  }

  SegmentDecl segment_decl(ScoreParser::SegmentDeclContext* c) {
    return {text(c->IDENT()), loc(c->IDENT()), expr(c->expr())};
  }

  // ----- expressions

  ExprPtr make(ExprKind k, Loc l) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->loc = l;
    return e;
  }

  ExprPtr binary(const std::string& op, antlr4::Token* op_tok, ScoreParser::ExprContext* a,
                 ScoreParser::ExprContext* b, ExprKind kind = ExprKind::Binary) {
    auto e = make(kind, op_tok ? loc(op_tok) : Loc{});
    e->op = op;
    e->args.push_back(expr(a));
    e->args.push_back(expr(b));
    if (op_tok) op_locs_[e.get()] = loc(op_tok);
    return e;
  }

  ExprPtr expr(ScoreParser::ExprContext* c) {
    ExprPtr e = expr_node(c);
    if (c && !e->range.valid()) e->range = loc(c);
    return e;
  }

  ExprPtr expr_node(ScoreParser::ExprContext* c) {
    if (!c) return make(ExprKind::Null, {});
    struct DepthGuard {
      int& d;
      explicit DepthGuard(int& x) : d(x) { ++d; }
      ~DepthGuard() { --d; }
    } guard(depth_);
    if (depth_ > kMaxNesting * 2) {
      if (!too_deep_reported_) diags_.error(loc(c), "this expression is too long or too deeply nested",
                                            "split it into named constants or simpler rules");
      too_deep_reported_ = true;
      return make(ExprKind::Null, loc(c));
    }
    if (auto* p = dynamic_cast<ScoreParser::PrimaryExprContext*>(c)) return primary(p->primary());
    if (auto* n = dynamic_cast<ScoreParser::NegExprContext*>(c)) {
      auto e = make(ExprKind::Unary, loc(n->getStart()));
      e->op = "-";
      e->args.push_back(expr(n->expr()));
      return e;
    }
    if (auto* n = dynamic_cast<ScoreParser::NotExprContext*>(c)) {
      auto e = make(ExprKind::Unary, loc(n->NOT()));
      e->op = "not";
      e->args.push_back(expr(n->expr()));
      return e;
    }
    if (auto* m = dynamic_cast<ScoreParser::MulExprContext*>(c))
      return binary(m->op->getText(), m->op, m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::AddExprContext*>(c))
      return binary(m->op->getText(), m->op, m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::CmpExprContext*>(c))
      return binary(m->op->getText(), m->op, m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::CoalesceExprContext*>(c)) {
      auto* tok = dynamic_cast<antlr4::tree::TerminalNode*>(m->children.size() > 1 ? m->children[1] : nullptr);
      return binary("??", tok ? tok->getSymbol() : m->getStart(), m->expr(0), m->expr(1));
    }
    if (auto* m = dynamic_cast<ScoreParser::AndExprContext*>(c))
      return binary("and", m->AND()->getSymbol(), m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::OrExprContext*>(c))
      return binary("or", m->OR()->getSymbol(), m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::InExprContext*>(c))
      return binary(m->NOT() ? "not in" : "in", m->IN()->getSymbol(), m->expr(0), m->expr(1), ExprKind::In);
    return make(ExprKind::Null, loc(c));
  }

  ExprPtr primary(ScoreParser::PrimaryContext* c) {
    if (!c) return make(ExprKind::Null, {});
    Loc l = loc(c);
    if (auto* n = dynamic_cast<ScoreParser::NumberLitContext*>(c)) {
      auto e = make(ExprKind::Number, l);
      e->number = std::strtod(n->getText().c_str(), nullptr);
      return e;
    }
    if (auto* d = dynamic_cast<ScoreParser::DurationLitContext*>(c)) {
      auto e = make(ExprKind::Duration, l);
      e->number = parse_duration(d->getText()).value_or(0);
      e->text = d->getText();
      return e;
    }
    if (auto* t = dynamic_cast<ScoreParser::TimestampLitContext*>(c)) {
      auto e = make(ExprKind::Timestamp, l);
      auto v = parse_iso8601(t->getText());
      if (!v) diags_.error(l, fmt::format("'{}' is not a valid date", t->getText()), "dates look like 2024-03-01 or 2024-03-01T10:00:00Z");
      e->number = v.value_or(0);
      e->text = t->getText();
      return e;
    }
    if (auto* s = dynamic_cast<ScoreParser::StringLitContext*>(c)) {
      auto e = make(ExprKind::String, l);
      e->text = unquote(s->getText(), l);
      return e;
    }
    if (auto* b = dynamic_cast<ScoreParser::BoolLitContext*>(c)) {
      auto e = make(ExprKind::Bool, l);
      e->number = b->TRUE() ? 1 : 0;
      return e;
    }
    if (dynamic_cast<ScoreParser::NullLitContext*>(c)) return make(ExprKind::Null, l);
    if (auto* call = dynamic_cast<ScoreParser::CallExprContext*>(c)) {
      auto e = make(ExprKind::Call, loc(call->IDENT()));
      e->text = text(call->IDENT());
      for (auto* a : call->expr()) e->args.push_back(expr(a));
      return e;
    }
    if (auto* n = dynamic_cast<ScoreParser::NameExprContext*>(c)) {
      auto names = n->name();
      auto e = make(ExprKind::Name, names.empty() ? l : loc(names[0]));
      if (!names.empty()) e->text = names[0]->getText();
      if (names.size() > 1) {
        e->member = names[1]->getText();
        e->member_loc = loc(names[1]);
        e->loc.length = static_cast<int>(e->text.size() + 1 + e->member.size());
      }
      return e;
    }
    if (auto* list = dynamic_cast<ScoreParser::ListLitContext*>(c)) {
      auto e = make(ExprKind::List, l);
      for (auto* a : list->expr()) e->args.push_back(expr(a));
      return e;
    }
    if (auto* p = dynamic_cast<ScoreParser::ParenExprContext*>(c)) {
      auto e = expr(p->expr());
      e->parenthesized = true;
      return e;
    }
    return make(ExprKind::Null, l);
  }

  int file_;
  Diagnostics& diags_;
  int depth_ = 0;
  bool too_deep_reported_ = false;
  std::map<const Expr*, Loc> op_locs_;
};

}  // namespace

Module parse_module(const SourceManager& sources, int file, Diagnostics& diags) {
  antlr4::ANTLRInputStream input(sources.text(file));
  ScoreLexer lexer(&input);
  lexer.removeErrorListeners();
  lexer.addErrorListener(new SilentLexerErrors());  // UNKNOWN_CHAR makes the lexer total
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (!check_nesting(file, tokens, diags)) {
    Module m;
    m.file = file;
    return m;
  }

  ScoreParser parser(&tokens);
  parser.removeErrorListeners();
  // SLL first: fast, and exact for every input it accepts. Only a failure re-parses
  // with full LL, which reports errors precisely.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  ScoreParser::File_Context* tree = nullptr;
  try {
    tree = parser.file_();
  } catch (const antlr4::ParseCancellationException&) {
    tokens.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<FriendlyErrorStrategy>(file, diags));
    tree = parser.file_();
  }
  AstBuilder builder(file, diags);
  return builder.build(tree);
}

}  // namespace scorec::frontend
