#include "frontend/parser.h"

#include <cctype>
#include <cmath>
#include <set>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ScoreLexer.h"
#include "ScoreParser.h"
#include "frontend/encoding.h"
#include "frontend/parse_tree.h"
#include "support/text.h"
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
//
// ANTLR finds the errors and recovers; the messages are ours. A message names what
// the parser was in the middle of ("in event 'visit'", "in 'tiers'"), the common
// mistakes (single quotes, '=' for '==', a weight without a sign, a keyword used as a
// name, an unclosed '{') get a message of their own, and only the first error of a
// line is shown: what follows it on the line is usually a consequence.

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

bool is_decl_keyword(size_t type) {
  return type == ScoreParser::IMPORT || type == ScoreParser::EVENT || type == ScoreParser::PROFILE ||
         type == ScoreParser::CONST || type == ScoreParser::SCORE || type == ScoreParser::GRADE ||
         type == ScoreParser::SEGMENT || type == ScoreParser::TEST;
}

// What the parser was in the middle of when it met the error.
struct Construct {
  enum Kind { Top, Import, Event, Profile, Field, Type, Const, Segment, Score, Grade, OnRule, WhenRule,
              Decay, Window, Scale, Tiers, Letters, Expr };
  Kind kind = Top;        // the innermost construct of interest
  std::string where;      // " in event 'visit'"; empty at the top level
  std::string name_kind;  // what a name expected here would name
};

std::string ident_of(antlr4::tree::TerminalNode* n) {
  if (!n || n->getSymbol()->getTokenIndex() == INVALID_INDEX) return "";
  return n->getText();
}

Construct construct_of(antlr4::ParserRuleContext* ctx) {
  Construct c;
  bool kind_set = false, where_set = false;
  auto set_kind = [&](Construct::Kind k, std::string name_kind = "") {
    if (kind_set) return;
    kind_set = true;
    c.kind = k;
    c.name_kind = std::move(name_kind);
  };
  auto set_where = [&](std::string w) {
    if (where_set) return;
    where_set = true;
    c.where = " " + w;
  };
  auto named = [](const char* what, const std::string& name) {
    std::string w = what;
    if (name.empty()) return fmt::format("in {} {} declaration", w[0] == 'e' ? "an" : "a", w);
    return fmt::format("in {} '{}'", what, name);
  };
  for (auto* x = ctx; x; x = dynamic_cast<antlr4::ParserRuleContext*>(x->parent)) {
    if (dynamic_cast<ScoreParser::ExprContext*>(x) || dynamic_cast<ScoreParser::PrimaryContext*>(x) ||
        dynamic_cast<ScoreParser::NameContext*>(x) || dynamic_cast<ScoreParser::RangeContext*>(x)) {
      set_kind(Construct::Expr);
    } else if (dynamic_cast<ScoreParser::TypeRefContext*>(x)) {
      set_kind(Construct::Type, "a type such as 'string' or 'number'");
    } else if (dynamic_cast<ScoreParser::FieldContext*>(x) || dynamic_cast<ScoreParser::FieldListContext*>(x)) {
      bool profile = x->parent && (dynamic_cast<ScoreParser::ProfileDeclContext*>(x->parent) ||
                                   (x->parent->parent && dynamic_cast<ScoreParser::ProfileDeclContext*>(x->parent->parent)));
      set_kind(Construct::Field, profile ? "an attribute name" : "a property name");
    } else if (auto* e = dynamic_cast<ScoreParser::EventDeclContext*>(x)) {
      set_kind(Construct::Event, "an event name");
      set_where(named("event", ident_of(e->IDENT())));
    } else if (dynamic_cast<ScoreParser::ProfileDeclContext*>(x)) {
      set_kind(Construct::Profile, "an attribute name");
      set_where("in the profile");
    } else if (auto* k = dynamic_cast<ScoreParser::ConstDeclContext*>(x)) {
      set_kind(Construct::Const, "a constant name");
      set_where(named("constant", ident_of(k->IDENT())));
    } else if (auto* s = dynamic_cast<ScoreParser::SegmentDeclContext*>(x)) {
      set_kind(Construct::Segment, "a segment name");
      set_where(named("segment", ident_of(s->IDENT())));
    } else if (dynamic_cast<ScoreParser::ImportDeclContext*>(x)) {
      set_kind(Construct::Import);
      set_where("in an import");
    } else if (dynamic_cast<ScoreParser::OnRuleContext*>(x)) {
      set_kind(Construct::OnRule, "an event name");
      set_where("in an 'on' rule");
    } else if (dynamic_cast<ScoreParser::WhenRuleContext*>(x) || dynamic_cast<ScoreParser::GradeWhenContext*>(x)) {
      set_kind(Construct::WhenRule);
      set_where("in a 'when' rule");
    } else if (dynamic_cast<ScoreParser::DecayItemContext*>(x)) {
      set_kind(Construct::Decay, "a decay: 'none', 'half_life 30d' or 'linear 90d'");
      set_where("in 'decay'");
    } else if (dynamic_cast<ScoreParser::WindowItemContext*>(x)) {
      set_kind(Construct::Window);
      set_where("in 'window'");
    } else if (dynamic_cast<ScoreParser::ScaleItemContext*>(x)) {
      set_kind(Construct::Scale, "a scale: 'linear' or 'percentile'");
      set_where("in 'scale'");
    } else if (dynamic_cast<ScoreParser::TiersItemContext*>(x)) {
      set_kind(Construct::Tiers, "a tier name");
      set_where("in 'tiers'");
    } else if (dynamic_cast<ScoreParser::GradeLettersContext*>(x)) {
      set_kind(Construct::Letters, "a letter");
      set_where("in 'letters'");
    } else if (dynamic_cast<ScoreParser::TierContext*>(x) || dynamic_cast<ScoreParser::TierListContext*>(x)) {
      bool letters = false;
      for (auto* y = x->parent; y; y = y->parent)
        if (dynamic_cast<ScoreParser::GradeLettersContext*>(y)) letters = true;
      set_kind(letters ? Construct::Letters : Construct::Tiers, letters ? "a letter" : "a tier name");
    } else if (auto* td = dynamic_cast<ScoreParser::TestDeclContext*>(x)) {
      set_kind(Construct::Top);
      set_where(td->STRING() ? "in test " + td->STRING()->getText() : "in a test");
    } else if (auto* sc = dynamic_cast<ScoreParser::ScoreDeclContext*>(x)) {
      set_kind(Construct::Score, "a score name");
      set_where(named("score", ident_of(sc->IDENT())));
    } else if (auto* g = dynamic_cast<ScoreParser::GradeDeclContext*>(x)) {
      set_kind(Construct::Grade, "a grade name");
      set_where(named("grade", ident_of(g->IDENT())));
    }
  }
  return c;
}

