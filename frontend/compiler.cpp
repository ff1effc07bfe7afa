#include "frontend/compiler.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "frontend/checker.h"
#include "frontend/parser.h"

namespace scorec::frontend {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxRulesFileBytes = 64 << 20;

std::optional<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Loads a file's imports depth-first, so that every module comes after the modules it
// imports, and each file is loaded once.
class Loader {
 public:
  Loader(SourceManager& sources, Diagnostics& diags, const CompileOptions& options)
      : sources_(sources), diags_(diags), options_(options) {}

  void load(int file) {
    Module m = parse_module(sources_, file, diags_);
    in_progress_.push_back(file);
    for (const auto& imp : m.imports) load_import(imp, file);
    in_progress_.pop_back();
    modules_.push_back(std::move(m));
  }

  std::vector<Module> take() { return std::move(modules_); }

 private:
  struct Resolved {
    std::string display;  // next to the importer: its path; in a search dir: as written
    std::string key;      // canonical, to load each file once
  };
  std::optional<Resolved> resolve(const std::string& rel, int from) {
    std::error_code ec;
    fs::path local = (fs::path(sources_.path(from)).parent_path() / rel).lexically_normal();
    if (fs::is_regular_file(local, ec)) return Resolved{local.string(), fs::weakly_canonical(local, ec).string()};
    for (const auto& d : options_.search_dirs) {
      fs::path p = fs::path(d) / rel;
      if (fs::is_regular_file(p, ec)) return Resolved{rel, fs::weakly_canonical(p, ec).string()};
    }
    return std::nullopt;
  }

  void load_import(const ImportDecl& imp, int from) {
    auto path = resolve(imp.path, from);
    if (!path) {
      diags_.error("E050", imp.loc, fmt::format("cannot find the imported file '{}'", imp.path),
                   "paths are relative to the importing file; the standard library is under \"stdlib/\"");
      return;
    }
    int existing = sources_.find(path->key);
    if (existing >= 0) {
      for (int f : in_progress_)
        if (f == existing) {
          diags_.error("E051", imp.loc, fmt::format("'{}' imports itself (through a cycle of imports)", imp.path));
          return;
        }
      return;  // already loaded: importing twice is harmless
    }
    auto text = read_file(path->key);
    if (!text) {
      diags_.error("E052", imp.loc, fmt::format("cannot read the imported file '{}'", imp.path));
      return;
    }
    load(sources_.add(path->display, std::move(*text), path->key));
  }

  SourceManager& sources_;
  Diagnostics& diags_;
  const CompileOptions& options_;
  std::vector<int> in_progress_;
  std::vector<Module> modules_;
};

std::optional<ir::Program> compile_loaded(int file, SourceManager& sources, Diagnostics& diags,
                                          const CompileOptions& options) {
  if (sources.text(file).size() > kMaxRulesFileBytes) {
    diags.error("E052", {}, fmt::format("'{}' is larger than {} MiB; that is not a rules file", sources.path(file), kMaxRulesFileBytes >> 20));
    return std::nullopt;
  }
  Loader loader(sources, diags, options);
  loader.load(file);
  auto modules = loader.take();
  if (diags.has_errors()) {
    // Syntax errors: still check what parsed, for more errors in one run, but return nothing.
    check_and_lower(modules, sources, diags);
    diags.drop_allowed(sources, options.allow_warnings);
    return std::nullopt;
  }
  auto program = check_and_lower(modules, sources, diags);
  diags.drop_allowed(sources, options.allow_warnings);
  return program;
}

}  // namespace

CompileOptions default_compile_options() {
  CompileOptions o;
  if (const char* env = std::getenv("SCOREC_STDLIB")) o.search_dirs.emplace_back(env);
#ifdef SCOREC_STDLIB_DIR
  o.search_dirs.emplace_back(SCOREC_STDLIB_DIR);
#endif
  return o;
}

std::optional<ir::Program> compile_file(const std::string& path, SourceManager& sources, Diagnostics& diags,
                                        const CompileOptions& options) {
  auto text = read_file(path);
  if (!text) {
    diags.error("E052", {}, fmt::format("cannot read '{}': no such file", path));
    return std::nullopt;
  }
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(path, ec).string();
  // Diagnostics show the path as the user typed it.
  int file = sources.add(path, std::move(*text), ec ? path : canonical);
  return compile_loaded(file, sources, diags, options);
}

std::optional<ir::Program> compile_string(const std::string& text, const std::string& name, SourceManager& sources,
                                          Diagnostics& diags, const CompileOptions& options) {
  int file = sources.add(name, text);
  return compile_loaded(file, sources, diags, options);
}

}  // namespace scorec::frontend
