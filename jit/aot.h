// Ahead-of-time compilation (`scorec compile`): a rule set -> an ELF object for this
// machine's triple, plus a C/C++ header declaring what it defines. The object holds
// the same optimized code the JIT would run (jit/llvm_pipeline.h), the serialized
// program (ir/serialize.h), and one `const struct scorec_aot_module
// scorec_<name>_module` (include/scorec/aot.h) that ties them together; a program
// links it with the runtime library (libscorec_rt) and loads it with native::load_aot, no LLVM needed.
#pragma once

#include <string>
#include <string_view>

#include "ir/program.h"
#include "support/expected.h"

namespace scorec::jit {

struct AotOptions {
  std::string name;        // a C identifier: the object defines scorec_<name>_module
  std::string target_cpu;  // an LLVM CPU name (x86-64, x86-64-v3, znver4, ...); empty or
                           // "native": this machine's CPU and its features
  std::string source;      // the rules file, named in the header's comment
};

struct AotOutput {
  std::string object;  // the ELF relocatable object
  std::string header;  // declares scorec_<name>_module
};

Expected<AotOutput> compile_aot(const ir::Program& program, const AotOptions& options);

// [A-Za-z_][A-Za-z0-9_]*: what --name accepts.
bool is_c_identifier(std::string_view s);

}  // namespace scorec::jit