std::string describe_expected(const antlr4::dfa::Vocabulary& vocab, const antlr4::misc::IntervalSet& set,
                              const Construct& c = {}) {
  std::vector<size_t> types;
  for (auto t : set.toList()) types.push_back(static_cast<size_t>(t));
  std::set<size_t> s(types.begin(), types.end());
  // Summaries people understand instead of long token lists.
  bool expression = s.count(ScoreParser::NUMBER) && s.count(ScoreParser::IDENT) && s.count(ScoreParser::STRING);
  bool item = s.count(ScoreParser::EVENT) && s.count(ScoreParser::CONST) && s.count(ScoreParser::IMPORT);
  bool score_item = s.count(ScoreParser::ON) && s.count(ScoreParser::WHEN) && s.count(ScoreParser::TIERS);
  bool grade_item = s.count(ScoreParser::WHEN) && s.count(ScoreParser::LETTERS);
  if (score_item) return "a rule ('on EVENT +N', 'when CONDITION +N'), 'decay', 'window', 'scale', 'tiers' or '}'";
  if (grade_item) return "a rule ('when CONDITION +N'), 'letters' or '}'";
  if (item) return "a declaration ('event', 'profile', 'const', 'score', 'grade', 'segment' or 'import')";
  if (s.count(literal(vocab, "+")) && s.count(literal(vocab, "-")) && s.size() <= 6 && !expression)
    return "a weight such as '+5' or '-10'";
  if (expression) return "an expression";
  if (s.size() == 1 && s.count(ScoreParser::IDENT) && !c.name_kind.empty()) return c.name_kind;
  std::vector<std::string> names;
  for (auto t : types) names.push_back(t == ScoreParser::IDENT && !c.name_kind.empty() ? c.name_kind : describe_token_type(vocab, t));
  return join_or(names);
}

