#include "jit/aot.h"

#include <cctype>
#include <cstddef>

#include <fmt/format.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>
#include <scorec/aot.h>

#include "ir/serialize.h"
#include "jit/codegen.h"
#include "jit/llvm_pipeline.h"
#include "runtime/native/abi.h"

namespace scorec::jit {
namespace {

constexpr const char* kScorecVersion = "scorec " SCOREC_VERSION;

// A machine for the host triple: position-independent code (the object may end up in
// a PIE or a shared library), tuned for `cpu`.
Expected<std::unique_ptr<llvm::TargetMachine>> aot_machine(const std::string& cpu_option) {
  std::string triple = llvm::sys::getProcessTriple();
  std::string problem;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, problem);
  if (!target) return Error{fmt::format("LLVM cannot compile for {}: {}", triple, problem)};

  std::string cpu = cpu_option;
  std::string features;
  if (cpu.empty() || cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (const auto& feature : llvm::sys::getHostCPUFeatures()) f.AddFeature(feature.first(), feature.second);
    features = f.getString();
  } else {
    // Checked here because LLVM itself only warns on stderr and compiles for a
    // generic CPU.
    std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(triple, "", ""));
    if (!sti || !sti->isCPUStringValid(cpu))
      return Error{fmt::format("unknown target CPU '{}' for {}; use an LLVM CPU name such as x86-64, x86-64-v3, "
                               "haswell or znver3, or 'native' for this machine (`llc -mcpu=help` lists them all)",
                               cpu, triple)};
  }
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(triple, cpu, features, llvm::TargetOptions(),
                                                                      llvm::Reloc::PIC_, std::nullopt,
                                                                      llvm::CodeGenOptLevel::Aggressive));
  if (!tm) return Error{fmt::format("LLVM cannot create a target machine for {} ({})", triple, cpu)};
  return tm;
}

llvm::Constant* c_string(llvm::Module& m, const std::string& s, const std::string& name) {
  auto* init = llvm::ConstantDataArray::getString(m.getContext(), s, /*AddNull=*/true);
  auto* gv = new llvm::GlobalVariable(m, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, name);
  gv->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return gv;
}

// The entry point `generic` (jit/codegen.h), renamed scorec_<name>_<what> and made
// internal: two rule sets in one program must not clash, and the only way in is
// through the module struct.
Expected<llvm::Function*> entry(llvm::Module& m, const std::string& generic, const std::string& prefix) {
  llvm::Function* f = m.getFunction(generic);
  if (!f) return Error{fmt::format("internal error: the generated code lacks '{}'", generic)};
  std::string suffix = generic.substr(std::string_view("scorec_").size());
  f->setName(prefix + suffix);
  f->setLinkage(llvm::GlobalValue::InternalLinkage);
  return f;
}

// A private array of function pointers, or null when there are none.
Expected<llvm::Constant*> entry_array(llvm::Module& m, const std::string& prefix, size_t n,
                                      std::string (*generic)(size_t), const std::string& array_name) {
  auto* ptr = llvm::PointerType::getUnqual(m.getContext());
  if (n == 0) return llvm::ConstantPointerNull::get(ptr);
  std::vector<llvm::Constant*> fns;
  for (size_t i = 0; i < n; ++i) {
    auto f = entry(m, generic(i), prefix);
    if (!f) return f.error();
    fns.push_back(*f);
  }
  auto* ty = llvm::ArrayType::get(ptr, n);
  auto* gv = new llvm::GlobalVariable(m, ty, true, llvm::GlobalValue::PrivateLinkage, llvm::ConstantArray::get(ty, fns),
                                      array_name);
  return gv;
}

