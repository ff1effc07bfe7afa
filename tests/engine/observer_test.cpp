// The interpreter's observer (runtime/engine/observer.h): the steps it reports, with
// hand-computed values, and a traced run that gives the same table as an untraced one.
#include <cmath>
#include <fstream>

#include "runtime/engine/engine.h"
#include "runtime/engine/observer.h"
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

struct Recorder final : runtime::EngineObserver {
  std::vector<runtime::RuleStep> rules;
  std::vector<runtime::TermStep> terms;
  std::vector<uint64_t> later;  // lines of the events after the as-of time
  void after_as_of(const runtime::EventBatch& b, uint32_t row) override { later.push_back(b.line[row]); }
  void rule(const runtime::EventBatch&, const runtime::RuleStep& s) override { rules.push_back(s); }
  void term(const runtime::TermStep& s) override { terms.push_back(s); }
};

const char* kRules = R"(
event e { n: number, ok: bool }
profile { plan: string }
score s {
  decay half_life 1d
  window 10d
  on e when ok + n cap 5 per 1d
  on e +1 once
  when plan == "paid" +7
}
)";

TEST(Observer, ReportsEveryStepInTheEnginesOrder) {
  auto program = compile_text(kRules);
  ASSERT_TRUE(program);
  std::string dir = test_temp_dir();
  runtime::RunOptions o;
  o.events_path = dir + "/events.ndjson";
  std::ofstream(o.events_path)
      << ev("u", "e", "2024-02-01T00:00:00Z", R"("n": 3, "ok": true)")  // line 1: outside the window
      << ev("u", "e", "2024-02-29T00:00:00Z", R"("n": 4, "ok": true)")  // 2: age 1d
      << ev("u", "e", "2024-02-29T06:00:00Z", R"("n": 4, "ok": true)")  // 3: cap: 1 of 4, age 18h
      << ev("u", "e", "2024-02-29T12:00:00Z", R"("n": 4)")              // 4: condition null
      << ev("u", "e", "2024-02-29T18:00:00Z", R"("n": 4, "ok": false)") // 5: condition false
      << ev("u", "e", "2024-02-29T20:00:00Z", R"("ok": true)")          // 6: null weight
      << ev("u", "e", "2024-03-02T00:00:00Z", R"("n": 1, "ok": true)"); // 7: after T
  o.profiles_path = dir + "/profiles.csv";
  std::ofstream(*o.profiles_path) << "user_id,plan\nu,paid\n";
  o.as_of = T;

  Recorder rec;
  auto traced = runtime::make_interpreter(&rec);
  auto a = runtime::run_rules(*program, o, *traced);
  auto plain = runtime::make_interpreter();
  auto b = runtime::run_rules(*program, o, *plain);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->table.columns.size(), b->table.columns.size());
  for (size_t c = 0; c < a->table.columns.size(); ++c)
    EXPECT_EQ(a->table.columns[c].numbers, b->table.columns[c].numbers);

  using F = runtime::RuleFate;
  // Events in time order, each event's rules in source order (rule 0: + n, rule 1: once).
  ASSERT_EQ(rec.rules.size(), 12u);
  auto is = [&](size_t i, int rule, F fate) {
    EXPECT_EQ(rec.rules[i].rule, rule) << i;
    EXPECT_EQ(rec.rules[i].fate, fate) << i;
  };
  is(0, 0, F::OutsideWindow);
  is(1, 1, F::OutsideWindow);
  is(2, 0, F::Counted);
  EXPECT_EQ(rec.rules[2].weight, 4.0);
  EXPECT_EQ(rec.rules[2].accepted, 4.0);
  EXPECT_EQ(rec.rules[2].decay, 0.5);
  EXPECT_EQ(rec.rules[2].contribution, 2.0);
  is(3, 1, F::Counted);  // once: the first event in the window
  EXPECT_EQ(rec.rules[3].contribution, 0.5);
  is(4, 0, F::Counted);  // 4 used of 5: 1 of 4 accepted, age 18h
  EXPECT_EQ(rec.rules[4].cap_used_before, 4.0);
  EXPECT_EQ(rec.rules[4].accepted, 1.0);
  EXPECT_EQ(rec.rules[4].contribution, std::exp2(-0.75));
  is(5, 1, F::LimitSkipped);
  EXPECT_EQ(rec.rules[5].weight, 1.0);
  EXPECT_EQ(rec.rules[5].contribution, 0.0);
  is(6, 0, F::CondNull);
  is(7, 1, F::LimitSkipped);
  is(8, 0, F::CondFalse);
  is(9, 1, F::LimitSkipped);
  is(10, 0, F::NullWeight);
  is(11, 1, F::LimitSkipped);
  for (size_t i = 0; i < rec.rules.size(); ++i) EXPECT_EQ(rec.rules[i].row, i / 2) << i;  // in time order
  EXPECT_EQ(rec.later, std::vector<uint64_t>{7});

  ASSERT_EQ(rec.terms.size(), 1u);
  EXPECT_EQ(rec.terms[0].score, 0);
  EXPECT_EQ(rec.terms[0].term, 0);
  EXPECT_TRUE(rec.terms[0].cond.truthy());
  EXPECT_TRUE(rec.terms[0].weighed);
  EXPECT_EQ(rec.terms[0].contribution, 7.0);
  // raw = 2 + 0.5 + 2^-0.75 + 7, added in that order.
  for (const auto& c : a->table.columns)
    if (c.name == "s_raw") EXPECT_EQ(c.numbers, std::vector<double>{2 + 0.5 + std::exp2(-0.75) + 7});
}

}  // namespace
}  // namespace scorec::testing
