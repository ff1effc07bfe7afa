#include "tests/differential/diff_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "frontend/compiler.h"
#include "frontend/diagnostics.h"
#include "frontend/source.h"
#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/engine/driver.h"
#include "runtime/engine/engine.h"
#include "support/time.h"
#include "tests/support/run_helpers.h"

namespace scorec::difftest {
namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

std::string num_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

bool same_number(double a, double b) {
  if (a == b) return true;
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
  return std::fabs(a - b) <= 1e-9 * scale;
}

struct EngineRun {
  bool ok = false;
  std::string error;
  runtime::ResultTable table;
  runtime::RunSummary summary;
};

EngineRun as_run(Expected<runtime::RunOutput> out) {
  EngineRun r;
  if (!out) {
    r.error = out.error().str();
    return r;
  }
  r.ok = true;
  r.table = std::move(out->table);
  r.summary = std::move(out->summary);
  return r;
}

EngineRun run_one(const ir::Program& program, const runtime::RunOptions& o, runtime::Engine& engine) {
  return as_run(runtime::run_rules(program, o, engine));
}

std::string cell_text(const runtime::ResultColumn& c, size_t row) {
  if (!c.valid[row]) return "null";
  switch (c.kind) {
    case runtime::ColumnKind::Text: return "\"" + c.texts[row] + "\"";
    case runtime::ColumnKind::Bool: return c.numbers[row] != 0 ? "true" : "false";
    case runtime::ColumnKind::Number: return num_text(c.numbers[row]);
  }
  return "?";
}

bool same_cell(const runtime::ResultColumn& a, const runtime::ResultColumn& b, size_t row) {
  if (a.valid[row] != b.valid[row]) return false;
  if (!a.valid[row]) return true;
  switch (a.kind) {
    case runtime::ColumnKind::Text: return a.texts[row] == b.texts[row];
    case runtime::ColumnKind::Bool: return (a.numbers[row] != 0) == (b.numbers[row] != 0);
    case runtime::ColumnKind::Number: return same_number(a.numbers[row], b.numbers[row]);
  }
  return false;
}

void compare_runs(const EngineRun& in, const EngineRun& jit, const ir::Program& program, std::vector<std::string>& diffs) {
  if (!in.ok || !jit.ok) {
    if (in.ok != jit.ok || in.error != jit.error)
      diffs.push_back("run result: interpreter " + (in.ok ? std::string("ok") : "error: " + in.error) + " | jit " +
                      (jit.ok ? std::string("ok") : "error: " + jit.error));
    return;
  }
  const auto& a = in.table;
  const auto& b = jit.table;
  if (a.user_ids != b.user_ids) {
    diffs.push_back("user lists differ: interpreter " + std::to_string(a.rows()) + " users, jit " + std::to_string(b.rows()));
    return;
  }
  if (a.columns.size() != b.columns.size()) {
    diffs.push_back("column counts differ");
    return;
  }
  for (size_t c = 0; c < a.columns.size(); ++c) {
    const auto& ca = a.columns[c];
    const auto& cb = b.columns[c];
    if (ca.name != cb.name || ca.kind != cb.kind) {
      diffs.push_back("column " + std::to_string(c) + " differs: " + ca.name + " vs " + cb.name);
      continue;
    }
    for (size_t r = 0; r < a.rows(); ++r) {
      if (same_cell(ca, cb, r)) continue;
      diffs.push_back("user " + a.user_ids[r] + ", " + ca.name + ": interpreter " + cell_text(ca, r) + " | jit " +
                      cell_text(cb, r));
    }
  }
  const auto& ea = in.summary.engine;
  const auto& eb = jit.summary.engine;
  auto count = [&](const char* what, uint64_t x, uint64_t y) {
    if (x != y)
      diffs.push_back(std::string("summary ") + what + ": interpreter " + std::to_string(x) + " | jit " + std::to_string(y));
  };
  count("engine.used", ea.used, eb.used);
  count("engine.future", ea.future, eb.future);
  count("engine.null_weights", ea.null_weights, eb.null_weights);
  size_t n = std::max(ea.null_weights_by_rule.size(), eb.null_weights_by_rule.size());
  for (size_t i = 0; i < n; ++i) {
    uint64_t x = i < ea.null_weights_by_rule.size() ? ea.null_weights_by_rule[i] : 0;
    uint64_t y = i < eb.null_weights_by_rule.size() ? eb.null_weights_by_rule[i] : 0;
    std::string label = i < program.rules.size() ? " [" + program.rules[i].label + "]" : "";
    count(("null_weights_by_rule[" + std::to_string(i) + "]" + label).c_str(), x, y);
  }
  count("users", in.summary.users, jit.summary.users);
}

std::string render_table(const runtime::ResultTable& t) {
  std::string out = "user_id";
  for (const auto& c : t.columns) out += "," + c.name;
  out += "\n";
  for (size_t r = 0; r < t.rows(); ++r) {
    out += t.user_ids[r];
    for (const auto& c : t.columns) out += "," + cell_text(c, r);
    out += "\n";
  }
  return out;
}

}  // namespace

