// The `test` block runner (runtime/report/test_runner.h) with both engines.
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "jit/jit_engine.h"
#include "runtime/report/test_runner.h"
#include "tests/support/run_helpers.h"

namespace scorec {
namespace {

using runtime::NamedEngine;
using runtime::TestOutcome;

const char* kRules = R"(
event email_open  { campaign: string }
event email_click { campaign: string, url: string }
event login       { }
profile { plan: string, signed_up: timestamp, tags: list<string> }

score engagement {
  decay half_life 30d
  on email_open   +3   cap 6 per 7d
  on email_click  +5
  on email_click when contains(url, "pricing")  +2
  when plan == "paid"  +500
  when "vip" in tags   +50
  scale linear 0..1000 to 1..10
  tiers { high >= 7, medium >= 4, low }
}

score email {
  on email_open +1
  scale percentile 1..10
}

grade fit {
  when plan == "paid" +35
  letters { A >= 40, B >= 30, F }
}

segment dormant_30 = days_since(last(login) ?? signed_up) >= 30
)";

// Runs the tests of `rules` with the interpreter and the JIT.
std::vector<TestOutcome> run(const std::string& rules, ir::Program* out = nullptr) {
  auto program = testing::compile_text(rules);
  if (!program) return {};
  auto interp = runtime::make_interpreter();
  auto compiled = jit::compile(*program);
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().str());
  if (!compiled) return {};
  auto jit_engine = jit::make_jit_engine(std::move(*compiled));
  auto outcomes = runtime::run_tests(*program, {{"interpreter", interp.get()}, {"jit", jit_engine.get()}});
  if (out) *out = std::move(*program);
  return outcomes;
}

TEST(TestBlocks, PassingTestWithEveryKindOfExpectation) {
  auto o = run(std::string(kRules) + R"(
test "a paid clicker is high" {
  profile { plan: "paid", signed_up: 2024-01-01, tags: ["vip"] }
  events {
    2024-03-02 email_click { campaign: "spring", url: "/pricing" }
    2024-03-02 email_open { campaign: "spring" }
  }
  as_of 2024-03-02
  expect engagement.raw == 560        // 5 + 2 + 3 + 500 + 50
  expect engagement.raw within 559..561
  expect engagement.raw > 559
  expect engagement.raw != 1
  expect engagement == 6              // 1 + floor(10 * 560 / 1000)
  expect engagement.tier == medium
  expect engagement.tier != "high"
  expect fit == B
  expect fit.points >= 35
  expect dormant_30                   // signed up 61 days ago, never logged in
}
)");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_TRUE(o[0].passed) << o[0].explanation;
  EXPECT_EQ(runtime::format_outcome(o[0]), "ok   a paid clicker is high\n");
}

TEST(TestBlocks, FailureExplainsExpectedActualAndContributions) {
  auto o = run(std::string(kRules) + R"(
test "wrong" {
  profile { plan: "paid" }
  events {
    2024-03-01 email_open { campaign: "a" }
    2024-03-01 email_open { campaign: "b" }
    2024-03-01 email_open { campaign: "c" }
  }
  expect engagement.raw == 509
  expect fit == A
}
)");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_FALSE(o[0].passed);
  EXPECT_EQ(runtime::format_outcome(o[0]),
            "FAIL wrong\n"
            "  expected engagement.raw == 509, but it is 506  (test.score:37:3)\n"
            "  expected fit == A, but it is B  (test.score:38:3)\n"
            "  as of 2024-03-01T00:00:00Z, 3 events  (test.score:30:6)\n"
            "    engagement raw = 506, from:\n"
            "                 6  engagement: on email_open +3 cap 6 per 7d  (test.score:9:6)\n"
            "               500  engagement: when plan == \"paid\" +500  (test.score:12:3)\n"
            "    fit points = 35, from:\n"
            "                35  fit: when plan == \"paid\" +35  (test.score:24:3)\n");
}

