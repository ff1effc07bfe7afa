// The trace `scorec explain` shows is the reference interpreter's own (observer.h):
// on random rule sets and inputs (case_gen.h), every user's traced lines must add up,
// in the engine's order, to the interpreter's raw scores and grade points to the bit,
// and every traced step must be consistent with its fate. A trace that lost a step,
// misreported a cap or a decay, or disagreed with the engine in any way fails here.
//
//   SCOREC_TRACE_CASES=N  number of seeds (default 300)
//   SCOREC_TRACE_SEED=S   run only seed S
//   SCOREC_TRACE_FIRST=F  first seed of the range (default 1)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "frontend/compiler.h"
#include "runtime/engine/driver.h"
#include "runtime/engine/engine.h"
#include "runtime/report/explain.h"
#include "tests/differential/case_gen.h"
#include "tests/differential/diff_runner.h"
#include "tests/support/run_helpers.h"

namespace scorec::difftest {
namespace {

bool same_bits(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Everything wrong with one user's explanation, one line each.
std::vector<std::string> check_user(const ir::Program& p, const report::Explanation& e) {
  std::vector<std::string> bad;
  auto fail = [&](const std::string& what) { bad.push_back("user " + e.user + ": " + what); };
  for (const auto& m : e.mismatches) fail("internal error: " + m);
  for (const auto& st : e.scores) {
    double by_rule = 0, magnitude = 0;
    for (const auto& rt : st.rules) {
      const ir::EventRule& rule = p.rules[static_cast<size_t>(rt.rule)];
      double total = 0;
      for (const auto& ev : rt.events) {
        total += ev.contribution;
        magnitude += std::fabs(ev.contribution);
        const std::string at = st.name + " " + rt.text + " line " + std::to_string(ev.line) + ": ";
        if (ev.fate != report::EventFate::Counted) {
          if (ev.contribution != 0 || ev.capped) fail(at + "a skipped event contributes or is capped");
          continue;
        }
        if (!same_bits(ev.contribution, ev.accepted * ev.decay)) fail(at + "contribution is not accepted × decay");
        if (ev.capped && rule.cap <= 0) fail(at + "capped without a cap");
        if (!ev.capped && !same_bits(ev.accepted, ev.weight)) fail(at + "uncapped, but accepted is not the weight");
        if (std::fabs(ev.accepted) > std::fabs(ev.weight) || ev.accepted * ev.weight < 0)
          fail(at + "the cap let through more than the weight, or flipped its sign");
      }
      if (!same_bits(total, rt.total)) fail(st.name + " " + rt.text + ": subtotal is not the sum of its lines");
      by_rule += total;
    }
    double terms = 0;
    for (const auto& t : st.terms) {
      bool applies = t.cond.value_or(false) && t.weight;
      if (!same_bits(t.contribution, applies ? *t.weight : 0)) fail(st.name + " " + t.text + ": term contribution");
      terms += t.contribution;
      magnitude += std::fabs(t.contribution);
    }
    if (!same_bits(terms, st.terms_sum)) fail(st.name + ": terms_sum is not the sum of the terms");
    // The exact check: the lines in the engine's order are the engine's raw score.
    if (!same_bits(st.raw, st.engine_raw))
      fail(st.name + ": traced raw " + std::to_string(st.raw) + " vs the engine's " + std::to_string(st.engine_raw));
    // Grouped by rule the sum rounds differently, but only within rounding.
    if (std::fabs(by_rule + terms - st.engine_raw) > 1e-9 * std::max(1.0, magnitude) && !std::isnan(st.engine_raw))
      fail(st.name + ": the rules' subtotals and the terms do not add up to the raw score");
  }
  for (const auto& gt : e.grades)
    if (!same_bits(gt.points, gt.engine_points))
      fail(gt.name + ": traced points " + std::to_string(gt.points) + " vs the engine's " +
           std::to_string(gt.engine_points));
  return bad;
}

TEST(Trace, AddsUpToTheEngineOnRandomCases) {
  const SeedSettings st = seed_settings("SCOREC_TRACE", 300);
  const std::string dir = testing::test_temp_dir();
  uint64_t users = 0, events = 0, failures = 0;
  for (uint64_t i = 0; i < st.cases; ++i) {
    const uint64_t seed = st.first + i;
    Case c = generate_case(seed);
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto program = frontend::compile_string(c.rules_text(), "trace.score", sources, diags);
    ASSERT_TRUE(program && !diags.has_errors()) << "seed " << seed << ": generator bug";
    runtime::RunOptions o;
    o.events_path = dir + "/events.ndjson";
    std::ofstream(o.events_path, std::ios::binary) << c.events_text();
    if (!c.profiles.empty()) {
      o.profiles_path = dir + "/profiles.csv";
      std::ofstream(*o.profiles_path, std::ios::binary) << c.profiles_text();
    }
    o.as_of = c.as_of;
    o.skip_bad = true;  // explain reads the file as the run read it: in memory, in time order
    auto interp = runtime::make_interpreter();
    auto run = runtime::run_rules(*program, o, *interp);
    if (!run) continue;  // an unreadable input is the differential test's business
    o.as_of = run->summary.as_of;
    for (const auto& user : run->table.user_ids) {
      auto e = report::explain_user(*program, o, *run, user);
      ASSERT_TRUE(e) << "seed " << seed << " user " << user << ": " << e.error().str();
      ++users;
      for (const auto& s : e->scores)
        for (const auto& r : s.rules) events += r.events.size();
      auto bad = check_user(*program, *e);
      if (bad.empty()) continue;
      ++failures;
      std::string lines;
      for (size_t k = 0; k < bad.size() && k < 10; ++k) lines += "  " + bad[k] + "\n";
      ADD_FAILURE() << "seed " << seed << ": the trace disagrees with the engine\n"
                    << lines << "reproduce: SCOREC_TRACE_SEED=" << seed
                    << " ./differential_tests --gtest_filter=Trace.*\n"
                    << "---- rules ----\n" << c.rules_text();
      if (failures >= 3) return;
    }
  }
  std::cout << "trace: " << users << " users explained, " << events << " traced rule steps\n";
  EXPECT_GT(events, 0u);
}

}  // namespace
}  // namespace scorec::difftest