std::vector<std::string> diff_runs(const Expected<runtime::RunOutput>& interpreter,
                                   const Expected<runtime::RunOutput>& jit, const ir::Program& program) {
  std::vector<std::string> diffs;
  compare_runs(as_run(interpreter), as_run(jit), program, diffs);
  return diffs;
}

Comparison compare_engines(const Case& c, const std::string& dir, bool render) {
  Comparison out;
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = frontend::compile_string(c.rules_text(), "diff.score", sources, diags);
  if (!program || diags.has_errors()) {
    std::ostringstream os;
    diags.render(os, sources, false);
    out.verdict = Verdict::CompileError;
    out.message = os.str();
    return out;
  }
  runtime::RunOptions o;
  o.events_path = dir + "/events.ndjson";
  write_file(o.events_path, c.events_text());
  if (!c.profiles.empty()) {
    o.profiles_path = dir + "/profiles.csv";
    write_file(*o.profiles_path, c.profiles_text());
  }
  o.as_of = c.as_of;
  o.skip_bad = true;
  o.stream = c.stream;
  o.chunk_events = c.chunk_events;

  auto interp = runtime::make_interpreter();
  EngineRun in = run_one(*program, o, *interp);
  if (render) {
    out.table = in.ok ? render_table(in.table) : "run failed: " + in.error + "\n";
    if (in.ok) out.summary = runtime::format_summary(in.summary, *program);
  }

  jit::JitOptions jo;
  jo.use_cache = false;
  auto t0 = std::chrono::steady_clock::now();
  auto compiled = jit::compile(*program, jo);
  out.jit_compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!compiled) {
    out.verdict = Verdict::JitError;
    out.message = compiled.error().str();
    return out;
  }
  auto engine = jit::make_jit_engine(std::move(*compiled));
  EngineRun jt = run_one(*program, o, *engine);
  compare_runs(in, jt, *program, out.diffs);
  out.users = in.table.rows();
  out.verdict = out.diffs.empty() ? Verdict::Agree : Verdict::Disagree;
  return out;
}

namespace {

// Removes chunks of `lines` (after the first `keep` lines) while `still` holds:
// chunk sizes halve from half the list down to one line, repeated until nothing more
// can go. Returns whether anything was removed.
bool reduce(std::vector<std::string>& lines, size_t keep, const std::function<bool()>& still, int& budget) {
  bool any = false;
  bool changed = true;
  while (changed && budget > 0) {
    changed = false;
    size_t n = lines.size() > keep ? lines.size() - keep : 0;
    if (n == 0) break;
    for (size_t chunk = std::max<size_t>(1, n / 2);; chunk /= 2) {
      for (size_t start = keep; start < lines.size() && budget > 0;) {
        size_t end = std::min(lines.size(), start + chunk);
        std::vector<std::string> removed(lines.begin() + static_cast<long>(start), lines.begin() + static_cast<long>(end));
        lines.erase(lines.begin() + static_cast<long>(start), lines.begin() + static_cast<long>(end));
        --budget;
        if (still()) {
          changed = any = true;  // keep it removed; try the same position again
        } else {
          lines.insert(lines.begin() + static_cast<long>(start), removed.begin(), removed.end());
          start = end;
        }
      }
      if (chunk == 1 || budget <= 0) break;
    }
  }
  return any;
}

}  // namespace

Case minimize(const Case& original, const std::string& dir, int* checks) {
  return minimize_with(
      original,
      [&](const Case& c) {
        auto v = compare_engines(c, dir).verdict;
        return v == Verdict::Disagree || v == Verdict::JitError;
      },
      checks);
}

Case minimize_with(const Case& original, const std::function<bool(const Case&)>& interesting, int* checks) {
  Case c = original;
  int budget = 4000;
  const int start_budget = budget;
  auto still = [&] { return interesting(c); };
  // Simplify the reading mode first: in-memory instead of streamed.
  if (c.stream) {
    c.stream = false;
    --budget;
    if (!still()) c.stream = true;
  }
  for (int round = 0; round < 8 && budget > 0; ++round) {
    bool any = false;
    any |= reduce(c.events, 0, still, budget);
    if (!c.profiles.empty()) {
      any |= reduce(c.profiles, 1, still, budget);
      if (c.profiles.size() == 1) {
        auto saved = c.profiles;
        c.profiles.clear();
        --budget;
        if (still()) any = true; else c.profiles = saved;
      }
    }
    any |= reduce(c.rules, 0, still, budget);
    if (!any) break;
  }
  if (checks) *checks = start_budget - budget;
  return c;
}

