// Randomized property tests of incremental state and partitioned runs, over the random
// cases of the differential tests (tests/differential/case_gen.h), under both engines:
//
//   Continuation: state(A) followed by events B gives the output of one run over A then
//   B, for every feature the generator writes (decay, caps, once, limits, windows,
//   windowed aggregates, percentiles, tiers, grades, segments). The case's events are
//   sorted by time and cut at random points: into two parts, into three or four chained
//   through states, and (for rules without caps or limits, whose results do not depend
//   on event order) into two parts where the second also gets events older than the
//   state's as-of time, which must be applied and counted as late.
//
//   Partitions: `--partition k/N` for N = 1, 2, 3, 7, combined by `scorec finalize`
//   (in order and shuffled), is bit-identical to one run over everything, user order
//   included; and partitions continued from their own states, then finalized, equal one
//   run over everything too.
//
//   SCOREC_STATE_CASES=N   number of seeds (default SCOREC_STATE_DEFAULT_CASES: 300, 60
//                          under the sanitizer build); the partitions test runs the
//                          first half of them
//   SCOREC_STATE_SEED=S    run only seed S, printing the case, to reproduce a failure
//   SCOREC_STATE_FIRST=F   first seed of the range (default 1)
//
// A failure prints the split case (and, when the interpreter reproduces it, the case
// minimized line by line with tests/differential's delta debugging).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>

#include "runtime/partition.h"
#include "tests/differential/case_gen.h"
#include "tests/differential/diff_runner.h"
#include "tests/differential/rng.h"
#include "tests/state/split_check.h"
#include "tests/support/run_helpers.h"

#ifndef SCOREC_STATE_DEFAULT_CASES
#define SCOREC_STATE_DEFAULT_CASES 300
#endif

