// `scorec test FILE...`: run the `test` blocks of rules files with both engines (the
// reference interpreter and the JIT) and report each test, then `N passed, M failed`.
// Exit 0 when every test passes, 1 when one fails or a file has errors, 2 on usage.
// --junit FILE also writes the outcomes as JUnit XML for CI test reporters.
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "frontend/compiler.h"
#include "runtime/report/junit.h"
#include "runtime/report/test_runner.h"

namespace scorec::cli {

int test_files(const TestArgs& a) {
  size_t passed = 0, failed = 0;
  bool errors = false;
  std::vector<runtime::JunitSuite> suites;
  for (const auto& file : a.files) {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto program = compile_quietly(file, diags, sources, a.import_paths);
    suites.push_back({file, {}, {}});
    if (!program) {
      std::ostringstream rendered;
      diags.render(rendered, sources, false);
      suites.back().compile_errors = rendered.str();
      diags.render(std::cerr, sources, a.color);
      std::cerr << fmt::format("{}: {} error{} found\n", file, diags.error_count(), diags.error_count() == 1 ? "" : "s");
      errors = true;
      continue;
    }
    if (a.files.size() > 1) std::cout << fmt::format("{}:\n", file);
    if (program->tests.empty()) {
      std::cout << fmt::format("no tests in {}\n", file);
      continue;
    }
    std::vector<runtime::NamedEngine> engines;
    std::unique_ptr<runtime::Engine> interp, jit;
    if (a.engine != "jit") {
      interp = runtime::make_interpreter();
      engines.push_back({"interpreter", interp.get()});
    }
    if (a.engine != "interp") {
      InputArgs ia;
      ia.engine = "jit";
      ia.no_cache = a.no_cache;
      jit = make_engine(*program, ia, file);
      if (!jit) {
        suites.back().compile_errors = "the JIT could not compile the rules";
        errors = true;
        continue;
      }
      engines.push_back({"jit", jit.get()});
    }
    for (const auto& o : runtime::run_tests(*program, engines)) {
      std::cout << runtime::format_outcome(o);
      (o.passed ? passed : failed)++;
      suites.back().outcomes.push_back(o);
    }
  }
  if (!a.junit.empty() && !write_text(a.junit, runtime::junit_xml(suites))) errors = true;
  std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
  std::cout.flush();
  return failed > 0 || errors ? 1 : 0;
}

}  // namespace scorec::cli
