// The native engine: runtime::Engine over compiled rules (JIT or ahead of time).
#pragma once

#include <memory>

#include "runtime/engine/engine.h"
#include "runtime/native/native_rules.h"

namespace scorec::native {

// `rules` must match the program the engine is run with (one function per score,
// grade and segment); the engine keeps it alive.
std::unique_ptr<runtime::Engine> make_native_engine(std::shared_ptr<const NativeRules> rules);

}  // namespace scorec::native