// Reports syntax errors in our words. ANTLR's recovery is kept, except that it skips
// to the start of a line (statements are lines), and a keyword used as a name is taken
// as that name after the error, so the rest of the file parses as intended.
class FriendlyErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  FriendlyErrorStrategy(int file, Diagnostics& diags) : file_(file), diags_(diags) {}

  // Indices of the tokens where a syntax error was found, reported or not.
  const std::set<size_t>& error_tokens() const { return error_tokens_; }

 protected:
  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override {
    // When the decision looked ahead past its first token, what the state expects is
    // about that first token, not the offending one: `explain` says what it can from
    // the tokens instead.
    if (e.getStartToken() != e.getOffendingToken()) report(p, e.getOffendingToken(), {});
    else report(p, e.getOffendingToken(), p->getExpectedTokens());
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

  // `event window { ... }`: report the keyword, then take it as the name.
  antlr4::Token* recoverInline(antlr4::Parser* p) override {
    antlr4::Token* t = p->getCurrentToken();
    auto expected = p->getExpectedTokens();
    auto* writable = dynamic_cast<antlr4::WritableToken*>(t);
    if (writable && is_keyword(t->getType()) && expected.contains(static_cast<size_t>(ScoreParser::IDENT)) &&
        !dynamic_cast<ScoreParser::TypeRefContext*>(p->getContext())) {
      report(p, t, expected);
      writable->setType(ScoreParser::IDENT);
      reportMatch(p);
      p->consume();
      return t;
    }
    return antlr4::DefaultErrorStrategy::recoverInline(p);
  }

  // Skips to the first token that can continue the parse and starts a line after the
  // error's line: statements are lines, so this resumes at the next statement instead
  // of in the middle of the broken one. With no such line, ANTLR's default.
  void consumeUntil(antlr4::Parser* p, const antlr4::misc::IntervalSet& set) override {
    auto* ts = p->getTokenStream();
    antlr4::Token* here = p->getCurrentToken();
    if (here->getType() == antlr4::Token::EOF || set.contains(here->getType())) return;
    for (size_t i = here->getTokenIndex() + 1; i < ts->size(); ++i) {
      antlr4::Token* t = ts->get(i);
      if (t->getType() == antlr4::Token::EOF) break;
      if (ts->get(i - 1)->getLine() < t->getLine() && set.contains(t->getType())) {
        while (p->getCurrentToken()->getTokenIndex() < i) p->consume();
        return;
      }
    }
    antlr4::DefaultErrorStrategy::consumeUntil(p, set);
  }

 private:
  struct Message {
    Loc loc;
    std::string text, hint;
    const char* code = "E001";  // E002 for characters and literals the lexer rejects
  };

  void report(antlr4::Parser* p, antlr4::Token* t, const antlr4::misc::IntervalSet& expected) {
    if (!t) return;
    error_tokens_.insert(t->getTokenIndex());
    if (!reported_.insert(t->getTokenIndex()).second) return;
    // The rest of a line after an error is usually a consequence of it.
    if (t->getType() != antlr4::Token::EOF && quiet_lines_.count(t->getLine())) return;
    if (++count_ > 20) return;  // after 20, more are noise
    Message m = explain(p, t, expected);
    quiet_lines_.insert(t->getLine());
    quiet_lines_.insert(static_cast<size_t>(m.loc.line));
    diags_.error(m.code, m.loc, m.text, m.hint);
  }

  antlr4::Token* token_at(antlr4::Parser* p, size_t i) {
    auto* ts = p->getTokenStream();
    return i < ts->size() ? ts->get(i) : nullptr;
  }
  antlr4::Token* before(antlr4::Parser* p, antlr4::Token* t, size_t n = 1) {
    size_t i = t->getTokenIndex();
    return i != INVALID_INDEX && i >= n ? token_at(p, i - n) : nullptr;
  }
  antlr4::Token* after_keyword(antlr4::Parser* p, antlr4::Token* t) {
    auto* n = token_at(p, t->getTokenIndex() + 1);
    return n ? n : t;
  }
  bool first_on_line(antlr4::Parser* p, antlr4::Token* t) {
    auto* b = before(p, t);
    return !b || b->getLine() < t->getLine();
  }
  Loc after(antlr4::Token* t) {
    Loc l = token_loc(file_, t);
    l.col += l.length;
    l.length = 1;
    return l;
  }
  // The raw text between two tokens, both included.
  static std::string source_text(antlr4::Token* a, antlr4::Token* b) {
    return a->getInputStream()->getText(antlr4::misc::Interval(a->getStartIndex(), b->getStopIndex()));
  }

  Message explain(antlr4::Parser* p, antlr4::Token* t, const antlr4::misc::IntervalSet& expected) {
    const auto& vocab = p->getVocabulary();
    auto lit = [&](const char* s) { return literal(vocab, s); };
    size_t type = t->getType();
    Construct c = construct_of(p->getContext());
    // ANTLR may have given up on the statement the line starts with and be in the
    // middle of another reading of it (`on x` + `when ...`): the line decides.
    if (!c.where.empty()) {
      antlr4::Token* head = t;
      while (!first_on_line(p, head)) head = before(p, head);
      if (head->getType() == ScoreParser::ON) c.where = " in an 'on' rule";
      else if (head->getType() == ScoreParser::WHEN) c.where = " in a 'when' rule";
    }
    std::string want = describe_expected(vocab, expected, c);
    antlr4::Token* prev0 = before(p, t);
    if (expected.isEmpty()) want = prev0 && is_operator(prev0->getText()) ? "an expression" : "";
    Loc loc = token_loc(file_, t);
    antlr4::Token* prev = before(p, t);
    std::string found = describe_token(t);

    if (type == ScoreParser::UNKNOWN_CHAR) return unknown_char(p, t, c);
    if (auto m = unclosed(p, t, expected)) return *m;
    // `amount * 1%` at the end of a line: the expression stops short.
    if (prev && prev->getLine() < t->getLine() && type != antlr4::Token::EOF && is_operator(prev->getText()))
      return stopped_short(prev, "an expression");

    if (is_keyword(type) && expected.contains(static_cast<size_t>(ScoreParser::IDENT)) && !expected.contains(type))
      return {loc, fmt::format("'{}' is a keyword and cannot be used as a name", t->getText()),
              "keywords are reserved; choose another name"};

    // A decay line that does not parse: the decay kind is the likely culprit
    // (`half-life` reads as `half - life`).
    {
      antlr4::Token* head = t;
      while (!first_on_line(p, head)) head = before(p, head);
      if (head->getType() == ScoreParser::DECAY && t != head) {
        std::string line = source_text(head, t);
        std::string hint = "write 'decay half_life 30d', 'decay linear 90d' or 'decay none'";
        if (line.find("half-life") != std::string::npos || line.find("half life") != std::string::npos ||
            line.find("halflife") != std::string::npos)
          return {token_loc(file_, after_keyword(p, head)), "unknown decay: the kind is written 'half_life'",
                  "write 'decay half_life 30d', with an underscore"};
        return {loc, fmt::format("unexpected {} in 'decay'", found), hint};
      }
    }
    // '=' for '==', and the other way round.
    if (type == lit("=") && !expected.contains(lit("="))) {
      antlr4::Token* next = token_at(p, t->getTokenIndex() + 1);
      // `=>` and `=<`: '>=' and '<=' written backwards.
      if (next && (next->getText() == ">" || next->getText() == "<") && next->getStartIndex() == t->getStopIndex() + 1) {
        std::string op = next->getText() + "=";
        antlr4::Token* value = token_at(p, t->getTokenIndex() + 2);
        Loc both = loc;
        both.length = 2;
        return {both, fmt::format("'={}' is not an operator; did you mean '{}'?", next->getText(), op),
                prev && value && value->getType() != antlr4::Token::EOF
                    ? fmt::format("write '{} {} {}'", prev->getText(), op, value->getText())
                    : fmt::format("'{}' compares; the '=' comes second", op)};
      }
      if (prev && prev->getType() == ScoreParser::IDENT && before(p, prev) && before(p, prev)->getType() == ScoreParser::ON)
        return {loc, "a weight is written '+N' or '-N', not '= N'",
                fmt::format("write 'on {} +{}'", prev->getText(), next && next->getType() == ScoreParser::NUMBER ? next->getText() : "5")};
      std::string example = prev && next && next->getType() != antlr4::Token::EOF
                                ? fmt::format("write '{} == {}'; ", prev->getText(), next->getText()) : "";
      return {loc, "unexpected '='; to compare, write '=='",
              fmt::format("{}a single '=' only defines constants and segments", example)};
    }
    if (type == lit("==") && expected.contains(lit("=")))
      return {loc, fmt::format("unexpected '=='{}; expected '='", c.where), "'==' compares; a definition takes a single '='"};

    bool body = expected.contains(static_cast<size_t>(ScoreParser::WHEN)) && expected.contains(lit("}"));
    if (body || expected.isEmpty()) {
      // The statement the error is in: from the first token of its line.
      antlr4::Token* head = t;
      while (!first_on_line(p, head)) head = before(p, head);
      if ((type == ScoreParser::NUMBER || type == ScoreParser::DURATION) && prev && prev->getLine() == t->getLine())
        return {loc, fmt::format("a weight needs a sign: '+{0}' or '-{0}'", t->getText()),
                fmt::format("write '+{0}' to add points, or '-{0}' to take them away", t->getText())};
      if ((type == ScoreParser::CAP || type == ScoreParser::LIMIT || type == ScoreParser::ONCE) && head->getType() == ScoreParser::WHEN)
        return {loc, fmt::format("'{}' only applies to 'on' rules", t->getText()),
                "a 'when' term counts once per user; caps and limits are for events"};
      if (head->getType() == ScoreParser::ON && prev && prev->getType() == ScoreParser::IDENT && before(p, prev) == head) {
        if (type == lit(","))
          return {loc, "an 'on' rule takes one event", fmt::format("write one rule per event: 'on {} +N', then the next", prev->getText())};
        if (t->getLine() == prev->getLine())
          return {loc, fmt::format("unexpected {} after 'on {}'; expected 'when' or a weight", found, prev->getText()),
                  fmt::format("a condition starts with 'when': 'on {} when CONDITION +N'", prev->getText())};
      }
    }

    bool list = c.kind == Construct::Field || c.kind == Construct::Event || c.kind == Construct::Profile ||
                c.kind == Construct::Tiers || c.kind == Construct::Letters || c.kind == Construct::Type;
    bool tiers = c.kind == Construct::Tiers || c.kind == Construct::Letters;
    const char* items = tiers ? (c.kind == Construct::Letters ? "letters" : "tiers") : "properties";
    if (list && expected.contains(lit("}")) && type == ScoreParser::IDENT && prev && prev->getType() != ScoreParser::UNKNOWN_CHAR)
      return {loc, fmt::format("missing ',' before '{}'", t->getText()), fmt::format("separate the {} with ','", items)};
    if (tiers && (type == lit(">") || type == lit(":") || type == lit("=") || type == lit("==") || type == lit("<=") ||
                  type == lit("<")))
      return {loc, fmt::format("unexpected '{}'{}", t->getText(), c.where),
              fmt::format("write '{} >= 7' for a threshold, '{} 7..10' for a range, and end with a catch-all name",
                          prev ? prev->getText() : "high", prev ? prev->getText() : "high")};
    if (tiers && type == ScoreParser::STRING)
      return {loc, fmt::format("unexpected {}{}; expected {}", found, c.where, want),
              fmt::format("{} names are written without quotes", c.kind == Construct::Letters ? "letter" : "tier")};
    if ((c.kind == Construct::Field || c.kind == Construct::Type) && expected.size() == 1 && expected.contains(lit(":")) && prev)
      return {loc, fmt::format("missing ':' after '{}'", prev->getText()),
              fmt::format("declare {} as 'name: type', like '{}: string'", c.kind == Construct::Field ? "properties" : "them", prev->getText())};

    // A statement that stops short at the end of its line: point at the end of the line.
    bool statement_start = body || expected.contains(static_cast<size_t>(ScoreParser::SCORE));
    if (prev && prev->getLine() < t->getLine() && type != antlr4::Token::EOF && !statement_start)
      return stopped_short(prev, want);
    if (type == antlr4::Token::EOF)
      return {loc, fmt::format("unexpected end of file{}; expected {}", c.where, want), ""};

    if (type == ScoreParser::IDENT)
      if (auto m = keyword_match(vocab, t, expected))
        return {loc, fmt::format("unexpected {}{}", found, c.where), fmt::format("did you mean '{}'?", *m)};
    if (want.empty()) return {loc, fmt::format("unexpected {}{}", found, c.where), ""};
    return {loc, fmt::format("unexpected {}{}; expected {}", found, c.where, want), ""};
  }

  Message stopped_short(antlr4::Token* prev, const std::string& want) {
    std::string hint;
    if (prev->getText() == "%") hint = "a percentage is a fraction: write 'amount * 0.01' for 1%";
    if (want.empty()) return {after(prev), fmt::format("unexpected end of line after '{}'", prev->getText()), hint};
    return {after(prev), fmt::format("expected {} after '{}'", want, prev->getText()), hint};
  }

  static bool is_operator(const std::string& s) {
    static const std::set<std::string> ops = {"+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "??",
                                              "and", "or", "not", "in", "(", "[", ",", "when", "per", "cap", "limit",
                                              "=", "..", "to", "window"};
    return ops.count(s) > 0;
  }

  // `scores s {`, `tier { ... }`: a name where a keyword was expected.
  static std::optional<std::string> keyword_match(const antlr4::dfa::Vocabulary& vocab, antlr4::Token* t,
                                                  const antlr4::misc::IntervalSet& expected) {
    std::vector<std::string> kws;
    for (auto k : expected.toList())
      if (is_keyword(static_cast<size_t>(k))) {
        std::string n = vocab.getLiteralName(static_cast<size_t>(k));
        kws.push_back(n.substr(1, n.size() - 2));
      }
    return closest_match(t->getText(), kws);
  }

  Message unknown_char(antlr4::Parser* p, antlr4::Token* t, const Construct& c) {
    Loc loc = token_loc(file_, t);
    std::string ch = t->getText();
    antlr4::Token* next = token_at(p, t->getTokenIndex() + 1);
    bool doubled = next && next->getText() == ch && next->getStartIndex() == t->getStopIndex() + 1;
    if (ch == "'") {
      // 'paid': find the closing quote on the line.
      for (size_t i = t->getTokenIndex() + 1; i < p->getTokenStream()->size(); ++i) {
        antlr4::Token* u = token_at(p, i);
        if (u->getType() == antlr4::Token::EOF || u->getLine() != t->getLine()) break;
        if (u->getText() == "'") {
          std::string inner = source_text(t, u);
          inner = inner.substr(1, inner.size() - 2);
          loc.length = static_cast<int>(u->getStopIndex() - t->getStartIndex() + 1);
          return {loc, "strings use double quotes, not single quotes", fmt::format("write \"{}\"", inner), "E002"};
        }
      }
      return {loc, "strings use double quotes, not single quotes", "write \"like this\"", "E002"};
    }
    if (ch == "\"") {
      std::string rest = t->getInputStream()->getText(antlr4::misc::Interval(t->getStartIndex(), t->getStartIndex() + 200));
      loc.length = static_cast<int>(std::min(rest.find('\n'), rest.size()));
      return {loc, "this string is not closed", "end it with '\"' on the same line", "E002"};
    }
    if (ch == "&" || ch == "|") {
      std::string op = doubled ? ch + ch : ch;
      loc.length = static_cast<int>(op.size());
      return {loc, fmt::format("unexpected '{}'", op), fmt::format("write '{}' instead of '{}'", ch == "&" ? "and" : "or", op), "E002"};
    }
    if (ch == "!") return {loc, "unexpected '!'", "write 'not' instead of '!', like 'not has(industry)'", "E002"};
    if (ch == ";") return {loc, "unexpected ';'", "rules end at the end of the line; remove the ';'", "E002"};
    return {loc, fmt::format("unexpected character '{}'{}", ch, c.where), "", "E002"};
  }

  // An unclosed '{', '(' or '[', found at the end of the file, at the next declaration,
  // or (for '(' and '[') at the next line.
  std::optional<Message> unclosed(antlr4::Parser* p, antlr4::Token* t, const antlr4::misc::IntervalSet& expected) {
    const auto& vocab = p->getVocabulary();
    antlr4::Token* prev = before(p, t);
    if (!prev) return std::nullopt;
    bool at_eof = t->getType() == antlr4::Token::EOF;
    bool at_decl = is_decl_keyword(t->getType()) && first_on_line(p, t);
    bool new_line = prev->getLine() < t->getLine();
    if (!at_eof && !at_decl && !new_line) return std::nullopt;
    std::vector<antlr4::Token*> open;
    for (size_t i = 0; i < t->getTokenIndex(); ++i) {
      antlr4::Token* u = token_at(p, i);
      std::string s = u->getText();
      if (u->getTokenIndex() == INVALID_INDEX) continue;
      if (s == "{" || s == "(" || s == "[") open.push_back(u);
      else if ((s == "}" || s == ")" || s == "]") && !open.empty()) open.pop_back();
    }
    if (open.empty()) return std::nullopt;
    antlr4::Token* o = open.back();
    std::string close = o->getText() == "{" ? "}" : o->getText() == "(" ? ")" : "]";
    if (!expected.contains(literal(vocab, close))) return std::nullopt;
    if (o->getText() == "{" && !at_eof && !at_decl) return std::nullopt;
    std::string where = at_eof ? "at the end of the file" : fmt::format("at the end of line {}", prev->getLine());
    if (o->getText() != "{")
      return Message{token_loc(file_, o), fmt::format("this '{}' is never closed", o->getText()), fmt::format("add '{}' {}", close, where)};
    // Name what the brace belongs to: `score engagement {`, `tiers {`, `profile {`.
    std::string owner = "this '{'";
    antlr4::Token* b1 = before(p, o);
    antlr4::Token* b2 = b1 ? before(p, b1) : nullptr;
    if (b1 && b1->getType() == ScoreParser::IDENT && b2 && is_keyword(b2->getType()))
      owner = fmt::format("the '{{' of {} '{}'", b2->getText(), b1->getText());
    else if (b1 && is_keyword(b1->getType()))
      owner = fmt::format("the '{{' of '{}'", b1->getText());
    return Message{token_loc(file_, o), owner + " is never closed", fmt::format("add '}}' {}", where)};
  }

  int file_;
  Diagnostics& diags_;
  std::set<size_t> reported_, error_tokens_, quiet_lines_;
  int count_ = 0;
};