std::string format_regression(const Case& c, const Comparison& cmp, const std::string& test_name) {
  std::ostringstream os;
  os << "// ---- regression case: paste into tests/differential/regression_test.cpp ----\n";
  for (const auto& d : cmp.diffs) os << "// differs: " << d << "\n";
  if (cmp.verdict == Verdict::JitError) os << "// JIT error: " << cmp.message << "\n";
  os << "TEST(DifferentialRegression, " << test_name << ") {\n";
  os << "  expect_engines_agree(R\"SCORE(\n" << c.rules_text() << ")SCORE\",\n";
  os << "                       R\"NDJSON(\n" << c.events_text() << ")NDJSON\",\n";
  if (c.profiles.empty()) os << "                       \"\",\n";
  else os << "                       R\"CSV(\n" << c.profiles_text() << ")CSV\",\n";
  if (c.as_of) os << "                       " << num_text(*c.as_of) << " /* " << format_iso8601(*c.as_of) << " */";
  else os << "                       std::nullopt /* the latest event */";
  if (c.stream) os << ", /*stream=*/true, /*chunk_events=*/" << c.chunk_events;
  os << ");\n}\n";
  return os.str();
}

std::vector<std::string> write_case_files(const Case& c, const Comparison& cmp, const std::string& dir) {
  std::vector<std::string> paths;
  auto put = [&](const std::string& name, const std::string& text) {
    std::string p = dir + "/" + name;
    write_file(p, text);
    paths.push_back(p);
  };
  put("rules.score", c.rules_text());
  put("events.ndjson", c.events_text());
  if (!c.profiles.empty()) put("profiles.csv", c.profiles_text());
  std::string as_of = c.as_of ? format_iso8601(*c.as_of) + " (" + num_text(*c.as_of) + ")\n" : "latest event\n";
  if (c.stream) as_of += "stream, chunk_events " + std::to_string(c.chunk_events) + "\n";
  put("as_of.txt", as_of);
  std::string diffs;
  for (const auto& d : cmp.diffs) diffs += d + "\n";
  if (cmp.verdict == Verdict::JitError) diffs += "JIT error: " + cmp.message + "\n";
  put("diffs.txt", diffs);
  return paths;
}

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::string line;
  std::istringstream is(text);
  while (std::getline(is, line)) out.push_back(line);
  // A leading blank line from a raw string literal that starts on its own line.
  while (!out.empty() && out.front().empty()) out.erase(out.begin());
  return out;
}

}  // namespace

void expect_engines_agree(const std::string& rules, const std::string& events_ndjson, const std::string& profiles_csv,
                          std::optional<double> as_of, bool stream, size_t chunk_events) {
  Case c;
  c.rules = split_lines(rules);
  c.events = split_lines(events_ndjson);
  c.profiles = split_lines(profiles_csv);
  c.as_of = as_of;
  c.stream = stream;
  c.chunk_events = chunk_events;
  std::string dir = testing::test_temp_dir();
  Comparison cmp = compare_engines(c, dir);
  switch (cmp.verdict) {
    case Verdict::Agree: {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
      break;
    }
    case Verdict::CompileError: ADD_FAILURE() << "the rules did not compile:\n" << cmp.message; break;
    case Verdict::JitError: ADD_FAILURE() << "the JIT could not compile the rules: " << cmp.message; break;
    case Verdict::Disagree: {
      std::string all;
      for (const auto& d : cmp.diffs) all += "  " + d + "\n";
      ADD_FAILURE() << "the interpreter and the JIT disagree:\n" << all;
      break;
    }
  }
}

SeedSettings seed_settings(const std::string& prefix, uint64_t default_cases) {
  auto env = [&](const char* suffix) -> std::optional<uint64_t> {
    const char* v = std::getenv((prefix + suffix).c_str());
    if (!v || !*v) return std::nullopt;
    return std::strtoull(v, nullptr, 10);
  };
  SeedSettings s;
  s.single = env("_SEED");
  s.cases = s.single ? 1 : env("_CASES").value_or(default_cases);
  s.first = s.single ? *s.single : env("_FIRST").value_or(1);
  return s;
}

}  // namespace scorec::difftest
