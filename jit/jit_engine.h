// The JIT's engine: the native engine (runtime/native/native_engine.h) over rules the
// JIT compiled in this process.
#pragma once

#include <memory>

#include "jit/jit_compiler.h"
#include "runtime/native/native_engine.h"

namespace scorec::jit {

// The engine owns `compiled`: the function pointers it calls point into its LLJIT.
inline std::unique_ptr<runtime::Engine> make_jit_engine(std::unique_ptr<CompiledRules> compiled) {
  std::shared_ptr<const CompiledRules> owner = std::move(compiled);
  return native::make_native_engine(std::shared_ptr<const native::NativeRules>(owner, &owner->fns));
}

}  // namespace scorec::jit
