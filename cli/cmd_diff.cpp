// `scorec diff OLD NEW --events F`: what a rule change does to the population. Both
// rule sets score the same input at the same instant; runtime/report compares them.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "frontend/compiler.h"
#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/engine/driver.h"
#include "runtime/report/diff_format.h"
#include "runtime/report/score_diff.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::cli {
namespace {

std::optional<double> parse_instant(const std::string& s) {
  if (auto t = parse_iso8601(s)) return t;
  if (auto n = parse_number(s)) return *n > 1e11 ? *n / 1000.0 : *n;
  return std::nullopt;
}

Expected<runtime::FieldMapping> load_mapping(const std::optional<std::string>& file, const std::vector<std::string>& opts) {
  runtime::FieldMapping m;
  if (file) {
    auto loaded = runtime::load_mapping_file(*file);
    if (!loaded) return loaded.error();
    m = std::move(*loaded);
  }
  for (const auto& o : opts)
    if (auto st = m.apply_option(o); !st) return st.error();
  return m;
}

std::unique_ptr<runtime::Engine> make_engine(const ir::Program& program, const DiffArgs& a, const std::string& file) {
  if (a.engine == "interp") return runtime::make_interpreter();
  jit::JitOptions jo;
  jo.use_cache = !a.no_cache;
  auto compiled = jit::compile(program, jo);
  if (!compiled) {
    std::cerr << fmt::format("error: {}: {}\n", file, compiled.error().str());
    return nullptr;
  }
  return jit::make_jit_engine(std::move(*compiled));
}

// "summary: ..." lines, each marked with the version they are about.
std::string labelled(const std::string& summary, const char* label) {
  std::string out;
  size_t start = 0;
  while (start < summary.size()) {
    size_t end = summary.find('\n', start);
    if (end == std::string::npos) end = summary.size();
    out += fmt::format("{} {}\n", label, summary.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

int diff(const DiffArgs& a) {
  if (a.events == "-") {
    std::cerr << "error: diff reads the events once per rules file, so --events must name a file, not standard input\n";
    return 2;
  }
  // Both rules files are checked before anything runs, so one pass shows every error.
  // (One SourceManager each: a manager loads an imported file once, for one program.)
  frontend::SourceManager old_sources, new_sources;
  frontend::Diagnostics old_diags, new_diags;
  auto old_program = frontend::compile_file(a.old_rules, old_sources, old_diags);
  old_diags.render(std::cerr, old_sources, a.color);
  auto new_program = frontend::compile_file(a.new_rules, new_sources, new_diags);
  new_diags.render(std::cerr, new_sources, a.color);
  if (!old_program || !new_program) {
    size_t errors = old_diags.error_count() + new_diags.error_count();
    std::cerr << fmt::format("{} error{} found\n", errors, errors == 1 ? "" : "s");
    return 1;
  }

  runtime::RunOptions o;
  o.events_path = a.events;
  o.profiles_path = a.profiles;
  o.skip_bad = a.skip_bad;
  if (a.as_of) {
    o.as_of = parse_instant(*a.as_of);
    if (!o.as_of) {
      std::cerr << fmt::format("error: --as-of '{}' is not a date or time; write 2024-03-01 or 2024-03-01T10:00:00Z\n", *a.as_of);
      return 2;
    }
  }
  auto em = load_mapping(a.mapping, a.maps);
  if (!em) {
    std::cerr << "error: " << em.error().str() << "\n";
    return 2;
  }
  o.events_mapping = std::move(*em);
  auto pm = load_mapping(a.profile_mapping, a.profile_maps);
  if (!pm) {
    std::cerr << "error: " << pm.error().str() << "\n";
    return 2;
  }
  o.profiles_mapping = std::move(*pm);

  auto score = [&](const ir::Program& program, const std::string& file) -> std::optional<runtime::RunOutput> {
    auto engine = make_engine(program, a, file);
    if (!engine) return std::nullopt;
    auto result = runtime::run_rules(program, o, *engine);
    if (!result) {
      std::cerr << fmt::format("error: scoring with {}: {}\n", file, result.error().str());
      if (!a.skip_bad) std::cerr << "hint: fix the line, or pass --skip-bad to skip malformed lines (they are counted)\n";
      return std::nullopt;
    }
    return std::move(*result);
  };
  auto old_run = score(*old_program, a.old_rules);
  if (!old_run) return 1;
  // NEW is scored at OLD's instant: the given --as-of, or the latest event OLD read.
  // (The rule sets may declare different events, so "the latest event" could differ.)
  o.as_of = old_run->summary.as_of;
  auto new_run = score(*new_program, a.new_rules);
  if (!new_run) return 1;

  auto d = report::diff_results(old_run->table, report::describe(*old_program), new_run->table,
                                report::describe(*new_program));
  report::DiffContext ctx{a.old_rules, a.new_rules, old_run->summary.as_of};
  std::string text = a.format == "json" ? report::format_diff_json(d, ctx) : report::format_diff_text(d, ctx);

  if (a.output) {
    std::ofstream file(*a.output, std::ios::binary);
    if (!file || !(file << text) || !file.flush()) {
      std::cerr << fmt::format("error: cannot write '{}'\n", *a.output);
      return 1;
    }
  } else {
    std::cout << text;
    std::cout.flush();
  }
  if (!a.quiet) {
    std::cerr << labelled(runtime::format_summary(old_run->summary, *old_program), "old");
    std::cerr << labelled(runtime::format_summary(new_run->summary, *new_program), "new");
  }
  return 0;
}

}  // namespace scorec::cli
