#include "cli/commands.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "frontend/compiler.h"
#include "frontend/diagnostics_format.h"
#include "ir/printer.h"
#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/engine/driver.h"
#include "cli/output_options.h"
#include "cli/progress_line.h"
#include "runtime/engine/run_accounting.h"
#include "runtime/io/result_writer.h"
#include "support/file_io.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::cli {

std::optional<std::string> read_text(const std::string& path) {
  if (path == "-") {
    std::ostringstream s;
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

frontend::CompileOptions compile_options(const ImportPaths& import_paths) {
  auto options = frontend::default_compile_options();
  options.import_paths = import_paths;
  return options;
}

std::optional<ir::Program> compile_source(const std::string& path, frontend::SourceManager& sources,
                                          frontend::Diagnostics& diags, const frontend::CompileOptions& options) {
  if (path != "-") return frontend::compile_file(path, sources, diags, options);
  return frontend::compile_string(read_text(path).value_or(""), "<stdin>", sources, diags, options);
}

std::optional<ir::Program> compile_quietly(const std::string& file, frontend::Diagnostics& diags,
                                           frontend::SourceManager& sources, const ImportPaths& import_paths) {
  return compile_source(file, sources, diags, compile_options(import_paths));
}

std::optional<ir::Program> compile_rules(const std::string& file, bool color, frontend::Diagnostics& diags,
                                         frontend::SourceManager& sources, const ImportPaths& import_paths) {
  auto program = compile_quietly(file, diags, sources, import_paths);
  diags.render(std::cerr, sources, color);
  return program;
}

namespace {

std::optional<double> parse_instant(const std::string& s) {
  if (s == "now") return static_cast<double>(std::time(nullptr));
  if (auto t = parse_iso8601(s)) return t;
  if (auto n = parse_number(s)) return *n > 1e11 ? *n / 1000.0 : *n;
  return std::nullopt;
}

Expected<runtime::FieldMapping> mapping(const std::optional<std::string>& file, const std::vector<std::string>& opts) {
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

// Files that would not fit comfortably in memory are streamed even without --stream:
// more than a quarter of physical memory (compressed files count four times their size).
bool too_big_for_memory(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return false;
  double bytes = static_cast<double>(size) * (path.ends_with(".gz") ? 4.0 : 1.0);
  double ram = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  return ram > 0 && bytes > ram / 4;
}

}  // namespace

std::optional<int> input_options(const InputArgs& a, runtime::RunOptions& o) {
  if (a.events == "-" && a.profiles == "-") {
    std::cerr << "error: only one of --events and --profiles can be standard input (-)\n";
    return 2;
  }
  o.events_path = a.events;
  o.profiles_path = a.profiles;
  o.skip_bad = a.skip_bad;
  o.keep_duplicates = a.keep_duplicates;
  o.identity_merge = !a.no_identity_merge;
  if (a.as_of) {
    o.as_of = parse_instant(*a.as_of);
    if (o.as_of && !time_in_range(*o.as_of)) {
      std::cerr << fmt::format("error: --as-of '{}' is outside the times scorec represents ({})\n", *a.as_of,
                               time_range_text());
      return 2;
    }
    if (!o.as_of) {
      std::cerr << fmt::format("error: --as-of '{}' is not a date or time; write 2024-03-01, 2024-03-01T10:00:00Z or now\n", *a.as_of);
      return 2;
    }
  }
  auto em = mapping(a.mapping, a.maps);
  if (!em) {
    std::cerr << "error: " << em.error().str() << "\n";
    return 2;
  }
  o.events_mapping = std::move(*em);
  auto pm = mapping(a.profile_mapping, a.profile_maps);
  if (!pm) {
    std::cerr << "error: " << pm.error().str() << "\n";
    return 2;
  }
  o.profiles_mapping = std::move(*pm);
  return std::nullopt;
}

std::unique_ptr<runtime::Engine> make_engine(const ir::Program& program, const InputArgs& a, const std::string& label) {
  if (a.engine == "interp") return runtime::make_interpreter();
  jit::JitOptions jo;
  jo.use_cache = !a.no_cache;
  auto compiled = jit::compile(program, jo);
  if (!compiled) {
    std::cerr << "error: " << (label.empty() ? "" : label + ": ") << compiled.error().str() << "\n";
    return nullptr;
  }
  // One line per process (diff compiles twice), unless --quiet: the run itself is fine,
  // only slower, until the folder is fixed.
  static bool cache_warned = false;
  if (!(*compiled)->cache_warning.empty() && !a.quiet && !cache_warned) {
    std::cerr << "warning: " << (*compiled)->cache_warning << "\n";
    cache_warned = true;
  }
  return jit::make_jit_engine(std::move(*compiled));
}

std::optional<runtime::RunOutput> score_input(const ir::Program& program, const runtime::RunOptions& o,
                                              const InputArgs& a, const std::string& label) {
  auto engine = make_engine(program, a, label);
  if (!engine) return std::nullopt;
  auto result = [&] {
    ProgressLine progress(o.events_path, !a.quiet);  // erased before anything else is printed
    return runtime::run_rules(program, o, *engine);
  }();
  if (!result) {
    std::cerr << "error: " << (label.empty() ? "" : "scoring with " + label + ": ") << result.error().str() << "\n";
    if (!result.error().hint.empty()) std::cerr << "hint: " << result.error().hint << "\n";
    return std::nullopt;
  }
  return std::move(*result);
}

bool write_text(const std::optional<std::string>& path, const std::string& text) {
  if (!path || *path == "-") {  // `-o -`: standard output, as everywhere else
    std::cout << text;
    std::cout.flush();
    return true;
  }
  if (auto st = write_file_atomically(*path, text); !st) {
    std::cerr << "error: " << st.error().str() << "\n";
    return false;
  }
  return true;
}

bool write_table(const runtime::ResultTable& table, const std::string& format, const std::optional<std::string>& path,
                 bool csv_safe) {
  bool to_stdout = !path || *path == "-";
  std::ostringstream text;
  std::ostream& out = to_stdout ? std::cout : text;
  if (format == "ndjson") runtime::write_ndjson(table, out);
  else runtime::write_csv(table, out, {.guard_formulas = csv_safe});
  if (!to_stdout) return write_text(path, std::move(text).str());
  out.flush();
  if (!out) {
    std::cerr << "error: cannot write 'standard output'\n";
    return false;
  }
  return true;
}

std::vector<NamedPath> input_paths(const InputArgs& a) {
  return {{"--events", a.events}, {"--profiles", a.profiles}, {"--mapping", a.mapping},
          {"--profile-mapping", a.profile_mapping}};
}

namespace {

bool names_a_file(const NamedPath& p) { return p.path && !p.path->empty() && *p.path != "-"; }

// Two paths to files that may not exist yet: the same file, or the same path once "."
// and ".." and the symbolic links of the parts that exist are resolved.
bool same_target(const std::string& a, const std::string& b) {
  if (same_file(a, b)) return true;
  std::error_code ea, eb;
  auto ca = std::filesystem::weakly_canonical(a, ea), cb = std::filesystem::weakly_canonical(b, eb);
  return !ea && !eb && ca == cb;
}

}  // namespace

std::optional<int> refuse_overwriting(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    if (!names_a_file(out)) continue;
    for (const NamedPath& in : inputs) {
      if (!names_a_file(in) || !same_file(*out.path, *in.path)) continue;
      std::cerr << fmt::format("error: {} '{}' is also an input ({} '{}'); scorec does not overwrite its inputs: "
                               "write to another file\n",
                               out.option, *out.path, in.option, *in.path);
      return 2;
    }
    for (size_t j = 0; j < i; ++j) {
      if (!names_a_file(outputs[j]) || !same_target(*out.path, *outputs[j].path)) continue;
      std::cerr << fmt::format("error: {} and {} name the same file ('{}'); give each its own\n", outputs[j].option,
                               out.option, *out.path);
      return 2;
    }
  }
  return std::nullopt;
}

int check(const CheckArgs& a) {
  size_t errors = 0, warnings = 0;
  auto options = compile_options(a.import_paths);
  options.allow_warnings = a.allow;
  if (a.format != "text") {
    // Machine-readable: everything on stdout in one document, nothing on stderr.
    std::vector<std::unique_ptr<frontend::SourceManager>> sources;
    std::vector<std::unique_ptr<frontend::Diagnostics>> diags;
    std::vector<frontend::CheckedFile> files;
    for (const auto& f : a.files) {
      sources.push_back(std::make_unique<frontend::SourceManager>());
      diags.push_back(std::make_unique<frontend::Diagnostics>());
      compile_source(f, *sources.back(), *diags.back(), options);
      errors += diags.back()->error_count();
      warnings += diags.back()->warning_count();
      files.push_back({f, sources.back().get(), diags.back().get()});
    }
    if (a.format == "sarif") frontend::render_sarif(std::cout, files);
    else frontend::render_json(std::cout, files);
    std::cout.flush();
    return errors > 0 || (a.werror && warnings > 0) ? 1 : 0;
  }
  for (const auto& f : a.files) {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    compile_source(f, sources, diags, options);
    diags.render(std::cerr, sources, a.color);
    errors += diags.error_count();
    warnings += diags.warning_count();
  }
  if (errors > 0) {
    std::cerr << fmt::format("{} error{} found\n", errors, errors == 1 ? "" : "s");
    return 1;
  }
  if (a.werror && warnings > 0) {
    std::cerr << fmt::format("{} warning{} found, and --werror makes warnings errors\n", warnings, warnings == 1 ? "" : "s");
    return 1;
  }
  std::string what = a.files.size() == 1 ? (a.files[0] == "-" ? "<stdin>" : a.files[0]) : fmt::format("{} files", a.files.size());
  std::cerr << fmt::format("{}: ok{}\n", what,
                           warnings ? fmt::format(" ({} warning{})", warnings, warnings == 1 ? "" : "s") : "");
  return 0;
}

int ir(const IrArgs& a) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = compile_rules(a.file, false, diags, sources, a.import_paths);
  if (!program) return 1;
  if (!a.llvm) {
    std::cout << ir::print_program(*program);
    return 0;
  }
  auto text = jit::optimized_llvm_ir(*program);
  if (!text) {
    std::cerr << "error: " << text.error().str() << "\n";
    return 1;
  }
  std::cout << *text;
  return 0;
}

int run(const RunArgs& a) {
  if (a.rules == "-" && (a.events == "-" || a.profiles == "-")) {
    std::cerr << "error: the rules and the input cannot both come from standard input; give one as a file\n";
    return 2;
  }
  // --state-out may name --state-in (continuing a state in place): the state is read
  // whole before the new one replaces it, atomically.
  auto inputs = input_paths(a);
  inputs.push_back({"RULES", a.rules});
  if (auto clash = refuse_overwriting({{"-o", a.output}, {"--state-out", a.state_out}}, inputs)) return *clash;
  if (auto clash = refuse_overwriting({{"-o", a.output}}, {{"--state-in", a.state_in}})) return *clash;

  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto program = compile_rules(a.rules, a.color, diags, sources, a.import_paths);
  if (!program) return 1;

  runtime::RunOptions o;
  if (auto usage = input_options(a, o)) return *usage;
  o.stream = a.stream;
  if (!o.stream && a.events != "-" && too_big_for_memory(a.events)) {
    o.stream = true;
    if (!a.quiet) std::cerr << "note: the events file is large, so it is streamed in chunks (as with --stream)\n";
  }
  o.chunk_events = a.chunk_events;
  o.threads = a.threads > 0 ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  if (a.block_bytes > 0) o.block_bytes = a.block_bytes;

  o.state_in = a.state_in;
  o.state_out = a.state_out;
  o.rules_label = a.rules;
  if (a.partition) {
    unsigned k = 0, n = 0;
    char extra = 0;
    if (std::sscanf(a.partition->c_str(), "%u/%u%c", &k, &n, &extra) != 2 || n == 0 || k >= n) {
      std::cerr << fmt::format("error: --partition '{}' is not K/N with 0 <= K < N, e.g. 0/4\n", *a.partition);
      return 2;
    }
    o.partition = {k, n};
  }
  for (const auto& name : a.keep) {
    int attr = program->schema.find_attr(name);
    if (attr < 0) {
      std::string declared;
      for (const auto& p : program->schema.profile) declared += (declared.empty() ? "" : ", ") + p.name;
      std::cerr << fmt::format("error: --keep '{}': the rules declare no profile attribute '{}' (they declare: {}); "
                               "declare it to pass it through, e.g. profile {{ {}: string }}\n",
                               name, name, declared.empty() ? "none" : declared, name);
      return 2;
    }
    o.keep_attrs.push_back(attr);
  }

  auto result = score_input(*program, o, a);
  if (!result) return 1;
  // Under --strict a run whose input does not match its rules writes nothing: the
  // summary says why, in full, even with --quiet.
  if (a.strict) {
    auto findings = runtime::input_findings(result->summary, *program);
    if (findings.any()) {
      std::cerr << runtime::format_summary(result->summary, *program);
      std::cerr << "error: " << runtime::strict_failure(findings) << "; nothing was written\n";
      return 1;
    }
  }
  size_t unchanged = 0;
  if (a.only_changed) {
    auto left_out = keep_changed_rows(result->table, *a.only_changed, *program);
    if (!left_out) {
      std::cerr << "error: --only-changed: " << left_out.error().str() << "\n";
      return 1;
    }
    unchanged = *left_out;
  }
  if (a.with_as_of) add_as_of_column(result->table, result->summary.as_of);
  if (a.sort)
    if (auto st = sort_table(result->table, *a.sort); !st) {
      std::cerr << "error: " << st.error().str() << "\n";
      return 2;
    }
  if (!write_table(result->table, a.format, a.output, a.csv_safe)) return 1;
  if (!a.quiet && a.only_changed)
    std::cerr << fmt::format("summary: --only-changed: {} users written, {} unchanged since {} left out\n",
                             result->table.rows(), unchanged, *a.only_changed);
  if (!a.quiet) {
    const bool terminal = isatty(STDERR_FILENO) != 0;
    std::cerr << runtime::format_summary(result->summary, *program, terminal)
              << runtime::format_distribution(result->table, *program, terminal);
  }
  return 0;
}

}  // namespace scorec::cli
