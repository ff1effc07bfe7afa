// Randomized differential testing, JIT vs interpreter (DESIGN.md §5: "the JIT must
// agree with [the interpreter] on every input, and randomized differential tests prove
// it"). Each seed gives a random valid rule set, random events and profiles; both
// engines run in-process over the same files and every output cell and summary count
// must agree (numbers to 1e-9 relative).
//
//   SCOREC_DIFF_CASES=N   number of seeds (default SCOREC_DIFF_DEFAULT_CASES: 2000, 400
//                         under the sanitizer build)
//   SCOREC_DIFF_SEED=S    run only seed S (prints the case), to reproduce a failure
//   SCOREC_DIFF_FIRST=F   first seed of the range (default 1)
//
// The seeds are split over 8 shards (Differential/RandomCases.EnginesAgree/0..7), separate ctest tests,
// so `ctest -j2 -L differential` uses both cores.
//
// A disagreement is minimized (delta debugging by lines) and printed as a ready-to-paste
// regression test; the files are written under the test's temp folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "tests/differential/case_gen.h"
#include "tests/differential/diff_runner.h"
#include "tests/support/run_helpers.h"

#ifndef SCOREC_DIFF_DEFAULT_CASES
#define SCOREC_DIFF_DEFAULT_CASES 2000
#endif

