#include "jit/llvm_pipeline.h"

#include <algorithm>
#include <mutex>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "jit/codegen.h"

namespace scorec::jit {

void init_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::string error_text(llvm::Error e) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << e;
  return s;
}

Expected<std::unique_ptr<llvm::Module>> build_module(const ir::Program& program, llvm::LLVMContext& ctx,
                                                     llvm::TargetMachine& tm) {
  auto m = generate_module(program, ctx);
  m->setDataLayout(tm.createDataLayout());
  m->setTargetTriple(tm.getTargetTriple().str());
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(*m, &os)) return Error{"internal error: the generated code is invalid:\n" + problems};
  return m;
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // The standard instrumentation is what makes the pipeline skip `optnone` functions
  // (codegen.cpp leaves huge expressions unoptimized).
  llvm::PassInstrumentationCallbacks pic;
  llvm::StandardInstrumentations si(m.getContext(), /*DebugLogging=*/false);
  si.registerCallbacks(pic, &mam);
  llvm::PassBuilder pb(&tm, llvm::PipelineTuningOptions(), std::nullopt, &pic);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(m, mam);
}

Expected<std::vector<char>> emit_object(llvm::Module& m, llvm::TargetMachine& tm) {
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  // A module with a huge expression (an `optnone` function, codegen.cpp) is emitted
  // without codegen optimizations: the machine combiner ignores `optnone` and takes
  // seconds on one long expression. Only such pathological rule sets pay for it.
  auto level = tm.getOptLevel();
  bool huge = std::any_of(m.begin(), m.end(), [](const llvm::Function& f) { return f.hasOptNone(); });
  if (huge) tm.setOptLevel(llvm::CodeGenOptLevel::None);
  bool failed = tm.addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile);
  if (!failed) pm.run(m);
  tm.setOptLevel(level);
  if (failed) return Error{"LLVM cannot emit object code for this machine"};
  return std::vector<char>(buffer.begin(), buffer.end());
}

std::string module_text(const llvm::Module& m) {
  std::string s;
  llvm::raw_string_ostream os(s);
  m.print(os, nullptr);
  return s;
}

}  // namespace scorec::jit