TEST(TestBlocks, AsOfDefaultsToTheLatestEventAndLaterEventsAreIgnored) {
  auto o = run(std::string(kRules) + R"(
test "default as_of" {
  events {
    2024-01-01 email_click { campaign: "a", url: "/" }
    2024-01-31 email_open { campaign: "b" }
  }
  expect engagement.raw == 5.5        // 5 x 2^(-30/30) + 3
}

test "explicit as_of" {
  events {
    2024-01-01 email_click { campaign: "a", url: "/" }
    2024-01-31 email_open { campaign: "b" }
  }
  as_of 2024-01-01
  expect engagement.raw == 5          // the open is after the as-of time
}
)");
  ASSERT_EQ(o.size(), 2u);
  EXPECT_TRUE(o[0].passed) << o[0].explanation;
  EXPECT_TRUE(o[1].passed) << o[1].explanation;
}

TEST(TestBlocks, PercentileOfALoneUserIsTheLowestBucket) {
  auto o = run(std::string(kRules) + R"(
test "alone" {
  events {
    2024-03-01 email_open { campaign: "a" }
  }
  expect email.raw == 1
  expect email == 1
}
)");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_TRUE(o[0].passed) << o[0].explanation;
}

TEST(TestBlocks, NullAndMissingValues) {
  auto o = run(std::string(kRules) + R"(
test "nulls" {
  profile { plan: null }
  events {
    2024-03-01 email_click { campaign: "a" }
  }
  expect engagement.raw == 5          // url is null: contains() is null, the +2 rule does not apply
  expect fit == F
  expect not dormant_30               // no login, no signed_up: null, not true
}
)");
  ASSERT_EQ(o.size(), 1u);
  EXPECT_TRUE(o[0].passed) << o[0].explanation;
}

TEST(TestBlocks, BothEnginesGiveTheSameTable) {
  auto program = testing::compile_text(std::string(kRules) + R"(
test "t" {
  profile { plan: "paid", signed_up: 2023-12-01, tags: ["vip", "x"] }
  events {
    2024-02-01T08:00:00Z email_open { campaign: "a" }
    2024-02-03T08:00:00Z email_open { campaign: "a" }
    2024-02-03T09:00:00Z email_open { campaign: "a" }
    2024-02-20T10:00:00Z email_click { campaign: "b", url: "/pricing" }
  }
  as_of 2024-03-01
  expect engagement > 0
}
)");
  ASSERT_TRUE(program);
  ASSERT_EQ(program->tests.size(), 1u);
  auto interp = runtime::make_interpreter();
  auto compiled = jit::compile(*program);
  ASSERT_TRUE(compiled);
  auto jit_engine = jit::make_jit_engine(std::move(*compiled));
  auto a = runtime::run_test_case(*program, program->tests[0], *interp);
  auto b = runtime::run_test_case(*program, program->tests[0], *jit_engine);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].texts, b.columns[c].texts);
    ASSERT_EQ(a.columns[c].numbers.size(), b.columns[c].numbers.size());
    for (size_t i = 0; i < a.columns[c].numbers.size(); ++i) EXPECT_REL(b.columns[c].numbers[i], a.columns[c].numbers[i]);
  }
}

TEST(TestBlocks, TestsDoNotChangeTheScoringIr) {
  auto with = testing::compile_text(std::string(kRules) + R"(
test "t" {
  as_of 2024-03-01
  expect not dormant_30
}
)");
  auto without = testing::compile_text(kRules);
  ASSERT_TRUE(with && without);
  EXPECT_EQ(ir::print_program(*with), ir::print_program(*without));
  EXPECT_EQ(with->tests.size(), 1u);
  EXPECT_TRUE(without->tests.empty());
}

TEST(TestBlocks, CheckerErrors) {
  testing::expect_compile_error(std::string(kRules) + R"(
test "t" {
  events { 2024-03-01 email_opn { campaign: "a" } }
  expect engagement.raw == 3
})",
                                "did you mean 'email_open'?");
  testing::expect_compile_error(std::string(kRules) + R"(
test "t" {
  as_of 2024-03-01
  expect engagement.tier == hihg
})",
                                "error[E018]");
  testing::expect_compile_error(std::string(kRules) + R"(
test "t" {
  profile { plan: 3 }
  as_of 2024-03-01
  expect dormant_30
})",
                                "'plan' is a string, but this is a number");
}

}  // namespace
}  // namespace scorec
