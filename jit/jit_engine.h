// The native engine: runtime::Engine over a CompiledRules.
#pragma once

#include <memory>

#include "jit/jit_compiler.h"
#include "runtime/engine/engine.h"

namespace scorec::jit {

std::unique_ptr<runtime::Engine> make_jit_engine(std::unique_ptr<CompiledRules> compiled);

}  // namespace scorec::jit