class SilentLexerErrors : public antlr4::BaseErrorListener {
  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t, size_t, const std::string&,
                   std::exception_ptr) override {}
};

// Refuses input past the limits of limits.h before ANTLR sees it: nesting deeper than
// kMaxNesting would run its recursive descent (and ours) out of stack, and every
// operator of an expression is a level of the trees built from it. A bracket opens one
// level plus one for each prefix operator just before it, so `- - - (` runs cannot
// multiply with bracket depth. One pass over the tokens: linear in the file's size.
bool check_limits(int file, antlr4::CommonTokenStream& tokens, Diagnostics& diags) {
  int depth = 0, prefix_run = 0, coalesce_run = 0, terms = 0, rules = 0;
  std::vector<int> outer;       // the depth outside each open bracket
  std::vector<int> list_items;  // per open '[': its elements so far
  const auto& all = tokens.getTokens();
  for (size_t i = 0; i < all.size(); ++i) {
    antlr4::Token* t = all[i];
    size_t type = t->getType();
    std::string text = t->getText();
    if (text == "(" || text == "[" || text == "{") {
      outer.push_back(depth);
      depth += 1 + prefix_run;
    }
    if ((text == ")" || text == "]" || text == "}") && !outer.empty()) {
      depth = outer.back();
      outer.pop_back();
    }
    if (text == "[") list_items.push_back(1);
    if (text == "]" && !list_items.empty()) list_items.pop_back();
    bool prefix = text == "-" || type == ScoreParser::NOT;
    prefix_run = prefix ? prefix_run + 1 : 0;
    // A clause keyword or a brace ends the expression before it. `a ?? b ?? c` nests to
    // the right, one level per '??', until then.
    if ((is_keyword(type) && type != ScoreParser::NOT && type != ScoreParser::AND && type != ScoreParser::OR &&
         type != ScoreParser::IN && type != ScoreParser::TRUE && type != ScoreParser::FALSE &&
         type != ScoreParser::NULL_) ||
        text == "{" || text == "}") {
      coalesce_run = 0;
      terms = 0;
    }
    if (text == "??") ++coalesce_run;
    static const std::set<std::string> binary_ops = {"+", "-", "*", "/", "%", "??", "<", "<=", ">", ">=", "==", "!="};
    if (binary_ops.count(text) || type == ScoreParser::AND || type == ScoreParser::OR || type == ScoreParser::IN) ++terms;
    bool rule = type == ScoreParser::ON ||
                (type == ScoreParser::WHEN && !(i >= 2 && all[i - 2]->getType() == ScoreParser::ON));
    if (rule) ++rules;
    if (depth > kMaxNesting || depth + prefix_run > kMaxNesting || coalesce_run > kMaxNesting) {
      diags.error("E003", token_loc(file, t), fmt::format("this is nested more than {} levels deep", kMaxNesting),
                  "split the expression into named constants or simpler rules");
      return false;
    }
    if (terms > kMaxExprTerms) {
      diags.error("E003", token_loc(file, t),
                  fmt::format("this expression has more than {} operators", kMaxExprTerms),
                  "split it into named constants or simpler rules");
      return false;
    }
    if (text == "," && !list_items.empty() && depth > 0 && ++list_items.back() > kMaxListItems) {
      diags.error("E006", token_loc(file, t), fmt::format("this list has more than {} elements", kMaxListItems),
                  "keep long lists out of the rules: a list<string> profile attribute holds any number of values");
      return false;
    }
    if (rule && rules > kMaxRulesPerFile) {
      diags.error("E006", token_loc(file, t), fmt::format("this file has more than {} rules", kMaxRulesPerFile),
                  "split the rules over several files");
      return false;
    }
  }
  return true;
}

