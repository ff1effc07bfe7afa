// `scorec test --junit FILE`: the outcomes as JUnit XML, the format CI test reporters
// (GitHub, GitLab, Jenkins, Azure) read. One <testsuite> per rules file, one
// <testcase> per test block; a failed test carries its explanation in <failure>, and a
// file that does not compile is one <testcase> with an <error> holding the
// diagnostics.
#pragma once

#include <string>
#include <vector>

#include "runtime/report/test_runner.h"

namespace scorec::runtime {

struct JunitSuite {
  std::string file;
  std::vector<TestOutcome> outcomes;
  std::string compile_errors;  // the rendered diagnostics when the file did not compile
};

std::string junit_xml(const std::vector<JunitSuite>& suites);

}  // namespace scorec::runtime
