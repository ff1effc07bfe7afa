// scorec::compile_file / compile_string: the frontend and the JIT behind the library
// API (the full library only; the runtime library runs rules compiled ahead of time).
#include <sstream>

#include "api/rules_impl.h"
#include "frontend/compiler.h"
#include "jit/jit_compiler.h"

namespace scorec {
namespace {

Diagnostic to_public(const frontend::Diagnostic& d, const frontend::SourceManager& sources) {
  Diagnostic out;
  out.severity = d.severity == frontend::Severity::Error ? Diagnostic::Severity::Error : Diagnostic::Severity::Warning;
  out.code = d.code;
  if (d.loc.valid()) {
    out.file = sources.path(d.loc.file);
    out.line = d.loc.line;
    out.column = d.loc.col;
  }
  out.message = d.message;
  out.hint = d.hint;
  return out;
}

Result<Rules> finish(std::optional<ir::Program> program, const frontend::SourceManager& sources,
                     const frontend::Diagnostics& diags, std::string label, const CompileOptions& options) {
  std::vector<Diagnostic> found;
  for (const auto* d : diags.sorted())
    if (d->severity != frontend::Severity::Note) found.push_back(to_public(*d, sources));
  if (!program) {
    std::ostringstream text;
    diags.render(text, sources);
    Error e{text.str(), {}};
    for (auto& d : found)
      if (d.severity == Diagnostic::Severity::Error) e.diagnostics.push_back(d);
    return e;
  }
  auto impl = std::make_shared<detail::RulesImpl>();
  impl->program = std::move(*program);
  impl->warnings = std::move(found);
  impl->label = std::move(label);
  if (options.jit) {
    jit::JitOptions jo;
    jo.use_cache = options.use_cache;
    jo.cache_dir = options.cache_dir;
    auto compiled = jit::compile(impl->program, jo);
    if (!compiled) return Error{"cannot compile the rules to native code: " + compiled.error().str(), {}};
    std::shared_ptr<jit::CompiledRules> owner = std::move(*compiled);
    // The entry points live as long as the JIT that holds their code.
    impl->native = std::shared_ptr<const native::NativeRules>(owner, &owner->fns);
  }
  return Rules(std::move(impl));
}

frontend::CompileOptions frontend_options(const CompileOptions& options) {
  auto o = frontend::default_compile_options();
  o.import_paths = options.import_paths;
  return o;
}

// Nothing throws across the API, whatever fails inside.
template <class F>
Result<Rules> guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Error{std::string("internal error while compiling the rules: ") + e.what(), {}};
  } catch (...) {
    return Error{"internal error while compiling the rules", {}};
  }
}

}  // namespace

Result<Rules> compile_file(const std::string& path, const CompileOptions& options) {
  return guarded([&] {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto program = frontend::compile_file(path, sources, diags, frontend_options(options));
    return finish(std::move(program), sources, diags, path, options);
  });
}

Result<Rules> compile_string(std::string_view source, std::string_view name, const CompileOptions& options) {
  return guarded([&] {
    frontend::SourceManager sources;
    frontend::Diagnostics diags;
    auto program = frontend::compile_string(std::string(source), std::string(name), sources, diags, frontend_options(options));
    return finish(std::move(program), sources, diags, std::string(name), options);
  });
}

}  // namespace scorec
