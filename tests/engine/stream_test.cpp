// DESIGN.md §4-5: streaming in bounded memory must not change the §3 results.
#include <filesystem>
#include <fstream>

#include "runtime/engine/engine.h"
#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

const char* kRules = R"(event e { v: number }
event login {}
score s {
  decay half_life 10d
  window 30d
  on e + v cap 10 per 1d
  on login +1 once
  when count(e, 5d) >= 2 +100
  scale percentile 1..10
})";

// Events in time order, so the stream's per-user order check passes; the default as-of
// is the last one (T), found by the stream's first pass.
std::string events() {
  return ev("a", "e", "2024-01-20T00:00:00Z", R"("v": 50)") +   // outside the window
         ev("b", "login", "2024-02-10T00:00:00Z") +              // b login: once, age 20d -> 0.25
         ev("a", "e", "2024-02-20T00:00:00Z", R"("v": 6)") +     // a: 6 * 0.5 = 3
         ev("a", "e", "2024-02-20T06:00:00Z", R"("v": 6)") +     // a: 4 accepted * 2^(-234/240)
         ev("b", "login", "2024-02-25T00:00:00Z") +              // once: 0
         ev("b", "e", "2024-02-27T00:00:00Z", R"("v": 2)") +     // b: 2 * 2^-0.3
         ev("b", "e", "2024-03-01T00:00:00Z", R"("v": 1)");      // b: 1; count(e, 5d) = 2 -> +100
}

TEST(Stream, SmallChunksGiveTheSameResultsAsInMemory) {
  //   a = 6 * 2^-1 + 4 * 2^(-9.75/10)              (the 2024-01-20 event is outside 30d)
  //   b = 1 * 2^-2 + 2 * 2^-0.3 + 1 * 2^0 + 100
  //   percentile n = 2: a lower 0 -> 1; b lower 1 -> 1 + floor(10/2) = 6
  const double a = 3.0 + 4.0 * std::exp2(-0.975);
  const double b = 0.25 + 2.0 * std::exp2(-0.3) + 1.0 + 100.0;
  auto mem = run_text(kRules, events());
  runtime::RunOptions o;
  o.stream = true;
  o.chunk_events = 2;
  auto str = run_text(kRules, events(), "", std::nullopt, o);
  for (const RunResult* r : {&mem, &str}) {
    EXPECT_EQ(r->summary.as_of, T);
    EXPECT_REL(r->num("a", "s_raw"), a);
    EXPECT_REL(r->num("b", "s_raw"), b);
    EXPECT_EQ(r->num("a", "s"), 1.0);
    EXPECT_EQ(r->num("b", "s"), 6.0);
    EXPECT_EQ(r->summary.engine.used, 7u);
  }
}

TEST(Stream, OutOfOrderEventsWithCapsAreAnErrorNotAWrongScore) {
  // With caps the engine needs each user's events in time order; across chunks of 1
  // event it cannot sort, so it must refuse rather than cap in the wrong order.
  auto program = compile_text("event e {}\nscore s { on e +3 cap 5 per 1d }");
  ASSERT_TRUE(program.has_value());
  std::string dir = test_temp_dir();
  { std::ofstream(dir + "/e.ndjson") << ev("u", "e", "2024-02-20T02:00:00Z") << ev("u", "e", "2024-02-20T01:00:00Z"); }
  runtime::RunOptions o;
  o.events_path = dir + "/e.ndjson";
  o.stream = true;
  o.chunk_events = 1;
  auto engine = runtime::make_interpreter();
  auto out = runtime::run_rules(*program, o, *engine);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("not in time order"), std::string::npos) << out.error().str();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace scorec::testing
