#include "runtime/report/junit.h"

#include <fmt/format.h>

#include "support/text.h"

namespace scorec::runtime {
namespace {

// "rules.score:12:3" (file:line:col) -> 12; 0 when there is no line.
int line_of(const std::string& where) {
  auto number_after = [&](size_t colon) {
    int n = 0;
    size_t i = colon + 1;
    for (; i < where.size() && where[i] >= '0' && where[i] <= '9'; ++i) n = n * 10 + (where[i] - '0');
    return std::pair<int, size_t>{n, i};
  };
  auto last = where.rfind(':');
  if (last == std::string::npos || last == 0) return 0;
  auto prev = where.rfind(':', last - 1);
  if (prev != std::string::npos && number_after(prev).second == last) return number_after(prev).first;
  return number_after(last).first;
}

// The first line of an explanation, for the failure's message attribute.
std::string first_line(const std::string& text) {
  size_t start = text.find_first_not_of(' ');
  if (start == std::string::npos) return "";
  return text.substr(start, text.find('\n', start) - start);
}

}  // namespace

std::string junit_xml(const std::vector<JunitSuite>& suites) {
  size_t tests = 0, failures = 0, errors = 0;
  std::string body;
  for (const auto& s : suites) {
    size_t f = 0;
    std::string cases;
    for (const auto& o : s.outcomes) {
      std::string attrs = fmt::format(R"(classname="{0}" name="{1}" file="{0}")", xml_escape(s.file), xml_escape(o.name));
      if (int line = line_of(o.where)) attrs += fmt::format(R"( line="{}")", line);
      if (o.passed) {
        cases += fmt::format("    <testcase {}/>\n", attrs);
      } else {
        ++f;
        cases += fmt::format("    <testcase {}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", attrs,
                             xml_escape(first_line(o.explanation)), xml_escape(o.explanation));
      }
    }
    size_t e = s.compile_errors.empty() ? 0 : 1;
    if (e)
      cases += fmt::format(
          "    <testcase classname=\"{0}\" name=\"compile\" file=\"{0}\">\n      <error message=\"the rules file has "
          "errors\">{1}</error>\n    </testcase>\n",
          xml_escape(s.file), xml_escape(s.compile_errors));
    size_t n = s.outcomes.size() + e;
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}  </testsuite>\n",
                        xml_escape(s.file), n, f, e, cases);
    tests += n;
    failures += f;
    errors += e;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"scorec test\" tests=\"{}\" failures=\"{}\" "
      "errors=\"{}\">\n{}</testsuites>\n",
      tests, failures, errors, body);
}

}  // namespace scorec::runtime
