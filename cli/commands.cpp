#include "cli/commands.h"

#include <unistd.h>

#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "frontend/compiler.h"
#include "frontend/diagnostics_format.h"
#include "ir/printer.h"
#include "jit/jit_compiler.h"
#include "jit/jit_engine.h"
#include "runtime/engine/driver.h"
#include "runtime/io/result_writer.h"
#include "support/text.h"
#include "support/time.h"

namespace scorec::cli {

std::optional<ir::Program> compile_quietly(const std::string& file, frontend::Diagnostics& diags,
                                           frontend::SourceManager& sources, const ImportPaths& import_paths) {
  auto options = frontend::default_compile_options();
  options.import_paths = import_paths;
  return frontend::compile_file(file, sources, diags, options);
}

std::optional<ir::Program> compile_rules(const std::string& file, bool color, frontend::Diagnostics& diags,
                                         frontend::SourceManager& sources, const ImportPaths& import_paths) {
  auto program = compile_quietly(file, diags, sources, import_paths);
  diags.render(std::cerr, sources, color);
  return program;
}

namespace {

std::optional<double> parse_instant(const std::string& s) {
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
  return jit::make_jit_engine(std::move(*compiled));
}

std::optional<runtime::RunOutput> score_input(const ir::Program& program, const runtime::RunOptions& o,
                                              const InputArgs& a, const std::string& label) {
  auto engine = make_engine(program, a, label);
  if (!engine) return std::nullopt;
  auto result = runtime::run_rules(program, o, *engine);
  if (!result) {
    std::cerr << "error: " << (label.empty() ? "" : "scoring with " + label + ": ") << result.error().str() << "\n";
    if (!a.skip_bad && result.error().line > 0)
      std::cerr << "hint: fix the line, or pass --skip-bad to skip malformed lines (they are counted)\n";
    return std::nullopt;
  }
  return std::move(*result);
}

bool write_text(const std::optional<std::string>& path, const std::string& text) {
  if (!path) {
    std::cout << text;
    std::cout.flush();
    return true;
  }
  std::ofstream file(*path, std::ios::binary);
  if (!file || !(file << text) || !file.flush()) {
    std::cerr << fmt::format("error: cannot write '{}'\n", *path);
    return false;
  }
  return true;
}

bool write_table(const runtime::ResultTable& table, const std::string& format, const std::optional<std::string>& path) {
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (path) {
    file.open(*path, std::ios::binary);
    if (!file) {
      std::cerr << fmt::format("error: cannot write '{}'\n", *path);
      return false;
    }
    out = &file;
  }
  if (format == "ndjson") runtime::write_ndjson(table, *out);
  else runtime::write_csv(table, *out);
  out->flush();
  if (!*out) {
    std::cerr << fmt::format("error: cannot write '{}'\n", path.value_or("standard output"));
    return false;
  }
  return true;
}

int check(const CheckArgs& a) {
  size_t errors = 0, warnings = 0;
  if (a.format != "text") {
    // Machine-readable: everything on stdout in one document, nothing on stderr.
    std::vector<std::unique_ptr<frontend::SourceManager>> sources;
    std::vector<std::unique_ptr<frontend::Diagnostics>> diags;
    std::vector<frontend::CheckedFile> files;
    for (const auto& f : a.files) {
      sources.push_back(std::make_unique<frontend::SourceManager>());
      diags.push_back(std::make_unique<frontend::Diagnostics>());
      compile_quietly(f, *diags.back(), *sources.back(), a.import_paths);
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
    compile_rules(f, a.color, diags, sources, a.import_paths);
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
  std::cerr << fmt::format("{}: ok{}\n", a.files.size() == 1 ? a.files[0] : fmt::format("{} files", a.files.size()),
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

  auto result = score_input(*program, o, a);
  if (!result) return 1;
  if (!write_table(result->table, a.format, a.output)) return 1;
  if (!a.quiet) std::cerr << runtime::format_summary(result->summary, *program);
  return 0;
}

}  // namespace scorec::cli
