// `scorec report` (runtime/report/): per-rule contributions summed by the observed
// interpreter (hand-computed), histogram bins, readable numbers, and the HTML's
// escaping of every name and id that comes from the rules or the data. The rendering
// in a browser is tests/report/html_dom_test.py.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "runtime/report/histogram.h"
#include "runtime/report/html_report.h"
#include "runtime/report/readable_number.h"
#include "runtime/report/rule_contributions.h"
#include "tests/support/run_helpers.h"

namespace scorec::testing {
namespace {

constexpr double T = 1709251200.0;  // 2024-03-01T00:00:00Z

std::optional<report::ObservedRun> observe(const ir::Program& program, const std::string& events) {
  runtime::RunOptions o;
  o.events_path = test_temp_dir() + "/events.ndjson";
  std::ofstream(o.events_path) << events;
  o.as_of = T;
  auto run = report::run_with_contributions(program, o);
  if (!run) {
    ADD_FAILURE() << run.error().str();
    return std::nullopt;
  }
  return std::move(*run);
}

const report::RuleTotal& rule(const report::ObservedRun& r, const std::string& label_part) {
  for (const auto& t : r.contributions.rules)
    if (t.label.find(label_part) != std::string::npos) return t;
  ADD_FAILURE() << "no rule " << label_part;
  return r.contributions.rules.front();
}

const char* kRules = R"(
event open { }
event buy { amount: number }
event quit { }
score s {
  on open  +3 cap 5
  on buy   + amount
  on quit  -10 once
  when count(buy) >= 2 +7
}
)";

TEST(RuleContributions, SumsEachRuleOverEveryone) {
  auto program = compile_text(kRules);
  ASSERT_TRUE(program);
  // u1: 3 opens (3 + 2 under the cap of 5, then 0), buys of 10 and 20 (+7 term); u2: one
  // open (3), two quits (once: -10, the second over the limit); u3: nothing scored.
  std::string events = ev("u1", "open", "2024-02-01T00:00:00Z") + ev("u1", "open", "2024-02-02T00:00:00Z") +
                       ev("u1", "open", "2024-02-03T00:00:00Z") +
                       ev("u1", "buy", "2024-02-04T00:00:00Z", R"("amount": 10)") +
                       ev("u1", "buy", "2024-02-05T00:00:00Z", R"("amount": 20)") +
                       ev("u2", "open", "2024-02-01T00:00:00Z") + ev("u2", "quit", "2024-02-02T00:00:00Z") +
                       ev("u2", "quit", "2024-02-03T00:00:00Z") + ev("u3", "buy", "2024-04-01T00:00:00Z", R"("amount": 5)");
  auto r = observe(*program, events);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->contributions.mismatches.empty());
  const auto& open = rule(*r, "on open");
  EXPECT_DOUBLE_EQ(open.points, 8);  // u1: 5 (capped), u2: 3
  EXPECT_EQ(open.events, 4u);        // the third open of u1 is counted, cut to 0 by the cap
  EXPECT_EQ(open.users, 2u);
  const auto& buy = rule(*r, "on buy");
  EXPECT_DOUBLE_EQ(buy.points, 30);  // u3's buy is after the as-of time
  EXPECT_EQ(buy.events, 2u);
  EXPECT_EQ(buy.users, 1u);
  const auto& quit = rule(*r, "on quit");
  EXPECT_DOUBLE_EQ(quit.points, -10);
  EXPECT_EQ(quit.events, 1u);
  EXPECT_EQ(quit.limited, 1u);
  const auto& term = rule(*r, "when count(buy)");
  EXPECT_TRUE(term.term);
  EXPECT_DOUBLE_EQ(term.points, 7);
  EXPECT_EQ(term.users, 1u);
  EXPECT_TRUE(term.fired());
}

