#include "frontend/compiler.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "frontend/checker.h"
#include "frontend/limits.h"
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

// The folders imports may reach, as absolute paths with symbolic links resolved.
fs::path real_folder(const fs::path& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(dir.empty() ? fs::path(".") : dir, ec);
  fs::path p = fs::weakly_canonical(abs, ec);
  if (ec) p = abs.lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();  // "dir/" -> "dir"
  return p;
}

// Whether `p` is `root` or lies inside it, comparing whole path components.
bool is_within(const fs::path& p, const fs::path& root) {
  auto i = p.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++i) {
    if (r->empty()) continue;  // a trailing separator
    if (i == p.end() || *i != *r) return false;
  }
  return true;
}

// Loads a file's imports depth-first, so that every module comes after the modules it
// imports, and each file is loaded once. Imports are confined to `roots` (see
// CompileOptions) and chains of them to kMaxImportDepth.
class Loader {
 public:
  // `top`: the file being compiled; `top_folder`: its folder as the user wrote it, or
  // nothing for rules from a string, which have no folder.
  Loader(SourceManager& sources, Diagnostics& diags, const CompileOptions& options, int top,
         std::optional<std::string> top_folder)
      : sources_(sources), diags_(diags), options_(options), top_folder_(std::move(top_folder)) {
    if (top_folder_) {
      fs::path real = real_folder(*top_folder_);
      folders_[top] = real;
      roots_.push_back(real);
    }
    for (const auto& d : options_.import_paths) roots_.push_back(real_folder(d));
    for (const auto& d : options_.search_dirs) roots_.push_back(real_folder(fs::path(d) / "stdlib"));
  }

  void load(int file, int depth = 0) {
    Module m = parse_module(sources_, file, diags_);
    in_progress_.push_back(file);
    for (const auto& imp : m.imports) load_import(imp, file, depth + 1);
    in_progress_.pop_back();
    modules_.push_back(std::move(m));
  }

  std::vector<Module> take() { return std::move(modules_); }

 private:
  struct Resolved {
    std::string display;  // next to the importer: its path; in a search dir: as written
    std::string key;      // canonical, to load each file once
  };
  enum class Refusal { None, NotFound, Absolute, NotRules, Outside, Symlink };

  bool allowed(const fs::path& p) const {
    for (const auto& r : roots_)
      if (is_within(p, r)) return true;
    return false;
  }

  std::optional<Resolved> resolve(const std::string& rel, int from, Refusal& why) {
    fs::path r(rel);
    if (r.is_absolute() || r.has_root_name() || r.has_root_directory()) {
      why = Refusal::Absolute;
      return std::nullopt;
    }
    if (r.extension() != ".score") {
      why = Refusal::NotRules;
      return std::nullopt;
    }
    struct Base {
      fs::path dir;         // where to look, resolved
      std::string display;  // how diagnostics show the file found there
      bool local;
    };
    std::vector<Base> bases;
    auto it = folders_.find(from);
    if (it != folders_.end()) {
      std::string display = (fs::path(sources_.path(from)).parent_path() / r).lexically_normal().string();
      bases.push_back({it->second, display, true});
    }
    for (const auto& d : options_.import_paths)
      bases.push_back({real_folder(d), (fs::path(d) / r).lexically_normal().string(), false});
    for (const auto& d : options_.search_dirs) bases.push_back({real_folder(d), rel, false});

    why = Refusal::NotFound;
    std::error_code ec;
    for (const auto& b : bases) {
      fs::path p = (b.dir / r).lexically_normal();
      if (!allowed(p)) {
        // `..` leads out: what the import means is its place next to the importer.
        if (b.local) why = Refusal::Outside;
        continue;
      }
      if (!fs::is_regular_file(p, ec)) continue;
      fs::path real = fs::canonical(p, ec);
      if (ec || !allowed(real)) {
        why = Refusal::Symlink;
        continue;
      }
      return Resolved{b.display, real.string()};
    }
    return std::nullopt;
  }

  std::string allowed_folders() const {
    std::string where = top_folder_ ? fmt::format("'{}'", top_folder_->empty() ? "." : *top_folder_) : "";
    if (!options_.import_paths.empty()) where += where.empty() ? "the --import-path folders" : ", the --import-path folders";
    return where.empty() ? "the standard library" : where + " or the standard library";
  }