// ----- parse tree -> AST ------------------------------------------------------------

// A literal as a message quotes it: a thousand digits are not worth repeating.
std::string abbreviated(const std::string& text) {
  return text.size() <= 40 ? "'" + text + "'" : "'" + text.substr(0, 20) + "...' (" + std::to_string(text.size()) + " characters)";
}

class AstBuilder {
 public:
  AstBuilder(int file, Diagnostics& diags, antlr4::TokenStream* tokens = nullptr,
             const std::set<size_t>* syntax_errors = nullptr)
      : file_(file), diags_(diags), tokens_(tokens), syntax_errors_(syntax_errors) {}

  // Whether an expression was cut short for being nested too deeply (E003).
  bool too_deep() const { return too_deep_reported_; }

  Module build(ScoreParser::File_Context* ctx) {
    Module m;
    m.file = file_;
    for (auto* item : ctx->item()) {
      if (!item) continue;
      if (auto* c = item->importDecl()) m.imports.push_back(import_decl(c));
      else if (auto* c = item->eventDecl()) m.events.push_back(event_decl(c));
      else if (auto* c = item->profileDecl()) m.profiles.push_back(profile_decl(c));
      else if (auto* c = item->constDecl()) m.consts.push_back(const_decl(c));
      else if (auto* c = item->scoreDecl()) m.scores.push_back(score_decl(c));
      else if (auto* c = item->gradeDecl()) m.grades.push_back(grade_decl(c));
      else if (auto* c = item->segmentDecl()) m.segments.push_back(segment_decl(c));
      else if (auto* c = item->testDecl()) m.tests.push_back(test_decl(c));
    }
    return m;
  }

