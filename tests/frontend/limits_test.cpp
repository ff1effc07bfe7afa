// The input limits of frontend/parser.h: past each one, compiling stops with its
// diagnostic at the place the limit was passed; at the limit, and for large inputs
// below it, compiling completes (and, for the inputs that used to take minutes,
// without the quadratic work: no timing is asserted here; bench/README.md has the
// curves).
#include <string>

#include <gtest/gtest.h>

#include "frontend/compiler.h"
#include "frontend/parser.h"

namespace scorec::frontend {
namespace {

struct Compiled {
  std::optional<ir::Program> program;
  Diagnostics diags;
};

Compiled compile(const std::string& text) {
  Compiled c;
  SourceManager sources;
  c.program = compile_string(text, "limits.score", sources, c.diags);
  return c;
}

const Diagnostic* find(const Diagnostics& d, const std::string& code) {
  for (const auto& x : d.all())
    if (x.code == code) return &x;
  return nullptr;
}

// `on e when x + x + ... > 0 +1` with `terms` x's: terms + 1 operators.
std::string chain_rule(int terms) {
  std::string s = "event e { x: number }\nscore s {\n  on e when x";
  for (int i = 1; i < terms; ++i) s += " + x";
  return s + " > 0 +1\n}\n";
}

TEST(Limits, ExpressionAtTheOperatorLimitCompiles) {
  auto c = compile(chain_rule(kMaxExprTerms - 1));  // kMaxExprTerms operators
  ASSERT_TRUE(c.program) << (c.diags.all().empty() ? "" : c.diags.all()[0].message);
  EXPECT_EQ(c.program->rules.size(), 1u);
}

TEST(Limits, ExpressionPastTheOperatorLimitIsE003AtTheOperator) {
  auto c = compile(chain_rule(kMaxExprTerms));
  EXPECT_FALSE(c.program);
  const Diagnostic* d = find(c.diags, "E003");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "this expression has more than 1000 operators");
  EXPECT_EQ(d->loc.line, 3);
  // The weight's '+' is the operator past the limit.
  std::string text = chain_rule(kMaxExprTerms);
  size_t line3 = text.find('\n', text.find('\n') + 1) + 1;
  EXPECT_EQ(d->loc.col, static_cast<int>(text.rfind('+') - line3 + 1));
  EXPECT_EQ(c.diags.all().size(), 1u);  // nothing cascades from it
}

std::string list_rule(int items) {
  std::string s = "event e { s: string }\nscore s {\n  on e when s in [";
  for (int i = 0; i < items; ++i) s += (i ? ", \"v" : "\"v") + std::to_string(i) + "\"";
  return s + "] +1\n}\n";
}

TEST(Limits, ListAtTheLimitCompilesPastItIsE006) {
  auto ok = compile(list_rule(kMaxListItems));
  ASSERT_TRUE(ok.program);
  auto bad = compile(list_rule(kMaxListItems + 1));
  EXPECT_FALSE(bad.program);
  const Diagnostic* d = find(bad.diags, "E006");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "this list has more than 10000 elements");
  EXPECT_EQ(d->loc.line, 3);
}

std::string many_rules(int n, bool repeat_first = false) {
  std::string s = "event e { x: number }\nscore s {\n";
  for (int i = 0; i < n; ++i) s += "  on e when x > " + std::to_string(i) + " +1\n";
  if (repeat_first) s += "  on e when x > 0 +1\n  when 1 > 0 +2\n  when 1 > 0 +2\n";
  return s + "}\n";
}

TEST(Limits, TwentyThousandRulesCheckAndTheRepeatIsStillFound) {
  auto c = compile(many_rules(20000, true));
  ASSERT_TRUE(c.program);
  EXPECT_EQ(c.program->rules.size(), 20001u);
  int w021 = 0;
  for (const auto& d : c.diags.all())
    if (d.code == "W021") {
      ++w021;
      EXPECT_TRUE(d.message.find("repeats the rule at limits.score:") != std::string::npos) << d.message;
    }
  EXPECT_EQ(w021, 2);  // the `on` repeat of line 3 and the second `when`
  // The `on` repeat names the first rule (line 3, at its event), not a later one.
  EXPECT_EQ(find(c.diags, "W021")->message, "this rule repeats the rule at limits.score:3:6");
}

TEST(Limits, RulesPastTheLimitIsE006AtTheFirstRuleTooMany) {
  auto c = compile(many_rules(kMaxRulesPerFile + 1));
  EXPECT_FALSE(c.program);
  const Diagnostic* d = find(c.diags, "E006");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "this file has more than 50000 rules");
  EXPECT_EQ(d->loc.line, 3 + kMaxRulesPerFile);
}

TEST(Limits, SourcePastTheSizeLimitIsE006) {
  std::string text = "event e { x: number }\n";
  text += std::string(kMaxSourceBytes, '\n');
  auto c = compile(text);
  EXPECT_FALSE(c.program);
  const Diagnostic* d = find(c.diags, "E006");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->loc.line, 1);
  EXPECT_NE(d->message.find("more than the limit of 16 MiB"), std::string::npos);
}

}  // namespace
}  // namespace scorec::frontend
