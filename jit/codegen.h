// IR -> LLVM IR. One module per rule set with the entry points of runtime/native/abi.h:
//   scorec_update          the per-event loop over a batch, specialized to the rules
//   scorec_score_terms_N   per-user terms of score N
//   scorec_grade_points_N  per-user terms of grade N
//   scorec_segment_N       segment N
// The generated code mirrors the interpreter (runtime/engine/interpreter.cpp) and the
// shared semantics (ir/semantics.h, ir/value_ops.h) operation for operation, so both
// engines give the same doubles; differential tests hold them to it.
#pragma once

#include <memory>
#include <string>

#include "ir/program.h"

namespace llvm {
class LLVMContext;
class Module;
}  // namespace llvm

namespace scorec::jit {

// Names of runtime helpers the generated code calls (runtime/native/helpers.h).
constexpr const char* kCallBuiltin = "scorec_rt_call_builtin";
constexpr const char* kListContains = "scorec_rt_list_contains";

std::unique_ptr<llvm::Module> generate_module(const ir::Program& program, llvm::LLVMContext& ctx);

std::string score_terms_name(size_t score);
std::string grade_points_name(size_t grade);
std::string segment_name(size_t segment);
constexpr const char* kUpdateName = "scorec_update";

}  // namespace scorec::jit
