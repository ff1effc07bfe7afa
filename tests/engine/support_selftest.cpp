// The helpers themselves must report failures, or every test above could pass vacuously.
#include <gtest/gtest-spi.h>

#include "tests/engine/engine_test_common.h"

namespace scorec::testing {
namespace {

TEST(Instants, TIsMarchFirst2024) {
  EXPECT_EQ(ts("2024-03-01T00:00:00Z"), T);
  EXPECT_EQ(ts("2024-02-29T00:00:00Z"), T - kDay);
  // 2024-02-29 starts a 7-day epoch bucket: 1709164800 / 604800 = 2826 exactly.
  EXPECT_EQ(ts("2024-02-29T00:00:00Z"), 2826.0 * 7 * kDay);
}

TEST(Support, CompileErrorsFailTheTestWithDiagnostics) {
  EXPECT_NONFATAL_FAILURE(run_text("score s { on nope +1 }", ev_at("u", "e", T), "", T), "unknown event 'nope'");
}

TEST(Support, UnknownUserOrColumnFails) {
  auto r = run_text("event e {}\nscore s { on e +1 }", ev_at("u", "e", T), "", T);
  EXPECT_EQ(r.num("u", "s_raw"), 1.0);
  EXPECT_NONFATAL_FAILURE(r.num("nobody", "s_raw"), "no user 'nobody'");
  EXPECT_NONFATAL_FAILURE(r.num("u", "s_tier"), "no column 's_tier'");
}

TEST(Support, ExpectCompileErrorFailsOnValidRules) {
  EXPECT_NONFATAL_FAILURE(expect_compile_error("event e {}\nscore s { on e +1 }", "anything"), "but the rules compiled");
}

TEST(Support, NullCellsAreReportedAsNull) {
  // A tier column is null only when no tier matches, which the checker prevents; the
  // helpers' num_opt on a valid number column gives the value.
  auto r = run_text("event e {}\nscore s { on e +2 }", ev_at("u", "e", T), "", T);
  ASSERT_TRUE(r.num_opt("u", "s_raw").has_value());
  EXPECT_EQ(*r.num_opt("u", "s_raw"), 2.0);
  EXPECT_NONFATAL_FAILURE(r.text("u", "s_raw"), "is not text");
}

}  // namespace
}  // namespace scorec::testing
