// Test helpers: compile rules held in a string, run them with the reference
// interpreter over events (NDJSON text) and profiles (CSV text), and read the result
// table by (user, column).
//
//   auto r = scorec::testing::run_text(R"(event e {} score s { on e +1 })",
//                                      R"({"user_id":"u","event":"e","timestamp":"2024-01-01T00:00:00Z"})");
//   EXPECT_EQ(r.num("u", "s_raw"), 1.0);
//
// Failures (compile errors, run errors, unknown users or columns) are reported as
// GoogleTest failures with the rendered diagnostics, and the accessors then return a
// neutral value (NaN, "", false) so the test keeps going and reports everything.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "frontend/compiler.h"
#include "ir/program.h"
#include "runtime/engine/driver.h"
#include "runtime/result_table.h"

namespace scorec::testing {

// Epoch seconds of an ISO-8601 timestamp ("2024-03-01", "2024-03-01T10:00:00Z");
// fails the test on a malformed literal.
double ts(const std::string& iso);

// The ISO-8601 text of epoch seconds ("2024-03-01T00:00:00Z").
std::string iso(double epoch_seconds);

constexpr double kMinute = 60;
constexpr double kHour = 3600;
constexpr double kDay = 86400;

// One NDJSON event line: {"user_id":U,"event":E,"timestamp":T<, props>}. `props` is
// raw JSON members without braces, e.g. R"("amount": 12, "currency": "EUR")".
std::string ev(const std::string& user, const std::string& event, const std::string& iso_time,
               const std::string& props = "");

// The same event at an epoch-seconds instant.
inline std::string ev_at(const std::string& user, const std::string& event, double epoch_seconds,
                         const std::string& props = "") {
  return ev(user, event, iso(epoch_seconds), props);
}

// |actual - expected| <= 1e-9 relative (absolute 1e-9 near zero): DESIGN.md's tolerance.
#define EXPECT_REL(actual, expected)                                                          \
  do {                                                                                       \
    const double scorec_e_ = (expected);                                                     \
    EXPECT_NEAR((actual), scorec_e_, 1e-9 * std::max(1.0, std::fabs(scorec_e_))) << #actual; \
  } while (0)

struct RunResult {
  bool ok = false;            // compiled and ran without error
  std::string error;          // the rendered diagnostics or run error when !ok
  ir::Program program;        // the compiled program (empty when compilation failed)
  runtime::ResultTable table;
  runtime::RunSummary summary;

  bool has_user(const std::string& user) const;
  bool has_column(const std::string& column) const;
  std::vector<std::string> users() const { return table.user_ids; }
  std::vector<std::string> columns() const;

  // The value of a cell; a null cell gives nullopt. Unknown user or column: a test
  // failure and nullopt.
  std::optional<double> num_opt(const std::string& user, const std::string& column) const;
  std::optional<std::string> text_opt(const std::string& user, const std::string& column) const;
  // The same, failing the test when the cell is null (NaN / "" / false then).
  double num(const std::string& user, const std::string& column) const;
  std::string text(const std::string& user, const std::string& column) const;
  bool flag(const std::string& user, const std::string& column) const;
  // Null weights counted for the event rule with the given label substring (sum over
  // matching rules); fails when no rule label contains it.
  uint64_t null_weights_of_rule(const std::string& label_part) const;

 private:
  const runtime::ResultColumn* col(const std::string& column) const;
  long row(const std::string& user) const;
};

// Compiles `rules_text`; on errors, fails the test (ADD_FAILURE) with the rendered
// diagnostics and returns nullopt.
std::optional<ir::Program> compile_text(const std::string& rules_text);

// Compiles and runs. `events_ndjson` and `profiles_csv` are file contents (profiles
// may be empty: no profiles file). `tweaks` supplies the remaining RunOptions
// (mappings, stream, skip_bad); its paths and as_of are overwritten.
RunResult run_text(const std::string& rules_text, const std::string& events_ndjson,
                   const std::string& profiles_csv = "", std::optional<double> as_of = {},
                   runtime::RunOptions tweaks = {});

// Compiles `rules_text` and expects it to fail with a diagnostic (error) whose rendered
// text contains `substring`. Returns the rendered diagnostics.
std::string expect_compile_error(const std::string& rules_text, const std::string& substring);

// A fresh folder for one test's files, under the system temp dir, named after the
// running test; removed at process exit is not guaranteed (small files only).
std::string test_temp_dir();

}  // namespace scorec::testing