 private:
  // A statement with a syntax error in it, or right after it on its line, was reported
  // by the parser; what ANTLR recovered of it would only lead to follow-up errors.
  static bool has_error_node(antlr4::tree::ParseTree* t) {
    if (dynamic_cast<antlr4::tree::ErrorNode*>(t)) return true;
    if (auto* r = dynamic_cast<antlr4::ParserRuleContext*>(t)) {
      if (r->exception) return true;
      for (auto* ch : r->children)
        if (has_error_node(ch)) return true;
    }
    return false;
  }
  bool broken(antlr4::ParserRuleContext* c) {
    if (!c) return true;
    if (has_error_node(c)) return true;
    if (!syntax_errors_ || syntax_errors_->empty() || !tokens_) return false;
    auto* start = c->getStart();
    auto* stop = c->getStop();
    if (!start || !stop || stop->getTokenIndex() == INVALID_INDEX) return false;
    auto it = syntax_errors_->lower_bound(start->getTokenIndex());
    if (it == syntax_errors_->end()) return false;
    if (*it <= stop->getTokenIndex()) return true;
    if (*it != stop->getTokenIndex() + 1 || *it >= tokens_->size()) return false;
    auto* next = tokens_->get(*it);
    return next->getType() != antlr4::Token::EOF && next->getLine() == stop->getLine();
  }

