#include "runtime/native/aot_loader.h"

#include <string_view>

#include <fmt/format.h>

#include "ir/serialize.h"

namespace scorec::native {
namespace {

// The generated code's signatures are the ABI's; the module stores them as the
// generic scorec_aot_fn, as C would.
template <class Fn>
Fn as(scorec_aot_fn f) {
  return reinterpret_cast<Fn>(f);
}

template <class Fn>
Status copy_fns(const scorec_aot_fn* from, uint32_t n, size_t want, const char* what, std::vector<Fn>& to) {
  if (n != want)
    return Error{fmt::format("the module has {} {} functions but its program has {} {}s", n, what, want, what)};
  if (n > 0 && from == nullptr) return Error{fmt::format("the module's {} functions are missing", what)};
  for (uint32_t i = 0; i < n; ++i) {
    if (from[i] == nullptr) return Error{fmt::format("the module's {} function {} is missing", what, i)};
    to.push_back(as<Fn>(from[i]));
  }
  return Ok{};
}

std::string module_name(const scorec_aot_module& m) { return m.name ? fmt::format("'{}'", m.name) : "(unnamed)"; }

}  // namespace

Expected<AotRules> load_aot(const scorec_aot_module& m) {
  if (m.magic != SCOREC_AOT_MAGIC)
    return Error{fmt::format("not a scorec ahead-of-time module (magic {:#010x}, expected {:#010x})", m.magic,
                             SCOREC_AOT_MAGIC)};
  auto fail = [&](const std::string& why) {
    return Error{fmt::format("ahead-of-time module {}: {}", module_name(m), why)};
  };
  if (m.abi_version != kAbiVersion)
    return fail(fmt::format("compiled for ABI version {} ({}), but this runtime has ABI version {}; recompile it with "
                            "`scorec compile`",
                            m.abi_version, m.scorec_version ? m.scorec_version : "unknown scorec", kAbiVersion));
  if (m.program == nullptr && m.program_size > 0) return fail("its program is missing");
  auto program = ir::deserialize_program(
      std::string_view(reinterpret_cast<const char*>(m.program), static_cast<size_t>(m.program_size)));
  if (!program) return fail(program.error().message);
  if (m.update == nullptr) return fail("its update function is missing");

  auto rules = std::make_shared<NativeRules>();
  rules->update = as<UpdateFn>(m.update);
  if (auto st = copy_fns(m.score_terms, m.num_scores, program->scores.size(), "score", rules->score_terms); !st)
    return fail(st.error().message);
  if (auto st = copy_fns(m.grade_points, m.num_grades, program->grades.size(), "grade", rules->grade_points); !st)
    return fail(st.error().message);
  if (auto st = copy_fns(m.segments, m.num_segments, program->segments.size(), "segment", rules->segments); !st)
    return fail(st.error().message);
  return AotRules{std::move(*program), std::move(rules)};
}

}  // namespace scorec::native
