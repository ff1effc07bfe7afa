#include "runtime/report/test_runner.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "runtime/engine/finalize.h"
#include "runtime/engine/observer.h"
#include "runtime/engine/run_state.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

constexpr const char* kUser = "test";

// Numbers compare with DESIGN.md's tolerance: 1e-9 relative (absolute near zero).
bool near(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

double value_of(const ir::TestValue& v, RunState& run) {
  if (v.type == ir::Type::String) return run.strings.intern(v.text);
  if (v.type == ir::Type::StringList) {
    std::vector<uint32_t> ids;
    for (const auto& s : v.list) ids.push_back(run.strings.intern(s));
    return run.lists.add(std::move(ids));
  }
  return v.number;
}

double as_of_of(const ir::TestCase& t) {
  if (t.as_of) return *t.as_of;
  double m = -1e300;
  for (const auto& e : t.events) m = std::max(m, e.ts);
  return t.events.empty() ? 0 : m;
}

const ResultColumn* column(const ResultTable& t, const std::string& name) {
  for (const auto& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

struct Actual {
  bool valid = false;
  double number = 0;
  std::string text;
  bool is_text = false;
};

Actual actual_of(const ir::Program& p, const ir::TestExpect& x, const ResultTable& t) {
  std::string col;
  switch (x.target) {
    case ir::TestTarget::ScoreRaw: col = p.scores[x.index].name + "_raw"; break;
    case ir::TestTarget::ScoreValue:
      col = p.scores[x.index].scale.kind == ir::ScaleKind::None ? p.scores[x.index].name + "_raw" : p.scores[x.index].name;
      break;
    case ir::TestTarget::ScoreTier: col = p.scores[x.index].name + "_tier"; break;
    case ir::TestTarget::GradePoints: col = p.grades[x.index].name + "_points"; break;
    case ir::TestTarget::GradeLetter: col = p.grades[x.index].name; break;
    case ir::TestTarget::Segment: col = p.segments[x.index].name; break;
  }
  Actual a;
  const ResultColumn* c = column(t, col);
  if (!c || t.rows() == 0) return a;
  a.valid = c->valid.empty() || c->valid[0];
  if (c->kind == ColumnKind::Text) {
    a.is_text = true;
    a.text = c->texts[0];
  } else {
    a.number = c->numbers[0];
  }
  return a;
}

bool holds(const ir::TestExpect& x, const Actual& a) {
  if (!a.valid) return false;
  if (a.is_text) return x.cmp == ir::TestCmp::Eq ? a.text == x.name : a.text != x.name;
  double v = a.number;
  switch (x.cmp) {
    case ir::TestCmp::Eq: return near(v, x.a);
    case ir::TestCmp::Ne: return !near(v, x.a);
    case ir::TestCmp::Lt: return v < x.a && !near(v, x.a);
    case ir::TestCmp::Le: return v <= x.a || near(v, x.a);
    case ir::TestCmp::Gt: return v > x.a && !near(v, x.a);
    case ir::TestCmp::Ge: return v >= x.a || near(v, x.a);
    case ir::TestCmp::Within: return (v >= x.a || near(v, x.a)) && (v <= x.b || near(v, x.b));
    case ir::TestCmp::IsTrue: return v != 0;
    case ir::TestCmp::IsFalse: return v == 0;
  }
  return false;
}

std::string show(const ir::TestExpect& x, const Actual& a) {
  if (!a.valid) return "null";
  if (a.is_text) return a.text;
  if (x.target == ir::TestTarget::Segment) return a.number != 0 ? "true" : "false";
  return format_number(a.number);
}

// Each rule's and term's part of the raw scores and grade points of the test's user,
// as the reference interpreter adds them.
class Contributions final : public EngineObserver {
 public:
  explicit Contributions(const ir::Program& p)
      : by_rule(p.rules.size()), by_score_term(p.scores.size()), by_grade_term(p.grades.size()) {
    for (size_t s = 0; s < p.scores.size(); ++s) by_score_term[s].resize(p.scores[s].terms.size());
    for (size_t g = 0; g < p.grades.size(); ++g) by_grade_term[g].resize(p.grades[g].terms.size());
  }
  void after_as_of(const EventBatch&, uint32_t) override {}
  void rule(const EventBatch&, const RuleStep& s) override { by_rule[s.rule] += s.contribution; }
  void term(const TermStep& s) override {
    (s.score >= 0 ? by_score_term[s.score] : by_grade_term[s.grade])[s.term] = s.contribution;
  }

  std::vector<double> by_rule;                     // Σ contributions, by Program::rules index
  std::vector<std::vector<double>> by_score_term;  // by score, then term
  std::vector<std::vector<double>> by_grade_term;
};

// What made the raw value of a score (or the points of a grade): the contributions.
std::string contributions(const ir::Program& p, const ir::TestExpect& x, const Contributions& c) {
  std::string out;
  int score = -1, grade = -1;
  switch (x.target) {
    case ir::TestTarget::ScoreRaw:
    case ir::TestTarget::ScoreValue:
    case ir::TestTarget::ScoreTier: score = x.index; break;
    case ir::TestTarget::GradePoints:
    case ir::TestTarget::GradeLetter: grade = x.index; break;
    case ir::TestTarget::Segment: return out;
  }
  const std::string& owner = score >= 0 ? p.scores[score].name : p.grades[grade].name;
  std::string lines;
  double total = 0;
  if (score >= 0) {
    for (const auto& r : p.rules) {
      if (r.score != score) continue;
      double v = c.by_rule[static_cast<size_t>(r.id)];
      if (v == 0) continue;
      total += v;
      lines += fmt::format("      {:>12}  {}  ({})\n", format_number(v), r.label, r.where);
    }
  }
  const auto& terms = score >= 0 ? p.scores[score].terms : p.grades[grade].terms;
  const auto& values = score >= 0 ? c.by_score_term[score] : c.by_grade_term[grade];
  for (size_t i = 0; i < terms.size(); ++i) {
    double v = values[i];
    if (v == 0) continue;
    total += v;
    lines += fmt::format("      {:>12}  {}  ({})\n", format_number(v), terms[i].label, terms[i].where);
  }
  out += fmt::format("    {} {} = {}, from:\n", owner, score >= 0 ? "raw" : "points", format_number(total));
  if (lines.empty()) lines = "      (no rule contributed)\n";
  return out + lines;
}

}  // namespace

ResultTable run_test_case(const ir::Program& program, const ir::TestCase& test, Engine& engine) {
  RunState run(program);
  uint32_t user = run.users.intern(kUser);
  run.profiles.grow(1);
  for (const auto& v : test.profile) {
    if (v.valid) run.profiles.set(user, static_cast<size_t>(v.index), value_of(v, run));
  }
  EventBatch batch;
  batch.reset(program.schema.num_columns);
  uint64_t line = 0;
  for (const auto& e : test.events) {
    batch.user.push_back(user);
    batch.type.push_back(static_cast<uint16_t>(e.event));
    batch.ts.push_back(e.ts);
    batch.line.push_back(++line);
    for (auto& c : batch.columns) c.push(0, false);
    for (const auto& v : e.props) {
      auto& c = batch.columns[static_cast<size_t>(v.index)];
      c.values.back() = v.valid ? value_of(v, run) : 0;
      c.valid.back() = v.valid ? 1 : 0;
    }
  }
  run.as_of = as_of_of(test);
  run.grow_state();
  std::vector<uint32_t> rows(batch.size());
  std::iota(rows.begin(), rows.end(), 0u);
  std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) { return batch.ts[a] < batch.ts[b]; });
  engine.update(batch, rows, run);
  return finalize(engine, run);
}