  // `when true +0`, in place of a rule with a syntax error.
  WhenRule stand_in_rule(Loc l) {
    WhenRule r;
    r.loc = l;
    r.cond = make(ExprKind::Bool, l);
    r.cond->number = 1;
    Weight w;
    w.loc = l;
    w.expr = make(ExprKind::Number, l);
    r.weight = std::move(w);
    return r;
  }

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
      size_t at = i;
      char n = s[++i];
      switch (n) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        default: {
          // Point at the escape itself: strings are on one line.
          Loc el = l;
          if (el.valid()) {
            el.col += static_cast<int>(at);
            el.length = 2;
          }
          diags_.error("E002", el, fmt::format("unknown escape '\\{}' in a string", n),
                       "write \\\\ for a backslash; the escapes are \\\" \\\\ \\n and \\t");
        }
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
      if (has_error_node(f)) continue;
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
      diags_.error("E005", rule_loc, "this rule has no weight",
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
      if (broken(item)) {
        // Stand-ins keep the checker from saying more about a reported statement:
        // a broken rule still counts as a rule, a broken 'tiers' as the tiers.
        if (auto* t = dynamic_cast<ScoreParser::TiersItemContext*>(item); t && !s.tiers) s.tiers = TierList{loc(t->TIERS()), {}};
        if (dynamic_cast<ScoreParser::OnRuleContext*>(item) || dynamic_cast<ScoreParser::WhenRuleContext*>(item))
          s.when_rules.push_back(stand_in_rule(loc(item)));
        continue;
      }
      if (auto* d = dynamic_cast<ScoreParser::DecayItemContext*>(item)) {
        if (s.decay) diags_.error("E004", loc(d->DECAY()), fmt::format("score '{}' has more than one 'decay'", s.name));
        DecaySpec spec;
        spec.loc = loc(d);
        spec.kind = text(d->IDENT());
        spec.kind_loc = loc(d->IDENT());
        if (d->expr()) spec.param = expr(d->expr());
        s.decay = std::move(spec);
      } else if (auto* w = dynamic_cast<ScoreParser::WindowItemContext*>(item)) {
        if (s.window) diags_.error("E004", loc(w->WINDOW()), fmt::format("score '{}' has more than one 'window'", s.name));
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
        warn_modifiers_on_new_lines(on);
        s.on_rules.push_back(std::move(r));
      } else if (auto* wr = dynamic_cast<ScoreParser::WhenRuleContext*>(item)) {
        s.when_rules.push_back(when_rule(wr->WHEN(), wr->expr()));
      } else if (auto* sc = dynamic_cast<ScoreParser::ScaleItemContext*>(item)) {
        if (s.scale) diags_.error("E004", loc(sc->SCALE()), fmt::format("score '{}' has more than one 'scale'", s.name));
        ScaleSpec spec;
        spec.loc = loc(sc);
        spec.kind = text(sc->IDENT());
        spec.kind_loc = loc(sc->IDENT());
        auto rs = sc->range();
        if (!rs.empty()) spec.from = range(rs[0]);
        if (rs.size() > 1) spec.to = range(rs[1]);
        s.scale = std::move(spec);
      } else if (auto* t = dynamic_cast<ScoreParser::TiersItemContext*>(item)) {
        if (s.tiers) diags_.error("E004", loc(t->TIERS()), fmt::format("score '{}' has more than one 'tiers'", s.name));
        s.tiers = tier_list(t->tierList(), loc(t->TIERS()));
      }
    }
    return s;
  }

  // A line break does not end a rule: a `cap 100` on the line below `on x +3` belongs to
  // that rule. Legal, but easily misread (as a score-wide cap, or as belonging to the
  // next rule), so a modifier that starts a line after the weight's last line is W023.
  void warn_modifiers_on_new_lines(ScoreParser::OnRuleContext* on) {
    antlr4::Token* before = on->weight() ? on->weight()->getStop() : on->expr() ? on->expr()->getStop() : symbol_or_start(on->IDENT(), on);
    for (auto* m : on->modifier()) {
      antlr4::Token* first = m->getStart();
      if (before && first && first->getLine() > before->getLine()) {
        std::string word = first->getText();
        diags_.warning("W023", loc(first),
                       fmt::format("'{}' begins a new line, but it belongs to the rule on line {} ('on {}')", word,
                                   on->getStart()->getLine(), text(on->IDENT())),
                       fmt::format("put it on the line where the rule's weight ends to keep it, or remove it; a score "
                                   "has no '{}' of its own",
                                   word));
      }
      before = m->getStop();
    }
  }

  // The weight of a `when` rule is always inside its condition (Score.g4, weight).
  WhenRule when_rule(antlr4::tree::TerminalNode* when, ScoreParser::ExprContext* e) {
    WhenRule r;
    r.loc = loc(when);
    if (e) r.cond = expr(e);
    r.weight = finish_weight(r.cond, nullptr, r.loc);
    return r;
  }

  GradeDecl grade_decl(ScoreParser::GradeDeclContext* c) {
    GradeDecl g;
    g.name = text(c->IDENT());
    g.loc = loc(c->IDENT());
    for (auto* item : c->gradeItem()) {
      if (broken(item)) {
        if (auto* l = dynamic_cast<ScoreParser::GradeLettersContext*>(item); l && !g.letters) g.letters = TierList{loc(l->LETTERS()), {}};
        if (dynamic_cast<ScoreParser::GradeWhenContext*>(item)) g.when_rules.push_back(stand_in_rule(loc(item)));
        continue;
      }
      if (auto* w = dynamic_cast<ScoreParser::GradeWhenContext*>(item)) {
        g.when_rules.push_back(when_rule(w->WHEN(), w->expr()));
      } else if (auto* l = dynamic_cast<ScoreParser::GradeLettersContext*>(item)) {
        if (g.letters) diags_.error("E004", loc(l->LETTERS()), fmt::format("grade '{}' has more than one 'letters'", g.name));
        g.letters = tier_list(l->tierList(), loc(l->LETTERS()));
      }
    }
    return g;
  }

  SegmentDecl segment_decl(ScoreParser::SegmentDeclContext* c) {
    if (broken(c)) {  // keep the name for the segments after it; the error is reported
      auto t = make(ExprKind::Bool, loc(c->IDENT()));
      t->number = 1;
      return {text(c->IDENT()), loc(c->IDENT()), std::move(t)};
    }
    return {text(c->IDENT()), loc(c->IDENT()), expr(c->expr())};
  }

  // ----- tests

  std::vector<TestValue> test_values(ScoreParser::TestFieldListContext* c) {
    std::vector<TestValue> out;
    if (!c) return out;
    for (auto* f : c->testField()) {
      if (has_error_node(f)) continue;
      out.push_back({text(f->IDENT()), loc(f->IDENT()), expr(f->expr())});
    }
    return out;
  }

  TestDecl test_decl(ScoreParser::TestDeclContext* c) {
    TestDecl t;
    t.loc = loc(c->STRING());
    if (c->STRING()) t.name = unquote(c->STRING()->getText(), t.loc);
    t.incomplete = broken(c);
    for (auto* item : c->testItem()) {
      if (broken(item)) {
        t.incomplete = true;
        continue;
      }
      if (auto* p = dynamic_cast<ScoreParser::TestProfileContext*>(item)) {
        if (t.has_profile) diags_.error("E004", loc(p->PROFILE()), fmt::format("test \"{}\" has more than one 'profile'", t.name));
        t.has_profile = true;
        for (auto& v : test_values(p->testFieldList())) t.profile.push_back(std::move(v));
      } else if (auto* e = dynamic_cast<ScoreParser::TestEventsContext*>(item)) {
        if (text(e->IDENT()) != "events") {
          diags_.error("E001", loc(e->IDENT()), fmt::format("unexpected '{}' in a test", text(e->IDENT())),
                       "a test holds 'profile { }', 'events { }', 'as_of DATE' and 'expect' lines");
          t.incomplete = true;
          continue;
        }
        for (auto* ev : e->testEvent()) {
          TestEvent te;
          te.loc = loc(ev->TIMESTAMP());
          auto v = parse_iso8601(ev->TIMESTAMP()->getText());
          if (!v) diags_.error("E002", te.loc, fmt::format("'{}' is not a valid date", ev->TIMESTAMP()->getText()),
                               "dates look like 2024-03-01 or 2024-03-01T10:00:00Z");
          te.ts = v.value_or(0);
          te.event = text(ev->IDENT());
          te.event_loc = loc(ev->IDENT());
          te.props = test_values(ev->testFieldList());
          t.events.push_back(std::move(te));
        }
      } else if (auto* a = dynamic_cast<ScoreParser::TestAsOfContext*>(item)) {
        if (text(a->IDENT()) != "as_of") {
          diags_.error("E001", loc(a->IDENT()), fmt::format("unexpected '{}' in a test", text(a->IDENT())),
                       "a test holds 'profile { }', 'events { }', 'as_of DATE' and 'expect' lines");
          t.incomplete = true;
          continue;
        }
        if (t.as_of) diags_.error("E004", loc(a->IDENT()), fmt::format("test \"{}\" has more than one 'as_of'", t.name));
        t.as_of = expr(a->expr());
      } else if (auto* x = dynamic_cast<ScoreParser::TestExpectContext*>(item)) {
        TestExpect te;
        te.loc = loc(x->EXPECT());
        te.cond = expr(x->expr());
        if (x->IDENT()) {
          if (text(x->IDENT()) != "within") {
            diags_.error("E001", loc(x->IDENT()), fmt::format("unexpected '{}' after an expectation", text(x->IDENT())),
                         "write 'expect engagement.raw within 10..20' for a range");
            t.incomplete = true;
            continue;
          }
          if (x->range()) te.within = range(x->range());
        }
        t.expects.push_back(std::move(te));
      }
    }
    return t;
  }

  // ----- expressions

  // An operator's token, or the construct's first token where error recovery left the
  // operator out of the tree.
  static antlr4::Token* symbol_or_start(antlr4::tree::TerminalNode* n, antlr4::ParserRuleContext* c) {
    return n ? n->getSymbol() : c->getStart();
  }

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
    if (depth_ > kMaxExprTerms + 4 * kMaxNesting) {
      if (!too_deep_reported_) diags_.error("E003", loc(c), "this expression is too long or too deeply nested",
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
      return binary("and", symbol_or_start(m->AND(), m), m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::OrExprContext*>(c))
      return binary("or", symbol_or_start(m->OR(), m), m->expr(0), m->expr(1));
    if (auto* m = dynamic_cast<ScoreParser::InExprContext*>(c)) {
      // `3 not` with no `in`: the syntax error is reported; keep only the left side
      // so that no second, location-less error follows from the missing list.
      if (!m->IN()) return expr(m->expr(0));
      return binary(m->NOT() ? "not in" : "in", m->IN()->getSymbol(), m->expr(0), m->expr(1), ExprKind::In);
    }
    return make(ExprKind::Null, loc(c));
  }

  // A number glued to a word that is no duration unit (6m, 1month, 30days).
  void bad_duration(const std::string& text, Loc l) {
    size_t digits = 0;
    while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) ++digits;
    std::string number = text.substr(0, digits), unit = text.substr(digits);
    std::string lower = unit;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    static const std::pair<std::set<std::string>, const char*> kSpellings[] = {
        {{"sec", "secs", "second", "seconds"}, "s"},    {{"mins", "minute", "minutes"}, "min"},
        {{"hr", "hrs", "hour", "hours"}, "h"},          {{"day", "days"}, "d"},
        {{"wk", "wks", "week", "weeks"}, "w"},          {{"mon", "mos", "month", "months"}, "mo"},
    };
    std::string hint = "the units are s, min, h, d, w and mo (30 days), written right after the number";
    for (const auto& [names, u] : kSpellings)
      if (names.count(lower)) hint = fmt::format("write {}{}", number, u);
    if (lower == "m")
      hint = fmt::format("'m' could mean minutes or months: write {0}min for minutes, or {0}mo for months of 30 days", number);
    else if (lower == "y" || lower == "yr" || lower == "yrs" || lower == "year" || lower == "years")
      hint = "years are not a unit (their length varies): write 365d";
    diags_.error("E002", l, fmt::format("'{}' is not a duration: '{}' is no unit", text, unit), hint);
  }

  ExprPtr primary(ScoreParser::PrimaryContext* c) {
    if (!c) return make(ExprKind::Null, {});
    Loc l = loc(c);
    if (auto* n = dynamic_cast<ScoreParser::NumberLitContext*>(c)) {
      auto e = make(ExprKind::Number, l);
      e->number = std::strtod(n->getText().c_str(), nullptr);
      if (!std::isfinite(e->number)) {
        diags_.error("E002", l, fmt::format("the number {} is too large", abbreviated(n->getText())),
                     "numbers go up to about 1.8e308");
        e->number = 1;  // a stand-in no other check objects to
      }
      return e;
    }
    if (auto* d = dynamic_cast<ScoreParser::DurationLitContext*>(c)) {
      auto e = make(ExprKind::Duration, l);
      e->number = parse_duration(d->getText()).value_or(0);
      if (!(e->number <= kMaxDurationSeconds)) {
        diags_.error("E002", l, fmt::format("the duration {} is too long", abbreviated(d->getText())),
                     fmt::format("durations go up to {}", format_duration(kMaxDurationSeconds)));
        e->number = kMaxDurationSeconds;  // a stand-in no other check objects to
      }
      e->text = d->getText();
      return e;
    }
    if (auto* d = dynamic_cast<ScoreParser::BadDurationLitContext*>(c)) {
      bad_duration(d->getText(), l);
      auto e = make(ExprKind::Duration, l);
      e->number = 1;  // a placeholder the checker accepts, so the one error stands alone
      e->text = d->getText();
      return e;
    }
    if (auto* t = dynamic_cast<ScoreParser::TimestampLitContext*>(c)) {
      auto e = make(ExprKind::Timestamp, l);
      auto v = parse_iso8601(t->getText());
      if (!v) diags_.error("E002", l, fmt::format("'{}' is not a valid date", t->getText()), "dates look like 2024-03-01 or 2024-03-01T10:00:00Z");
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
  antlr4::TokenStream* tokens_ = nullptr;
  const std::set<size_t>* syntax_errors_ = nullptr;
  int depth_ = 0;
  bool too_deep_reported_ = false;
  std::map<const Expr*, Loc> op_locs_;
};

}  // namespace