TEST(RuleContributions, ARuleThatNeverFired) {
  auto program = compile_text(kRules);
  ASSERT_TRUE(program);
  auto r = observe(*program, ev("u1", "open", "2024-02-01T00:00:00Z"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(rule(*r, "on buy").fired());
  EXPECT_FALSE(rule(*r, "when count(buy)").fired());
  EXPECT_TRUE(rule(*r, "on open").fired());
}

// A link between an anonymousId and a userId found late makes the driver read the
// input again; the totals are those of the last read, not of both.
TEST(RuleContributions, ASecondReadForIdentitiesCountsOnce) {
  auto program = compile_text(kRules);
  ASSERT_TRUE(program);
  std::string events =
      R"({"type":"track","anonymousId":"a1","event":"open","timestamp":"2024-02-01T00:00:00Z"})" "\n"
      R"({"type":"track","anonymousId":"a1","userId":"u1","event":"buy","timestamp":"2024-02-02T00:00:00Z","properties":{"amount":4}})" "\n";
  auto r = observe(*program, events);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->run.summary.identity.merged, 1u);
  EXPECT_EQ(r->run.table.rows(), 1u);
  EXPECT_TRUE(r->contributions.mismatches.empty()) << r->contributions.mismatches.front();
  EXPECT_DOUBLE_EQ(rule(*r, "on open").points, 3);
  EXPECT_EQ(rule(*r, "on open").events, 1u);
  EXPECT_DOUBLE_EQ(rule(*r, "on buy").points, 4);
  EXPECT_EQ(rule(*r, "on buy").users, 1u);
}

TEST(Histogram, WholeValuesGetABarEach) {
  std::vector<double> v{1, 2, 2, 3, 5};
  auto edges = report::histogram_edges({&v}, 24);
  ASSERT_EQ(edges, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  auto h = report::count_into(v, edges);
  EXPECT_EQ(h.counts, (std::vector<uint64_t>{1, 2, 1, 0, 1}));
}

TEST(Histogram, AScaledRangeIsCoveredWhole) {
  std::vector<double> v{2, 3, 3};  // a scale 1..10 that nobody reaches the ends of
  auto edges = report::histogram_edges({&v}, 24, {1, 10});
  EXPECT_EQ(edges, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
}

TEST(Histogram, RoundEdgesCoverEveryValue) {
  std::vector<double> v{0.13, 2.5, 7.77, 9.99, NAN};
  auto edges = report::histogram_edges({&v}, 10);
  ASSERT_FALSE(edges.empty());
  EXPECT_LE(edges.front(), 0.13);
  EXPECT_GT(edges.back(), 9.99);
  EXPECT_DOUBLE_EQ(edges[1] - edges[0], 1);  // range 9.86 / 10 bins: a step of 1
  auto h = report::count_into(v, edges);
  EXPECT_EQ(h.total(), 4u);  // NaN (a null score) is left out
  EXPECT_EQ(h.counts[2], 1u);  // 2.5 in [2, 3)
}

TEST(Histogram, ValuesAreBinnedAsTheCsvWritesThem) {
  // 1.9999999 is written 2 (6 decimals): it is counted in [2, 3), as a reader of the
  // CSV counts it.
  std::vector<double> v{0, 1.9999999, 3};
  auto h = report::count_into(v, {0, 1, 2, 3, 4});
  EXPECT_EQ(h.counts, (std::vector<uint64_t>{1, 0, 1, 1}));
}

TEST(Histogram, ALongTailGetsOpenBins) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(i % 100);
  v.push_back(1e6);  // one user far out
  v.push_back(-1e6);
  auto edges = report::histogram_edges({&v}, 24);
  ASSERT_GE(edges.size(), 4u);
  EXPECT_TRUE(std::isinf(edges.front()) && edges.front() < 0);
  EXPECT_TRUE(std::isinf(edges.back()) && edges.back() > 0);
  EXPECT_LT(edges[edges.size() - 2], 1000);  // the round bars stop near the 99th percentile
  auto h = report::count_into(v, edges);
  EXPECT_EQ(h.total(), v.size());
  EXPECT_EQ(h.counts.front(), 1u);
  EXPECT_EQ(h.counts.back(), 1u);
}

TEST(ReadableNumber, SeparatorsAndPrecision) {
  EXPECT_EQ(scorec::group_digits(0), "0");
  EXPECT_EQ(scorec::group_digits(999), "999");
  EXPECT_EQ(scorec::group_digits(1234567), "1,234,567");
  EXPECT_EQ(report::readable(1250), "1,250");
  EXPECT_EQ(report::readable(-4288.4), "-4,288");
  EXPECT_EQ(report::readable(3.14159), "3.14");
  EXPECT_EQ(report::readable(0.0042), "0.0042");
  EXPECT_EQ(report::readable(42.47), "42.5");
  EXPECT_EQ(report::readable(0), "0");
  EXPECT_EQ(report::readable(-0.0000001), "0");
  EXPECT_EQ(report::percent(0.125), "12.5%");
  EXPECT_EQ(report::percent(0.0001), "<0.1%");
  EXPECT_EQ(report::percent(0), "0.0%");
}

// Rule labels (a string constant), user ids, unknown event names and file names reach
// the page as text, never as markup.
TEST(HtmlReport, EscapesEverythingFromTheRulesAndTheData) {
  auto program = compile_text(R"(
event open { campaign: string }
score s {
  on open when campaign == "<script>alert(1)</script>" +3
  on open +1
  tiers { hot >= 3, cold }
}
segment clicked = count(open) >= 1
)");
  ASSERT_TRUE(program);
  std::string events = ev("<script>alert('id')</script>", "open", "2024-02-01T00:00:00Z",
                          R"("campaign": "<script>alert(1)</script>")") +
                       ev("u\\\"2&", "open", "2024-02-01T00:00:00Z", R"("campaign": "<script>alert(1)</script>")") +
                       ev("u3", "<img src=x onerror=alert(1)>", "2024-02-01T00:00:00Z");
  auto r = observe(*program, events);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->run.summary.events.unknown_events, 1u);
  // A baseline, so user ids appear among the movers.
  auto base_program = compile_text("event open { campaign: string }\nscore s {\n  on open +1\n  tiers { hot >= 3, cold }\n}\n");
  ASSERT_TRUE(base_program);
  auto base = observe(*base_program, events);
  ASSERT_TRUE(base);
  report::ReportInput in;
  in.rules_label = "<b>rules</b>.score";
  in.events_label = "events\".ndjson";
  in.program = &*program;
  in.run = &*r;
  in.baseline = report::ReportBaseline{
      "old<script>.score", &base->run,
      report::diff_results(base->run.table, report::describe(*base_program), r->run.table, report::describe(*program))};
  std::string html = report::html_report(in);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&apos;id&apos;)&lt;/script&gt;"), std::string::npos);  // the user id
  EXPECT_NE(html.find("campaign == &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;"), std::string::npos);  // the rule
  EXPECT_NE(html.find("data-unknown=\"&lt;img src=x onerror=alert(1)&gt;\""), std::string::npos);
  EXPECT_NE(html.find("u&quot;2&amp;"), std::string::npos);
  EXPECT_NE(html.find("events&quot;.ndjson"), std::string::npos);
  // Nothing is loaded from anywhere: no script, no link out, a policy that forbids both.
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(HtmlReport, TierRowsCarryTheRunsCounts) {
  auto program = compile_text(kRules + std::string("score t {\n  on open +1\n  tiers { many >= 2, few >= 1, none }\n}\n"));
  ASSERT_TRUE(program);
  std::string events = ev("u1", "open", "2024-02-01T00:00:00Z") + ev("u1", "open", "2024-02-02T00:00:00Z") +
                       ev("u2", "open", "2024-02-01T00:00:00Z") + ev("u3", "buy", "2024-02-01T00:00:00Z", R"("amount": 1)") +
                       ev("u4", "buy", "2024-02-01T00:00:00Z", R"("amount": 1)");
  auto r = observe(*program, events);
  ASSERT_TRUE(r);
  report::ReportInput in;
  in.rules_label = "r.score";
  in.events_label = "e.ndjson";
  in.program = &*program;
  in.run = &*r;
  std::string html = report::html_report(in);
  EXPECT_NE(html.find(R"(data-score="t" data-tier="many" data-count="1")"), std::string::npos);
  EXPECT_NE(html.find(R"(data-score="t" data-tier="few" data-count="1")"), std::string::npos);
  EXPECT_NE(html.find(R"(data-score="t" data-tier="none" data-count="2")"), std::string::npos);
  EXPECT_NE(html.find(R"(data-input="users" data-count="4")"), std::string::npos);
}

}  // namespace
}  // namespace scorec::testing