namespace scorec::difftest {
namespace {

// Failures minimized and printed in full; later ones are only counted, so a broken
// engine does not make the run take hours.
constexpr int kMaxMinimized = 3;

TEST(Differential, GeneratorIsDeterministic) {
  for (uint64_t seed : {1ULL, 42ULL, 977ULL}) {
    Case a = generate_case(seed);
    Case b = generate_case(seed);
    EXPECT_EQ(a.rules, b.rules);
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.profiles, b.profiles);
    EXPECT_EQ(a.as_of, b.as_of);
  }
}

TEST(Differential, MinimizerKeepsOnlyTheLinesThatMatter) {
  Case c = generate_case(5);
  c.stream = true;
  // "Interesting" while the rules keep their first line and the line of the first score,
  // the events keep their third line and the profiles keep their header.
  const std::string rule0 = c.rules[0];
  const std::string score = *std::find_if(c.rules.begin(), c.rules.end(),
                                          [](const std::string& l) { return l.rfind("score ", 0) == 0; });
  ASSERT_GE(c.events.size(), 3u);
  const std::string event = c.events[2];
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  int checks = 0;
  Case m = minimize_with(
      c, [&](const Case& x) { return has(x.rules, rule0) && has(x.rules, score) && has(x.events, event); }, &checks);
  EXPECT_EQ(m.rules, (std::vector<std::string>{rule0, score}));
  EXPECT_EQ(m.events, std::vector<std::string>{event});
  EXPECT_TRUE(m.profiles.empty());
  EXPECT_FALSE(m.stream);
  EXPECT_GT(checks, 0);
}

// The seed range is split into shards, each its own test (and its own ctest test), so
// `ctest -j2` runs them on both cores.
constexpr int kShards = 8;

using Settings = SeedSettings;
Settings settings() { return seed_settings("SCOREC_DIFF", SCOREC_DIFF_DEFAULT_CASES); }

class RandomCases : public ::testing::TestWithParam<int> {};

TEST_P(RandomCases, EnginesAgree) {
  const Settings st = settings();
  const uint64_t shard = static_cast<uint64_t>(GetParam());
  // Seeds first + shard, first + shard + kShards, ...: every shard gets a similar mix.
  if (st.single && shard != 0) GTEST_SKIP() << "SCOREC_DIFF_SEED runs in shard 0";
  const std::string dir = testing::test_temp_dir();

  uint64_t cases = 0, agreed = 0, generator_bugs = 0, failures = 0, users = 0;
  double jit_ms = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = st.single ? 0 : shard; i < st.cases; i += st.single ? 1 : kShards) {
    const uint64_t seed = st.first + i;
    ++cases;
    Case c = generate_case(seed);
    if (st.single) {
      std::cout << "---- seed " << seed << " ----\n" << c.rules_text() << "---- events ----\n" << c.events_text()
                << "---- profiles ----\n" << c.profiles_text() << "---- as of: "
                << (c.as_of ? std::to_string(*c.as_of) : std::string("latest event"))
                << (c.stream ? ", stream chunk " + std::to_string(c.chunk_events) : std::string()) << "\n";
    }
    Comparison cmp = compare_engines(c, dir, st.single.has_value());
    if (st.single) std::cout << "---- interpreter output ----\n" << cmp.table << cmp.summary;
    jit_ms += cmp.jit_compile_ms;
    users += cmp.users;
    switch (cmp.verdict) {
      case Verdict::Agree: ++agreed; break;
      case Verdict::CompileError:
        ++generator_bugs;
        ADD_FAILURE() << "generator bug: seed " << seed << " produced rules that do not compile\n"
                      << cmp.message << "\n---- rules ----\n" << c.rules_text();
        break;
      case Verdict::JitError:
      case Verdict::Disagree: {
        ++failures;
        if (failures > kMaxMinimized) {
          ADD_FAILURE() << "seed " << seed << ": the engines disagree (not minimized; rerun with SCOREC_DIFF_SEED="
                        << seed << ")\n  " << (cmp.diffs.empty() ? cmp.message : cmp.diffs[0]);
          break;
        }
        int checks = 0;
        Case small = minimize(c, dir, &checks);
        Comparison scmp = compare_engines(small, dir);
        std::string case_dir = dir + "/seed_" + std::to_string(seed);
        std::filesystem::create_directories(case_dir);
        auto paths = write_case_files(small, scmp, case_dir);
        std::string files;
        for (const auto& p : paths) files += "  " + p + "\n";
        std::string first_diffs;
        for (size_t k = 0; k < cmp.diffs.size() && k < 10; ++k) first_diffs += "  " + cmp.diffs[k] + "\n";
        ADD_FAILURE() << "seed " << seed << ": the interpreter and the JIT disagree"
                      << (cmp.verdict == Verdict::JitError ? " (JIT error: " + cmp.message + ")" : "") << "\n"
                      << first_diffs << "minimized in " << checks << " checks to:\n"
                      << format_regression(small, scmp, "Seed" + std::to_string(seed)) << "files:\n"
                      << files << "reproduce: SCOREC_DIFF_SEED=" << seed << " ./differential_tests\n";
        break;
      }
    }
  }
  if (failures == 0 && generator_bugs == 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // keep the files of failures only
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "differential shard " << shard << ": " << cases << " cases, " << agreed << " agreed, " << failures
            << " disagreed, " << generator_bugs << " generator bugs; " << users << " user rows compared; " << secs
            << " s (" << (secs > 0 ? static_cast<double>(cases) / secs : 0) << " cases/s, JIT compile "
            << jit_ms / 1000.0 << " s)\n";
}

INSTANTIATE_TEST_SUITE_P(Differential, RandomCases, ::testing::Range(0, kShards));

// The generator must keep exercising every feature: a refactor that silently stops
// generating one would leave it untested. Generation alone is cheap, so this looks at
// the same seeds the shards run (at least 500 of them).
TEST(Differential, GeneratorCoversEveryFeature) {
  const Settings st = settings();
  if (st.single) GTEST_SKIP() << "one seed";
  Coverage coverage;
  const uint64_t n = std::max<uint64_t>(st.cases, 500);
  for (uint64_t i = 0; i < n; ++i) generate_case(st.first + i, &coverage);
  std::cout << "differential: generated features over seeds " << st.first << ".." << st.first + n - 1
            << " (number of uses):\n";
  for (const auto& [what, count] : coverage) std::cout << "  " << what << ": " << count << "\n";
  for (const std::string& must : must_cover()) {
    EXPECT_GT(coverage[must], 0u) << "the generator never produced: " << must;
  }
}

}  // namespace
}  // namespace scorec::difftest
