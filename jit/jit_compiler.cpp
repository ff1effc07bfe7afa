#include "jit/jit_compiler.h"

#include <chrono>
#include <optional>

#include <fmt/format.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>

#include "jit/codegen.h"
#include "jit/llvm_pipeline.h"
#include "jit/object_cache.h"
#include "runtime/native/helpers.h"

namespace scorec::jit {
namespace {

constexpr const char* kScorecVersion = "scorec 0.1.0";

Expected<std::unique_ptr<llvm::TargetMachine>> host_machine() {
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return Error{"cannot describe this machine to LLVM: " + error_text(jtmb.takeError())};
  jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = jtmb->createTargetMachine();
  if (!tm) return Error{"cannot create an LLVM target machine: " + error_text(tm.takeError())};
  return std::move(*tm);
}

// What the object code depends on: the generated module (rules and imports, after
// checking), the ABI, scorec's and LLVM's versions, and the CPU the code targets.
std::string cache_key(const std::string& module_ir, const llvm::TargetMachine& tm) {
  return fmt::format("{}\nabi {}\nllvm {}\ncpu {} {}\n{}", kScorecVersion, native::kAbiVersion, LLVM_VERSION_STRING,
                     tm.getTargetCPU().str(), tm.getTargetFeatureString().str(), module_ir);
}

template <class Fn>
Expected<Fn> lookup(llvm::orc::LLJIT& jit, const std::string& name) {
  auto sym = jit.lookup(name);
  if (!sym) return Error{fmt::format("internal error: compiled code lacks '{}': {}", name, error_text(sym.takeError()))};
  return sym->toPtr<Fn>();
}

}  // namespace

CompiledRules::~CompiledRules() = default;

Expected<std::unique_ptr<CompiledRules>> compile(const ir::Program& program, const JitOptions& options) {
  auto start = std::chrono::steady_clock::now();
  init_llvm();
  auto tm = host_machine();
  if (!tm) return tm.error();

  llvm::LLVMContext ctx;
  auto module = build_module(program, ctx, **tm);
  if (!module) return module.error();

  auto out = std::make_unique<CompiledRules>();
  // Without the cache its folder is not even looked at (or created).
  std::optional<ObjectCache> cache;
  if (options.use_cache) {
    cache.emplace(options.cache_dir);
    out->cache_warning = cache->warning();
  }
  std::string key = cache && cache->enabled() ? cache_key(module_text(**module), **tm) : std::string();
  std::optional<std::vector<char>> object;
  if (cache) object = cache->load(key);
  out->from_cache = object.has_value();
  if (!object) {
    optimize(**module, **tm);
    auto emitted = emit_object(**module, **tm);
    if (!emitted) return emitted.error();
    object = std::move(*emitted);
    if (cache) cache->store(key, *object);
  }

  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return Error{"cannot describe this machine to LLVM: " + error_text(jtmb.takeError())};
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
  if (!jit) return Error{"cannot start the LLVM JIT: " + error_text(jit.takeError())};
  auto& es = (*jit)->getExecutionSession();
  llvm::orc::SymbolMap helpers;
  helpers[es.intern(kCallBuiltin)] = {llvm::orc::ExecutorAddr::fromPtr(&scorec_rt_call_builtin),
                                      llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  helpers[es.intern(kListContains)] = {llvm::orc::ExecutorAddr::fromPtr(&scorec_rt_list_contains),
                                       llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  if (auto err = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(helpers))))
    return Error{"cannot define the JIT's runtime helpers: " + error_text(std::move(err))};
  // libm (exp2, floor, ...) comes from the process.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess((*jit)->getDataLayout().getGlobalPrefix());
  if (!process) return Error{"cannot link the JIT against this process: " + error_text(process.takeError())};
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));

  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(object->data(), object->size()), "scorec_rules.o");
  if (auto err = (*jit)->addObjectFile(std::move(buffer)))
    return Error{"cannot load the compiled rules: " + error_text(std::move(err))};

  auto update = lookup<native::UpdateFn>(**jit, kUpdateName);
  if (!update) return update.error();
  out->fns.update = *update;
  for (size_t s = 0; s < program.scores.size(); ++s) {
    auto f = lookup<native::TermsFn>(**jit, score_terms_name(s));
    if (!f) return f.error();
    out->fns.score_terms.push_back(*f);
  }
  for (size_t g = 0; g < program.grades.size(); ++g) {
    auto f = lookup<native::TermsFn>(**jit, grade_points_name(g));
    if (!f) return f.error();
    out->fns.grade_points.push_back(*f);
  }
  for (size_t k = 0; k < program.segments.size(); ++k) {
    auto f = lookup<native::SegmentFn>(**jit, segment_name(k));
    if (!f) return f.error();
    out->fns.segments.push_back(*f);
  }
  out->jit_ = std::move(*jit);
  out->compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

Expected<std::string> optimized_llvm_ir(const ir::Program& program) {
  init_llvm();
  auto tm = host_machine();
  if (!tm) return tm.error();
  llvm::LLVMContext ctx;
  auto module = build_module(program, ctx, **tm);
  if (!module) return module.error();
  optimize(**module, **tm);
  return module_text(**module);
}

}  // namespace scorec::jit
