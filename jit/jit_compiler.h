// Compiles a rule set to native code with LLVM ORC LLJIT (O2, host CPU), or loads it
// from the compiled-code cache.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/native/native_rules.h"
#include "support/expected.h"

namespace llvm::orc {
class LLJIT;
}

namespace scorec::jit {

struct JitOptions {
  bool use_cache = true;
  std::string cache_dir;  // empty: the default (see ObjectCache)
};

// A compiled rule set: the entry points, valid while this object lives. To hand them
// out as a shared_ptr<const native::NativeRules>, alias a shared_ptr to this object
// (jit/jit_engine.h), so the LLJIT lives as long as the pointers.
class CompiledRules {
 public:
  ~CompiledRules();
  native::NativeRules fns;
  bool from_cache = false;
  // Why the compiled-code cache was not used (a folder others can write, ...), with the
  // fix; empty when it was, or when the cache was off. The caller decides whether to say so.
  std::string cache_warning;
  double compile_ms = 0;  // generation + optimization + code generation (or cache load) + linking

 private:
  friend Expected<std::unique_ptr<CompiledRules>> compile(const ir::Program&, const JitOptions&);
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

Expected<std::unique_ptr<CompiledRules>> compile(const ir::Program& program, const JitOptions& options = {});

// The optimized LLVM IR of a rule set, as `scorec ir --llvm` prints it.
Expected<std::string> optimized_llvm_ir(const ir::Program& program);

}  // namespace scorec::jit