// Adds the serialized program and the external `scorec_<name>_module` (scorec/aot.h).
Status add_module_struct(llvm::Module& m, const ir::Program& program, const std::string& name, const std::string& cpu,
                         const std::string& serialized) {
  auto& ctx = m.getContext();
  std::string prefix = "scorec_" + name + "_";
  auto* i32 = llvm::Type::getInt32Ty(ctx);
  auto* i64 = llvm::Type::getInt64Ty(ctx);
  auto* ptr = llvm::PointerType::getUnqual(ctx);

  auto* bytes_init = llvm::ConstantDataArray::getString(ctx, serialized, /*AddNull=*/false);
  auto* bytes = new llvm::GlobalVariable(m, bytes_init->getType(), true, llvm::GlobalValue::PrivateLinkage, bytes_init,
                                         prefix + "program");

  auto update = entry(m, kUpdateName, prefix);
  if (!update) return update.error();
  auto terms = entry_array(m, prefix, program.scores.size(), score_terms_name, prefix + "score_terms");
  if (!terms) return terms.error();
  auto points = entry_array(m, prefix, program.grades.size(), grade_points_name, prefix + "grade_points");
  if (!points) return points.error();
  auto segments = entry_array(m, prefix, program.segments.size(), segment_name, prefix + "segments");
  if (!segments) return segments.error();

  // Field for field struct scorec_aot_module; LLVM pads it as the C ABI does, which
  // the offset check below confirms.
  auto* ty = llvm::StructType::create(ctx, {i32, i32, ptr, ptr, ptr, ptr, i64, ptr, i32, i32, i32, ptr, ptr, ptr},
                                      "struct.scorec_aot_module");
  const size_t c_offsets[] = {
      offsetof(scorec_aot_module, magic),        offsetof(scorec_aot_module, abi_version),
      offsetof(scorec_aot_module, name),         offsetof(scorec_aot_module, scorec_version),
      offsetof(scorec_aot_module, target_cpu),   offsetof(scorec_aot_module, program),
      offsetof(scorec_aot_module, program_size), offsetof(scorec_aot_module, update),
      offsetof(scorec_aot_module, num_scores),   offsetof(scorec_aot_module, num_grades),
      offsetof(scorec_aot_module, num_segments), offsetof(scorec_aot_module, score_terms),
      offsetof(scorec_aot_module, grade_points), offsetof(scorec_aot_module, segments)};
  const llvm::StructLayout* layout = m.getDataLayout().getStructLayout(ty);
  for (unsigned i = 0; i < std::size(c_offsets); ++i)
    if (layout->getElementOffset(i) != c_offsets[i])
      return Error{"internal error: the target's layout of struct scorec_aot_module differs from this compiler's"};
  if (layout->getSizeInBytes() != sizeof(scorec_aot_module))
    return Error{"internal error: the target's size of struct scorec_aot_module differs from this compiler's"};

  auto u32 = [&](uint64_t v) { return llvm::ConstantInt::get(i32, v); };
  llvm::Constant* fields[] = {u32(SCOREC_AOT_MAGIC),
                              u32(native::kAbiVersion),
                              c_string(m, name, prefix + "name"),
                              c_string(m, kScorecVersion, prefix + "version"),
                              c_string(m, cpu, prefix + "cpu"),
                              bytes,
                              llvm::ConstantInt::get(i64, serialized.size()),
                              *update,
                              u32(program.scores.size()),
                              u32(program.grades.size()),
                              u32(program.segments.size()),
                              *terms,
                              *points,
                              *segments};
  new llvm::GlobalVariable(m, ty, true, llvm::GlobalValue::ExternalLinkage, llvm::ConstantStruct::get(ty, fields),
                           prefix + "module");
  return Ok{};
}

std::string header_text(const AotOptions& o, const std::string& cpu) {
  std::string guard = "SCOREC_AOT_" + o.name + "_H";
  for (auto& c : guard) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string source = o.source.empty() ? "a rules file" : o.source;
  // The path goes into a comment: keep it from closing it.
  for (size_t at; (at = source.find("*/")) != std::string::npos;) source.replace(at, 2, "*_/");
  return fmt::format(
      "/* Generated by {0} (`scorec compile`) from {1}; do not edit.\n"
      " * The rule set '{2}', compiled to native code for CPU {3}.\n"
      " *\n"
      " * Use: link the object `scorec compile` wrote with the scorec runtime library\n"
      " * (libscorec_rt: -lscorec_rt, CMake scorec::scorec_rt; no LLVM needed), then pass scorec_{2}_module to\n"
      " * scorec::Rules::from_aot (C++) or scorec_rules_from_aot (C); see <scorec/aot.h>.\n"
      " * Recompile it whenever the rules or scorec change: loading checks the ABI version. */\n"
      "#ifndef {4}\n"
      "#define {4}\n"
      "\n"
      "#include <scorec/aot.h>\n"
      "\n"
      "#ifdef __cplusplus\n"
      "extern \"C\" {{\n"
      "#endif\n"
      "\n"
      "extern const struct scorec_aot_module scorec_{2}_module;\n"
      "\n"
      "#ifdef __cplusplus\n"
      "}}\n"
      "#endif\n"
      "\n"
      "#endif /* {4} */\n",
      kScorecVersion, source, o.name, cpu, guard);
}

}  // namespace

bool is_c_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

Expected<AotOutput> compile_aot(const ir::Program& program, const AotOptions& options) {
  if (!is_c_identifier(options.name))
    return Error{fmt::format("'{}' is not a C identifier (letters, digits and _, not starting with a digit)",
                             options.name)};
  // What the object carries must load again: catch a program the format cannot hold
  // (an expression nested too deep) here, not in the program that links it.
  std::string serialized = ir::serialize_program(program);
  if (auto back = ir::deserialize_program(serialized); !back)
    return Error{"the compiled rules cannot be stored in the object: " + back.error().message};

  init_llvm();
  auto tm = aot_machine(options.target_cpu);
  if (!tm) return tm.error();
  std::string cpu = (*tm)->getTargetCPU().str();

  llvm::LLVMContext ctx;
  auto module = build_module(program, ctx, **tm);
  if (!module) return module.error();
  if (auto st = add_module_struct(**module, program, options.name, cpu, serialized); !st) return st.error();
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(**module, &os)) return Error{"internal error: the compiled module is invalid:\n" + problems};

  optimize(**module, **tm);
  auto object = emit_object(**module, **tm);
  if (!object) return object.error();
  return AotOutput{std::string(object->begin(), object->end()), header_text(options, cpu)};
}

}  // namespace scorec::jit
