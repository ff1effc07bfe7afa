// Loading a rule set compiled ahead of time (`scorec compile`, jit/aot.h): the module
// an object defines (include/scorec/aot.h) -> its program and its native entry points,
// checked to belong together. No LLVM: the code is already linked into the process.
#pragma once

#include <memory>

#include <scorec/aot.h>

#include "ir/program.h"
#include "runtime/native/native_rules.h"
#include "support/expected.h"

namespace scorec::native {

struct AotRules {
  ir::Program program;                        // for run_rules: schema, outputs, finalize
  std::shared_ptr<const NativeRules> native;  // for make_native_engine
};

// Checks the module's magic and ABI version, deserializes its program and checks that
// it has one function per score, grade and segment. The module is static data of the
// linked object, so the function pointers stay valid for the life of the process.
Expected<AotRules> load_aot(const scorec_aot_module& module);

}  // namespace scorec::native