Module parse_module(const SourceManager& sources, int file, Diagnostics& diags) {
  Module empty;
  empty.file = file;
  if (sources.text(file).size() > kMaxSourceBytes) {
    diags.error("E006", Loc{file, 1, 1, 1},
                fmt::format("this file is {} bytes, more than the limit of {} MiB", sources.text(file).size(),
                            kMaxSourceBytes >> 20),
                "split the rules over several files");
    return empty;
  }
  if (!check_utf8(sources, file, diags)) return empty;
  antlr4::ANTLRInputStream input(sources.text(file));
  ScoreLexer lexer(&input);
  // UNKNOWN_CHAR makes the lexer total, so its errors are never needed. ANTLR does not
  // own listeners: this one lives as long as the lexer.
  SilentLexerErrors silent;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&silent);
  // Comments are on the hidden channel (for `scorec fmt`). The parser and the error
  // messages, which look at neighbouring tokens by index, see only the default channel,
  // exactly as when the lexer skipped comments.
  std::vector<std::unique_ptr<antlr4::Token>> visible;
  for (;;) {
    auto t = lexer.nextToken();
    bool eof = t->getType() == antlr4::Token::EOF;
    if (eof || t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) visible.push_back(std::move(t));
    if (eof) break;
  }
  antlr4::ListTokenSource source(std::move(visible));
  antlr4::CommonTokenStream tokens(&source);
  tokens.fill();
  if (!check_limits(file, tokens, diags)) return empty;

  ScoreParser parser(&tokens);
  auto friendly = std::make_shared<FriendlyErrorStrategy>(file, diags);
  ScoreParser::File_Context* tree = parse_file(parser, tokens, friendly);
  AstBuilder builder(file, diags, &tokens, &friendly->error_tokens());
  Module m = builder.build(tree);
  // The expression cut short there would only bring errors about its stand-in.
  if (builder.too_deep()) return empty;
  return m;
}

ScoreParser::File_Context* parse_file(ScoreParser& parser, antlr4::CommonTokenStream& tokens,
                                      std::shared_ptr<antlr4::ANTLRErrorStrategy> on_error) {
  parser.removeErrorListeners();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    return parser.file_();
  } catch (const antlr4::ParseCancellationException&) {
    tokens.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::move(on_error));
    return parser.file_();
  }
}

}  // namespace scorec::frontend
