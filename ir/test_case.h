// The `test` blocks of a rules file, checked and resolved against its schema. They sit
// beside the program (Program::tests) and never change how it scores: `scorec run`
// ignores them, `scorec test` (runtime/testing) runs them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/types.h"

namespace scorec::ir {

// A literal value of a test's profile or event. Strings and lists are kept as text:
// the runner interns them into its run's pools.
struct TestValue {
  int index = -1;  // profile attribute, or event property column
  Type type = Type::Null;
  bool valid = false;  // false = null
  double number = 0;   // number, bool (0/1), timestamp, duration
  std::string text;    // string
  std::vector<std::string> list;  // list<string>
};

struct TestEvent {
  double ts = 0;
  int event = -1;
  std::vector<TestValue> props;
};

enum class TestTarget { ScoreRaw, ScoreValue, ScoreTier, GradePoints, GradeLetter, Segment };
enum class TestCmp { Eq, Ne, Lt, Le, Gt, Ge, Within, IsTrue, IsFalse };

struct TestExpect {
  std::string text;  // as written, normalized: "engagement.tier == high"
  std::string where; // file:line
  TestTarget target = TestTarget::ScoreRaw;
  int index = -1;    // score, grade or segment
  TestCmp cmp = TestCmp::Eq;
  double a = 0, b = 0;  // the number (Within: a..b)
  std::string name;     // tier or letter name (text targets)
};

struct TestCase {
  std::string name;
  std::string where;  // file:line
  std::vector<TestValue> profile;
  std::vector<TestEvent> events;
  std::optional<double> as_of;  // default: the latest event of the test
  std::vector<TestExpect> expects;
};

}  // namespace scorec::ir