  void load_import(const ImportDecl& imp, int from, int depth) {
    if (depth > kMaxImportDepth) {
      diags_.error("E055", imp.loc, fmt::format("imports are nested more than {} files deep", kMaxImportDepth),
                   "import the shared files from one place instead of through a long chain");
      return;
    }
    Refusal why = Refusal::None;
    auto path = resolve(imp.path, from, why);
    if (!path) {
      // Never name or quote a file outside the allowed folders: the message says only
      // what the import asked for.
      std::string hint = fmt::format("imports must stay inside {}; add --import-path DIR to allow another folder",
                                     allowed_folders());
      switch (why) {
        case Refusal::Absolute:
          diags_.error("E054", imp.loc, "an import must be a relative path", hint);
          break;
        case Refusal::NotRules:
          diags_.error("E054", imp.loc, fmt::format("'{}' is not a rules file: only .score files can be imported", imp.path));
          break;
        case Refusal::Outside:
          diags_.error("E054", imp.loc, fmt::format("'{}' leads outside the folders imports may use", imp.path), hint);
          break;
        case Refusal::Symlink:
          diags_.error("E054", imp.loc,
                       fmt::format("'{}' leads outside the folders imports may use through a symbolic link", imp.path), hint);
          break;
        default:
          diags_.error("E050", imp.loc, fmt::format("cannot find the imported file '{}'", imp.path),
                       "paths are relative to the importing file; the standard library is under \"stdlib/\"");
      }
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
    if (text->size() > kMaxRulesFileBytes) {
      diags_.error("E052", imp.loc, fmt::format("'{}' is larger than {} MiB; that is not a rules file", imp.path,
                                                kMaxRulesFileBytes >> 20));
      return;
    }
    int file = sources_.add(path->display, std::move(*text), path->key);
    folders_[file] = fs::path(path->key).parent_path();
    load(file, depth);
  }

  SourceManager& sources_;
  Diagnostics& diags_;
  const CompileOptions& options_;
  std::optional<std::string> top_folder_;
  std::vector<fs::path> roots_;
  std::map<int, fs::path> folders_;  // the real folder of each file loaded from disk
  std::vector<int> in_progress_;
  std::vector<Module> modules_;
};

std::optional<ir::Program> compile_loaded(int file, std::optional<std::string> folder, SourceManager& sources,
                                          Diagnostics& diags, const CompileOptions& options) {
  if (sources.text(file).size() > kMaxRulesFileBytes) {
    diags.error("E052", {}, fmt::format("'{}' is larger than {} MiB; that is not a rules file", sources.path(file), kMaxRulesFileBytes >> 20));
    return std::nullopt;
  }
  Loader loader(sources, diags, options, file, std::move(folder));
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

// Nothing the frontend calls (ANTLR, the standard library) may take the process down:
// an exception is a bug, reported as an error rather than thrown at the caller.
template <class F>
std::optional<ir::Program> guarded(Diagnostics& diags, F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    diags.error(Loc{}, fmt::format("internal error in the rules compiler: {} (please report this)", e.what()));
  } catch (...) {
    diags.error(Loc{}, "internal error in the rules compiler (please report this)");
  }
  return std::nullopt;
}

}  // namespace

namespace {

// The installed standard library: `cmake --install` puts the program in <prefix>/bin,
// the libraries in <prefix>/lib (or lib/<triple>) and the rule sets in
// <prefix>/share/scorec/stdlib, so it is looked for up to two folders above the file
// this code was loaded from (the scorec program, or libscorec.so in a service). An
// installed scorec then never depends on the build machine's source folder.
std::optional<std::string> installed_stdlib() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&installed_stdlib), &info) || !info.dli_fname) return std::nullopt;
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::path(info.dli_fname), ec).parent_path();
  for (int up = 0; up < 3 && !dir.empty(); ++up, dir = dir.parent_path()) {
    fs::path data = dir / "share" / "scorec";
    if (fs::is_directory(data / "stdlib", ec)) return data.string();
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

}  // namespace

CompileOptions default_compile_options() {
  CompileOptions o;
  if (const char* env = std::getenv("SCOREC_STDLIB")) o.search_dirs.emplace_back(env);
  static const std::optional<std::string> installed = installed_stdlib();
  if (installed) o.search_dirs.push_back(*installed);
#ifdef SCOREC_STDLIB_DIR
  o.search_dirs.emplace_back(SCOREC_STDLIB_DIR);
#endif
  return o;
}

std::optional<ir::Program> compile_file(const std::string& path, SourceManager& sources, Diagnostics& diags,
                                        const CompileOptions& options) {
  return guarded(diags, [&]() -> std::optional<ir::Program> {
    auto text = read_file(path);
    if (!text) {
      diags.error("E052", {}, fmt::format("cannot read '{}': no such file", path));
      return std::nullopt;
    }
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(path, ec).string();
    // Diagnostics show the path as the user typed it.
    int file = sources.add(path, std::move(*text), ec ? path : canonical);
    return compile_loaded(file, fs::path(path).parent_path().string(), sources, diags, options);
  });
}

std::optional<ir::Program> compile_string(const std::string& text, const std::string& name, SourceManager& sources,
                                          Diagnostics& diags, const CompileOptions& options) {
  return guarded(diags, [&]() -> std::optional<ir::Program> {
    int file = sources.add(name, text);
    return compile_loaded(file, std::nullopt, sources, diags, options);
  });
}

}  // namespace scorec::frontend