namespace scorec::statetest {
namespace {

// Several shards (separate ctest tests), so `ctest -j2` uses both cores.
constexpr int kShards = 4;
// Failures minimized (each minimization runs the check up to a few thousand times);
// later ones are printed as they are.
constexpr int kMaxMinimized = 2;

using Settings = difftest::SeedSettings;
Settings settings() { return difftest::seed_settings("SCOREC_STATE", SCOREC_STATE_DEFAULT_CASES); }

// The seeds of one shard: first + shard, first + shard + kShards, ...
std::vector<uint64_t> shard_seeds(const Settings& st, int shard) {
  std::vector<uint64_t> seeds;
  if (st.single) {
    if (shard == 0) seeds.push_back(*st.single);
    return seeds;
  }
  for (uint64_t i = static_cast<uint64_t>(shard); i < st.cases; i += kShards) seeds.push_back(st.first + i);
  return seeds;
}

const EngineKind kEngines[] = {EngineKind::Interpreter, EngineKind::Jit};

struct Variant {
  std::string name;
  Case split;
  const ir::Program* program;
};

// The interpreter's check on a shrunk case: still failing the same way (the case
// compiles, keeps its parts, and the chain differs from the single run).
Case minimize_chain(const Case& failing, const std::string& dir, int* checks) {
  const size_t parts = split_parts(failing).size();
  return difftest::minimize_with(
      failing,
      [&](const Case& x) {
        if (split_parts(x).size() != parts) return false;
        auto program = compile_rules(x.rules_text(), nullptr);
        if (!program) return false;
        auto engine = runtime::make_interpreter();
        Check ch = check_chain(x, *program, *engine, dir);
        return !ch.skipped && !ch.problems.empty();
      },
      checks);
}

std::string problems_text(const Check& ch) {
  std::string out;
  for (const auto& p : ch.problems) out += "  " + p + "\n";
  return out;
}

class Continuation : public ::testing::TestWithParam<int> {};

TEST_P(Continuation, StateThenEventsEqualsOneRun) {
  const Settings st = settings();
  const auto seeds = shard_seeds(st, GetParam());
  if (seeds.empty()) GTEST_SKIP() << "SCOREC_STATE_SEED runs in shard 0";
  const std::string dir = testing::test_temp_dir();
  auto t0 = std::chrono::steady_clock::now();

  Tally two, multi, late;
  uint64_t cases = 0, generator_bugs = 0, failures = 0, minimized = 0, late_cases = 0, late_events = 0;
  uint64_t csv_notes = 0;
  double jit_ms = 0;
  for (uint64_t seed : seeds) {
    Case c = difftest::generate_case(seed);
    std::string error;
    auto program = compile_rules(c.rules_text(), &error);
    if (!program) {
      ++generator_bugs;
      ADD_FAILURE() << "generator bug: seed " << seed << " produced rules that do not compile\n" << error;
      continue;
    }
    ++cases;
    // The late-event variant runs the same case without caps and limits, so that every
    // case has an order-independent rule set to deliver late events to.
    Case free_case = without_caps_and_limits(c);
    std::optional<ir::Program> free_storage;
    const ir::Program* free_program = &*program;
    if (free_case.rules != c.rules) {
      free_storage = compile_rules(free_case.rules_text(), &error);
      free_program = free_storage ? &*free_storage : nullptr;
      if (!free_program)
        ADD_FAILURE() << "seed " << seed << ": the rules without caps and limits do not compile\n"
                      << error << free_case.rules_text();
    }
    // The same splits for both engines.
    difftest::Rng rng(seed * 0x9e3779b97f4a7c15ULL + 1);
    std::vector<Variant> variants;
    variants.push_back({"two parts", make_split_case(c, *program, rng, 2, false), &*program});
    variants.push_back(
        {"chained parts", make_split_case(c, *program, rng, static_cast<int>(rng.range(3, 4)), false), &*program});
    if (free_program && !free_program->order_dependent)
      variants.push_back({"late events", make_split_case(free_case, *free_program, rng, 2, true), free_program});
    if (st.single)
      for (const auto& v : variants)
        std::cout << "==== seed " << seed << ", " << v.name << " ====\n" << describe(v.split);

    for (EngineKind kind : kEngines) {
      // One engine per distinct program (the JIT compiles each once).
      std::unique_ptr<runtime::Engine> engine, free_engine;
      auto tj = std::chrono::steady_clock::now();
      engine = make_engine(kind, *program, &error);
      if (engine && free_program && free_program != &*program) free_engine = make_engine(kind, *free_program, &error);
      jit_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - tj).count();
      if (!engine || (free_program && free_program != &*program && !free_engine)) {
        ++failures;
        ADD_FAILURE() << "seed " << seed << ": the JIT could not compile the rules: " << error;
        continue;
      }
      for (auto& v : variants) {
        runtime::Engine& eng = v.program == &*program ? *engine : *free_engine;
        Check ch = check_chain(v.split, *v.program, eng, dir);
        Tally& t = v.name == "two parts" ? two : v.name == "chained parts" ? multi : late;
        ++t.cases;
        if (ch.skipped) {
          ++t.skipped;
          if (st.single) std::cout << "skipped: the single run failed: " << ch.skip_reason << "\n";
          continue;
        }
        for (const auto& d : ch.diffs) {
          t.add(d);
          if (d.equal && !d.same_csv && csv_notes++ < 3)
            std::cout << "note: seed " << seed << ", " << v.name << ", " << engine_name(kind)
                      << ": equal within 1e-9 but not the same CSV:\n    " << d.csv_note << "\n";
        }
        if (v.name == "late events" && kind == EngineKind::Interpreter) {
          late_cases += ch.late > 0;
          late_events += ch.late;
        }
        if (ch.ok()) continue;
        ++failures;
        ++t.failures;
        std::string report = "seed " + std::to_string(seed) + ", " + v.name + ", " + engine_name(kind) +
                             ": the chain of states differs from one run over everything\n" + problems_text(ch);
        if (minimized < kMaxMinimized && kind == EngineKind::Interpreter) {
          ++minimized;
          int checks = 0;
          Case small = minimize_chain(v.split, dir, &checks);
          auto sp = compile_rules(small.rules_text(), nullptr);
          auto interp = runtime::make_interpreter();
          Check sch = check_chain(small, *sp, *interp, dir);
          report += "minimized in " + std::to_string(checks) + " checks to:\n" + describe(small) + problems_text(sch);
        } else {
          report += describe(v.split);
        }
        ADD_FAILURE() << report << "reproduce: SCOREC_STATE_SEED=" << seed
                      << " ./state_tests --gtest_filter='State/Continuation.*'\n";
      }
    }
  }

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto line = [](const char* name, const Tally& t) {
    std::cout << "  " << name << ": " << t.cases << " runs (case x engine), " << t.skipped << " skipped, " << t.failures
              << " failed; " << t.comparisons << " tables compared with the single run: " << t.identical
              << " bit-identical, " << t.same_csv << " with the same CSV output\n";
  };
  std::cout << "state continuation shard " << GetParam() << ": " << cases << " cases, " << failures
            << " failures, " << secs << " s (engines "
            << jit_ms / 1000 << " s)\n";
  line("two parts", two);
  line("chained parts", multi);
  line("late events", late);
  std::cout << "  late: " << late_cases << " of " << late.cases / 2 << " late-event cases had late events ("
            << late_events << " events)\n";
  if (!st.single) {
    // The property must have been tested, not skipped: a single run that fails means
    // the case exercises nothing.
    EXPECT_LE((two.skipped + multi.skipped + late.skipped) * 20, two.cases + multi.cases + late.cases + 20);
    // The late variant must actually deliver late events: most cases have some.
    EXPECT_GE(late_cases * 3, late.cases / 2);
  }
  if (failures == 0 && generator_bugs == 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

INSTANTIATE_TEST_SUITE_P(State, Continuation, ::testing::Range(0, kShards));

class Partitions : public ::testing::TestWithParam<int> {};

TEST_P(Partitions, FinalizeEqualsOneRun) {
  // Half the seeds: each runs some 20 runs and combinations per engine, and the
  // property is exact, so a break shows on the first cases that exercise it.
  Settings st = settings();
  if (!st.single) st.cases = (st.cases + 1) / 2;
  const auto seeds = shard_seeds(st, GetParam());
  if (seeds.empty()) GTEST_SKIP() << "SCOREC_STATE_SEED runs in shard 0";
  const std::string dir = testing::test_temp_dir();
  auto t0 = std::chrono::steady_clock::now();

  Tally combined, chained;
  uint64_t cases = 0, failures = 0, multi_partition_users = 0, csv_notes = 0;
  for (uint64_t seed : seeds) {
    Case c = difftest::generate_case(seed);
    std::string error;
    auto program = compile_rules(c.rules_text(), &error);
    if (!program) {
      ADD_FAILURE() << "generator bug: seed " << seed << " produced rules that do not compile\n" << error;
      continue;
    }
    ++cases;
    for (EngineKind kind : kEngines) {
      auto engine = make_engine(kind, *program, &error);
      if (!engine) {
        ++failures;
        ADD_FAILURE() << "seed " << seed << ": the JIT could not compile the rules: " << error;
        continue;
      }
      // The same shuffles and splits for both engines.
      difftest::Rng rng(seed * 0x9e3779b97f4a7c15ULL + 2);
      auto fail = [&](const std::string& what, const Check& ch, const Case& shown) {
        ++failures;
        ADD_FAILURE() << "seed " << seed << ", " << engine_name(kind) << ": " << what << "\n"
                      << problems_text(ch) << describe(shown) << "reproduce: SCOREC_STATE_SEED=" << seed
                      << " ./state_tests --gtest_filter='State/Partitions.*'\n";
      };
      for (uint32_t n : {1u, 2u, 3u, 7u}) {
        Check ch = check_partitions(c, *program, *engine, n, rng, dir);
        ++combined.cases;
        if (ch.skipped) {
          ++combined.skipped;
          continue;
        }
        for (const auto& d : ch.diffs) combined.add(d);
        if (!ch.ok()) {
          ++combined.failures;
          fail(std::to_string(n) + " partitions finalized differ from one run over everything", ch, c);
        }
      }
      const uint32_t n = std::vector<uint32_t>{2, 3, 7}[rng.index(3)];
      Case split = make_split_case(c, *program, rng, 2, false);
      Check ch = check_partitioned_chain(split, *program, *engine, n, dir);
      ++chained.cases;
      if (ch.skipped) {
        ++chained.skipped;
        continue;
      }
      for (const auto& d : ch.diffs) {
        chained.add(d);
        if (d.equal && !d.same_csv && csv_notes++ < 3)
          std::cout << "note: seed " << seed << ", partitions continued, " << engine_name(kind)
                    << ": equal within 1e-9 but not the same CSV:\n    " << d.csv_note << "\n";
      }
      if (!ch.ok()) {
        ++chained.failures;
        fail(std::to_string(n) + " partitions continued from their states differ from one run over everything", ch,
             split);
      }
    }
    // How many cases split their users over more than one partition of 7 (the test is
    // only as strong as its spread).
    std::set<uint32_t> used;
    for (const auto& l : classify(c.events, *program)) {
      auto at = l.text.find("\"user_id\":\"");
      if (at == std::string::npos) continue;
      auto end = l.text.find('"', at + 11);
      used.insert(runtime::partition_of(l.text.substr(at + 11, end - at - 11), 7));
    }
    multi_partition_users += used.size() > 1;
  }

  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "state partitions shard " << GetParam() << ": " << cases << " cases (" << multi_partition_users
            << " with users in several of 7 partitions), " << failures << " failures, " << secs << " s\n"
            << "  finalize (N = 1, 2, 3, 7; in order and shuffled): " << combined.comparisons << " tables compared, "
            << combined.identical << " bit-identical, " << combined.skipped << " skipped\n"
            << "  partitions continued, finalized: " << chained.comparisons << " tables compared, " << chained.identical
            << " bit-identical, " << chained.same_csv << " with the same CSV output, " << chained.skipped
            << " skipped\n";
  if (!st.single) {
    EXPECT_LE((combined.skipped + chained.skipped) * 20, combined.cases + chained.cases + 20);
    EXPECT_GT(multi_partition_users * 3, cases);
  }
  if (failures == 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

INSTANTIATE_TEST_SUITE_P(State, Partitions, ::testing::Range(0, kShards));

}  // namespace
}  // namespace scorec::statetest