std::vector<TestOutcome> run_tests(const ir::Program& program, const std::vector<NamedEngine>& engines) {
  std::vector<TestOutcome> out;
  for (const auto& t : program.tests) {
    TestOutcome o;
    o.name = t.name;
    o.where = t.where;
    o.passed = true;
    std::vector<ResultTable> tables;
    for (const auto& e : engines) tables.push_back(run_test_case(program, t, *e.engine));
    std::vector<bool> explained(program.scores.size() + program.grades.size(), false);
    std::string explain;
    std::optional<Contributions> traced;  // the interpreter's steps, on the first failure
    for (const auto& x : t.expects) {
      std::vector<std::string> wrong;
      Actual ref = actual_of(program, x, tables[0]);
      for (size_t i = 0; i < engines.size(); ++i) {
        Actual a = actual_of(program, x, tables[i]);
        if (!holds(x, a)) wrong.push_back(fmt::format("{} gives {}", engines[i].name, show(x, a)));
      }
      if (wrong.empty()) continue;
      o.passed = false;
      if (wrong.size() == engines.size() || engines.size() == 1)
        o.explanation += fmt::format("  expected {}, but it is {}  ({})\n", x.text, show(x, ref), x.where);
      else
        o.explanation += fmt::format("  expected {}, but {}  ({})\n", x.text, fmt::join(wrong, ", "), x.where);
      size_t key = x.target == ir::TestTarget::GradePoints || x.target == ir::TestTarget::GradeLetter
                       ? program.scores.size() + static_cast<size_t>(x.index)
                       : static_cast<size_t>(x.index);
      if (x.target != ir::TestTarget::Segment && !explained[key]) {
        explained[key] = true;
        if (!traced) {
          traced.emplace(program);
          run_test_case(program, t, *make_interpreter(&*traced));
        }
        explain += contributions(program, x, *traced);
      }
    }
    if (!o.passed) {
      size_t later = 0;
      for (const auto& e : t.events) later += e.ts > as_of_of(t);
      o.explanation += fmt::format("  as of {}, {} event{}{}  ({})\n", format_iso8601(as_of_of(t)), t.events.size(),
                                   t.events.size() == 1 ? "" : "s",
                                   later ? fmt::format(" ({} after the as-of time, ignored)", later) : "", t.where);
      o.explanation += explain;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string format_outcome(const TestOutcome& o) {
  if (o.passed) return fmt::format("ok   {}\n", o.name);
  return fmt::format("FAIL {}\n{}", o.name, o.explanation);
}

}  // namespace scorec::runtime
