#include "tests/support/run_helpers.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "frontend/diagnostics.h"
#include "frontend/source.h"
#include "runtime/engine/engine.h"
#include "support/time.h"

namespace scorec::testing {
namespace fs = std::filesystem;

double ts(const std::string& iso) {
  auto t = parse_iso8601(iso);
  if (!t) {
    ADD_FAILURE() << "bad timestamp literal in test: " << iso;
    return std::numeric_limits<double>::quiet_NaN();
  }
  return *t;
}

std::string iso(double epoch_seconds) { return format_iso8601(epoch_seconds); }

std::string ev(const std::string& user, const std::string& event, const std::string& iso_time,
               const std::string& props) {
  std::string out = R"({"user_id":")" + user + R"(","event":")" + event + R"(","timestamp":")" + iso_time + '"';
  if (!props.empty()) out += "," + props;
  return out + "}\n";
}

std::string test_temp_dir() {
  static std::atomic<int> counter{0};
  std::string name = "scorec_test";
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info())
    name += std::string("_") + info->test_suite_name() + "_" + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  name += "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  fs::path dir = fs::temp_directory_path() / name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  return dir.string();
}

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

struct Compiled {
  std::optional<ir::Program> program;
  std::string rendered;
};

Compiled compile_impl(const std::string& rules_text) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  Compiled c;
  c.program = frontend::compile_string(rules_text, "test.score", sources, diags);
  std::ostringstream os;
  diags.render(os, sources, false);
  c.rendered = os.str();
  if (diags.has_errors()) c.program.reset();
  return c;
}

}  // namespace

std::optional<ir::Program> compile_text(const std::string& rules_text) {
  Compiled c = compile_impl(rules_text);
  if (!c.program) ADD_FAILURE() << "rules did not compile:\n" << c.rendered << "\n--- rules ---\n" << rules_text;
  return std::move(c.program);
}

std::string expect_compile_error(const std::string& rules_text, const std::string& substring) {
  Compiled c = compile_impl(rules_text);
  EXPECT_FALSE(c.program.has_value()) << "expected a compile error containing '" << substring
                                      << "', but the rules compiled:\n" << rules_text << "\n" << c.rendered;
  if (!c.program) {
    EXPECT_NE(c.rendered.find(substring), std::string::npos)
        << "expected a diagnostic containing '" << substring << "', got:\n" << c.rendered;
  }
  return c.rendered;
}

RunResult run_text(const std::string& rules_text, const std::string& events_ndjson, const std::string& profiles_csv,
                   std::optional<double> as_of, runtime::RunOptions tweaks) {
  RunResult r;
  auto program = compile_text(rules_text);
  if (!program) {
    r.error = "compile error";
    return r;
  }
  r.program = std::move(*program);
  std::string dir = test_temp_dir();
  tweaks.events_path = dir + "/events.ndjson";
  write_file(tweaks.events_path, events_ndjson);
  if (!profiles_csv.empty()) {
    tweaks.profiles_path = dir + "/profiles.csv";
    write_file(*tweaks.profiles_path, profiles_csv);
  } else {
    tweaks.profiles_path.reset();
  }
  tweaks.as_of = as_of;
  auto engine = runtime::make_interpreter();
  auto out = runtime::run_rules(r.program, tweaks, *engine);
  if (!out) {
    r.error = out.error().str();
    ADD_FAILURE() << "run failed: " << r.error;
    return r;
  }
  r.ok = true;
  r.table = std::move(out->table);
  r.summary = std::move(out->summary);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return r;
}

bool RunResult::has_user(const std::string& user) const {
  for (const auto& u : table.user_ids)
    if (u == user) return true;
  return false;
}

bool RunResult::has_column(const std::string& column) const {
  for (const auto& c : table.columns)
    if (c.name == column) return true;
  return false;
}

std::vector<std::string> RunResult::columns() const {
  std::vector<std::string> out;
  for (const auto& c : table.columns) out.push_back(c.name);
  return out;
}

const runtime::ResultColumn* RunResult::col(const std::string& column) const {
  for (const auto& c : table.columns)
    if (c.name == column) return &c;
  std::string names;
  for (const auto& c : table.columns) names += " " + c.name;
  ADD_FAILURE() << "no column '" << column << "' in the result (columns:" << names << ")"
                << (ok ? "" : " [run failed: " + error + "]");
  return nullptr;
}

long RunResult::row(const std::string& user) const {
  for (size_t i = 0; i < table.user_ids.size(); ++i)
    if (table.user_ids[i] == user) return static_cast<long>(i);
  ADD_FAILURE() << "no user '" << user << "' in the result (" << table.user_ids.size() << " users)"
                << (ok ? "" : " [run failed: " + error + "]");
  return -1;
}

std::optional<double> RunResult::num_opt(const std::string& user, const std::string& column) const {
  const auto* c = col(column);
  long r = row(user);
  if (!c || r < 0) return std::nullopt;
  if (c->kind == runtime::ColumnKind::Text) {
    ADD_FAILURE() << "column '" << column << "' is text, not a number";
    return std::nullopt;
  }
  if (!c->valid[r]) return std::nullopt;
  return c->numbers[r];
}

std::optional<std::string> RunResult::text_opt(const std::string& user, const std::string& column) const {
  const auto* c = col(column);
  long r = row(user);
  if (!c || r < 0) return std::nullopt;
  if (c->kind != runtime::ColumnKind::Text) {
    ADD_FAILURE() << "column '" << column << "' is not text";
    return std::nullopt;
  }
  if (!c->valid[r]) return std::nullopt;
  return c->texts[r];
}

double RunResult::num(const std::string& user, const std::string& column) const {
  auto v = num_opt(user, column);
  if (!v) {
    const auto* c = has_column(column) ? col(column) : nullptr;
    if (c && c->kind != runtime::ColumnKind::Text && has_user(user))
      ADD_FAILURE() << "cell (" << user << ", " << column << ") is null";
    return std::numeric_limits<double>::quiet_NaN();
  }
  return *v;
}

std::string RunResult::text(const std::string& user, const std::string& column) const {
  auto v = text_opt(user, column);
  if (!v) {
    const auto* c = has_column(column) ? col(column) : nullptr;
    if (c && c->kind == runtime::ColumnKind::Text && has_user(user))
      ADD_FAILURE() << "cell (" << user << ", " << column << ") is null";
    return {};
  }
  return *v;
}

bool RunResult::flag(const std::string& user, const std::string& column) const {
  const auto* c = col(column);
  long r = row(user);
  if (!c || r < 0) return false;
  if (c->kind != runtime::ColumnKind::Bool) {
    ADD_FAILURE() << "column '" << column << "' is not a bool column";
    return false;
  }
  return c->valid[r] && c->numbers[r] != 0;
}

uint64_t RunResult::null_weights_of_rule(const std::string& label_part) const {
  uint64_t total = 0;
  bool found = false;
  const auto& by_rule = summary.engine.null_weights_by_rule;
  for (const auto& rule : program.rules) {
    if (rule.label.find(label_part) == std::string::npos) continue;
    found = true;
    if (static_cast<size_t>(rule.id) < by_rule.size()) total += by_rule[rule.id];
  }
  if (!found) {
    std::string labels;
    for (const auto& rule : program.rules) labels += "\n  " + rule.label;
    ADD_FAILURE() << "no event rule label contains '" << label_part << "'; labels:" << labels;
  }
  return total;
}

}  // namespace scorec::testing
