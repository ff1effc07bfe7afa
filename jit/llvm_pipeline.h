// The LLVM steps the JIT (jit/jit_compiler.cpp) and ahead-of-time compilation
// (jit/aot.cpp) share, so both produce the same code for the same rules: the module
// for a program, the O2 pipeline, and object emission.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/program.h"
#include "support/expected.h"

namespace llvm {
class Error;
class LLVMContext;
class Module;
class TargetMachine;
}  // namespace llvm

namespace scorec::jit {

// Registers the native target with LLVM, once per process.
void init_llvm();

// An llvm::Error's message (consumes it).
std::string error_text(llvm::Error e);

// Generates the module for `program` (jit/codegen.h), for `tm`'s data layout and
// triple, and verifies it.
Expected<std::unique_ptr<llvm::Module>> build_module(const ir::Program& program, llvm::LLVMContext& ctx,
                                                     llvm::TargetMachine& tm);

// The O2 module pipeline, tuned for `tm`.
void optimize(llvm::Module& m, llvm::TargetMachine& tm);

// `m` as an object file for `tm`.
Expected<std::vector<char>> emit_object(llvm::Module& m, llvm::TargetMachine& tm);

// The module as LLVM IR text.
std::string module_text(const llvm::Module& m);

}  // namespace scorec::jit
