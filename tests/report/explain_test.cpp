// `scorec explain` (runtime/report/explain.h): the trace of one user, with hand-computed
// values. T = 2024-03-01T00:00:00Z throughout.
#include "runtime/report/explain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "runtime/engine/engine.h"
#include "tests/support/run_helpers.h"

namespace scorec::testing {
namespace {

constexpr double T = 1709251200.0;  // 2024-03-01T00:00:00Z

struct Traced {
  std::optional<ir::Program> program;
  runtime::RunOutput run;
  report::Explanation e;
};

Traced trace(const std::string& rules, const std::string& events, const std::string& profiles, const std::string& user) {
  Traced t;
  t.program = compile_text(rules);
  if (!t.program) return t;
  std::string dir = test_temp_dir();
  runtime::RunOptions o;
  o.events_path = dir + "/events.ndjson";
  std::ofstream(o.events_path) << events;
  if (!profiles.empty()) {
    o.profiles_path = dir + "/profiles.csv";
    std::ofstream(*o.profiles_path) << profiles;
  }
  o.as_of = T;
  auto engine = runtime::make_interpreter();
  auto run = runtime::run_rules(*t.program, o, *engine);
  if (!run) {
    ADD_FAILURE() << run.error().str();
    return t;
  }
  t.run = std::move(*run);
  auto e = report::explain_user(*t.program, o, t.run, user);
  if (!e) {
    ADD_FAILURE() << e.error().str();
    return t;
  }
  t.e = std::move(*e);
  EXPECT_TRUE(t.e.mismatches.empty()) << t.e.mismatches.front();
  return t;
}

const char* kRules = R"(
event open { campaign: string }
event buy { amount: number }
event quit { }
profile { plan: string, seats: number }
score s {
  decay half_life 10d
  window 30d
  on open +3 cap 5 per 1d
  on buy when amount > 10 + amount
  on quit -10 once
  when plan == "paid" +100
  when plan == "paid" + seats
  when plan == "free" +7
  scale linear 0..200 to 1..10
  tiers { high >= 7, medium >= 4, low }
}
grade fit {
  when plan == "paid" +30
  when seats > 3 +5
  letters { A >= 30, B >= 10, F }
}
segment paying = fit == "A"
)";

std::string events() {
  return ev("u", "open", "2024-02-20T00:00:00Z") +   // age 10d: 3 * 0.5
         ev("u", "open", "2024-02-20T01:00:00Z") +   // cap: 2 of 3
         ev("u", "open", "2024-02-20T02:00:00Z") +   // cap: 0 of 3
         ev("u", "open", "2024-01-15T00:00:00Z") +   // outside the 30d window
         ev("u", "buy", "2024-02-29T00:00:00Z", R"("amount": 5)") +  // condition false
         ev("u", "buy", "2024-02-29T00:00:00Z") +                    // condition on null
         ev("u", "buy", "2024-03-01T00:00:00Z", R"("amount": 20)") + // age 0: 20
         ev("u", "quit", "2024-02-28T00:00:00Z") +   // -10 * 2^-0.2
         ev("u", "quit", "2024-02-29T00:00:00Z") +   // once: skipped
         ev("u", "open", "2024-03-02T00:00:00Z") +   // after T
         ev("other", "open", "2024-02-29T00:00:00Z");
}

TEST(Explain, EventsCapsOnceWindowTermsScaleTier) {
  auto t = trace(kRules, events(), "user_id,plan,seats\nu,paid,\nother,free,9\n", "u");
  ASSERT_EQ(t.e.scores.size(), 1u);
  const auto& s = t.e.scores[0];
  ASSERT_EQ(s.rules.size(), 3u);

  // on open: time order, so the 2024-01-15 event comes first (outside the window).
  const auto& open = s.rules[0].events;
  ASSERT_EQ(open.size(), 4u);
  EXPECT_EQ(open[0].fate, report::EventFate::OutsideWindow);
  EXPECT_EQ(open[1].fate, report::EventFate::Counted);
  EXPECT_EQ(open[1].weight, 3.0);
  EXPECT_FALSE(open[1].capped);
  EXPECT_REL(open[1].decay, 0.5);  // 10d old, half-life 10d
  EXPECT_REL(open[1].contribution, 1.5);
  // The crossing event: 3 used of 5, so 2 of 3 accepted; age 10d - 1h.
  EXPECT_TRUE(open[2].capped);
  EXPECT_EQ(open[2].cap_used_before, 3.0);
  EXPECT_EQ(open[2].accepted, 2.0);
  EXPECT_REL(open[2].decay, 0.5 * std::exp2(1.0 / 240));
  EXPECT_REL(open[2].contribution, std::exp2(1.0 / 240));
  EXPECT_TRUE(open[3].capped);
  EXPECT_EQ(open[3].accepted, 0.0);
  EXPECT_EQ(open[3].contribution, 0.0);
  EXPECT_EQ(s.after_as_of, 1u);

  const auto& buy = s.rules[1].events;
  ASSERT_EQ(buy.size(), 3u);
  EXPECT_EQ(buy[0].fate, report::EventFate::CondFalse);
  // amount > 10 with amount null: the compiled condition treats null as false.
  EXPECT_TRUE(buy[1].fate == report::EventFate::CondNull || buy[1].fate == report::EventFate::CondFalse);
  EXPECT_EQ(buy[2].fate, report::EventFate::Counted);
  EXPECT_EQ(buy[2].decay, 1.0);
  EXPECT_EQ(buy[2].contribution, 20.0);

  const auto& quit = s.rules[2].events;
  ASSERT_EQ(quit.size(), 2u);
  EXPECT_REL(quit[0].contribution, -10 * std::exp2(-0.2));
  EXPECT_EQ(quit[1].fate, report::EventFate::LimitSkipped);
  EXPECT_EQ(quit[1].contribution, 0.0);

  // Terms: +100 applies; + seats has a null weight; plan == "free" is false.
  ASSERT_EQ(s.terms.size(), 3u);
  EXPECT_EQ(s.terms[0].cond, std::optional<bool>(true));
  EXPECT_EQ(s.terms[0].contribution, 100.0);
  EXPECT_EQ(s.terms[1].cond, std::optional<bool>(true));
  EXPECT_FALSE(s.terms[1].weight.has_value());
  EXPECT_EQ(s.terms[1].contribution, 0.0);
  EXPECT_EQ(s.terms[2].cond, std::optional<bool>(false));
  EXPECT_EQ(s.terms_sum, 100.0);

  const double events_sum = 1.5 + std::exp2(1.0 / 240) + 20 - 10 * std::exp2(-0.2);
  EXPECT_REL(s.events_sum, events_sum);
  EXPECT_REL(s.raw, events_sum + 100);  // 113.797386...
  EXPECT_EQ(s.raw, s.engine_raw);       // summed in the engine's order: the same bits
  // 1 + floor(10 * 113.797 / 200) = 1 + 5 = 6 -> medium (>= 4)
  EXPECT_EQ(s.unclamped, 6.0);
  EXPECT_EQ(s.value, 6.0);
  ASSERT_GE(s.tier, 0);
  EXPECT_EQ(t.program->scores[0].tiers[s.tier].name, "medium");

  // Grade: 30 (paid) + the seats term does not apply (seats missing) -> 30 -> A.
  ASSERT_EQ(t.e.grades.size(), 1u);
  EXPECT_FALSE(t.e.grades[0].terms[1].cond.value_or(false));
  EXPECT_EQ(t.e.grades[0].points, 30.0);
  EXPECT_EQ(t.program->grades[0].letters[t.e.grades[0].letter].name, "A");
  ASSERT_EQ(t.e.segments.size(), 1u);
  EXPECT_TRUE(t.e.segments[0].member);

  // The text names the pieces; the JSON has the raw.
  std::string text = report::format_explain_text(*t.program, t.e);
  EXPECT_NE(text.find("capped: 2 of 3 accepted"), std::string::npos) << text;
  EXPECT_NE(text.find("once: already counted, skipped"), std::string::npos) << text;
  EXPECT_NE(text.find("outside the window (30d)"), std::string::npos) << text;
  EXPECT_NE(text.find("applies, but the weight is null"), std::string::npos) << text;
  EXPECT_NE(text.find("1 + floor(10 × (113.797387 − 0) / 200) = 6"), std::string::npos) << text;
  EXPECT_NE(text.find("tier  medium (>= 4)"), std::string::npos) << text;
  EXPECT_EQ(text.find("internal error"), std::string::npos) << text;
  std::string json = report::format_explain_json(*t.program, t.e);
  EXPECT_NE(json.find("\"raw\": 113.797387"), std::string::npos) << json;
  EXPECT_NE(json.find("\"fate\": \"limit_skipped\""), std::string::npos) << json;
}

TEST(Explain, LinearScaleClamps) {
  // 50 opens of +10 without decay: raw 500; 1 + floor(10 * 500 / 100) = 51 -> 10.
  std::string evs;
  for (int i = 0; i < 50; ++i) evs += ev_at("u", "e", T - 3600 * (i + 1));
  auto t = trace("event e {}\nscore s { on e +10\n scale linear 0..100 to 1..10\n tiers { top >= 10, rest } }", evs, "", "u");
  ASSERT_EQ(t.e.scores.size(), 1u);
  EXPECT_EQ(t.e.scores[0].raw, 500.0);
  EXPECT_EQ(t.e.scores[0].unclamped, 51.0);
  EXPECT_EQ(t.e.scores[0].value, 10.0);
  std::string text = report::format_explain_text(*t.program, t.e);
  EXPECT_NE(text.find("= 51 → clamped to 10"), std::string::npos) << text;
  EXPECT_NE(text.find("tier  top (>= 10)"), std::string::npos) << text;
}

TEST(Explain, PercentileRank) {
  // Raw scores x 1, y 2, z 2, w 3 (n = 4). y: 1 user lower -> 1 + floor(4 * 1/4) = 2;
  // w: 3 lower -> 1 + floor(4 * 3/4) = 4.
  std::string evs = ev("x", "e", "2024-02-01") + ev("y", "e", "2024-02-01") + ev("y", "e", "2024-02-02") +
                    ev("z", "e", "2024-02-01") + ev("z", "e", "2024-02-02") + ev("w", "e", "2024-02-01") +
                    ev("w", "e", "2024-02-02") + ev("w", "e", "2024-02-03");
  const char* rules = "event e {}\nscore s { on e +1\n scale percentile 1..4 }";
  auto y = trace(rules, evs, "", "y");
  ASSERT_EQ(y.e.scores.size(), 1u);
  EXPECT_EQ(y.e.scores[0].lower, 1u);
  EXPECT_EQ(y.e.scores[0].population, 4u);
  EXPECT_EQ(y.e.scores[0].value, 2.0);
  EXPECT_NE(report::format_explain_text(*y.program, y.e).find("1 + floor(4 × 1/4) = 2"), std::string::npos);
  auto w = trace(rules, evs, "", "w");
  ASSERT_EQ(w.e.scores.size(), 1u);
  EXPECT_EQ(w.e.scores[0].lower, 3u);
  EXPECT_EQ(w.e.scores[0].value, 4.0);
}

TEST(Explain, NullWeightsAndAggregateTerms) {
  // A null weight contributes 0; a per-user term reads the aggregates of all the
  // user's events: count(visit) = 3 >= 2, so +7. raw = 1 + 0 + 2 + 7 = 10.
  std::string evs = ev("u", "visit", "2024-02-01", R"("secs": 60)") + ev("u", "visit", "2024-02-02") +
                    ev("u", "visit", "2024-02-03", R"("secs": 120)");
  auto t = trace("event visit { secs: number }\nscore s { on visit + secs / 60\n when count(visit) >= 2 +7 }", evs, "", "u");
  ASSERT_EQ(t.e.scores.size(), 1u);
  const auto& v = t.e.scores[0].rules[0].events;
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].fate, report::EventFate::Counted);
  EXPECT_EQ(v[1].fate, report::EventFate::NullWeight);
  EXPECT_EQ(v[1].contribution, 0.0);
  EXPECT_EQ(v[2].contribution, 2.0);
  ASSERT_EQ(t.e.scores[0].terms.size(), 1u);
  EXPECT_EQ(t.e.scores[0].terms[0].contribution, 7.0);
  EXPECT_EQ(t.e.scores[0].raw, 10.0);
  EXPECT_EQ(t.e.scores[0].engine_raw, 10.0);
  EXPECT_NE(report::format_explain_text(*t.program, t.e).find("weight null"), std::string::npos);
}

TEST(Explain, UnknownUserIsAnError) {
  auto program = compile_text("event e {}\nscore s { on e +1 }");
  ASSERT_TRUE(program);
  runtime::RunOutput out;
  out.table.user_ids = {"a"};
  runtime::RunOptions o;
  o.events_path = "nowhere.ndjson";
  auto e = report::explain_user(*program, o, out, "b");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().str().find("user 'b'"), std::string::npos);
}

}  // namespace
}  // namespace scorec::testing
