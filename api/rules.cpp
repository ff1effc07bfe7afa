// scorec::Rules: the parts the runtime library has (no frontend, no LLVM).
#include <scorec/aot.h>

#include "api/rules_impl.h"
#include "runtime/native/aot_loader.h"
#include "runtime/partition.h"

namespace scorec {

std::vector<std::string> Rules::scores() const {
  std::vector<std::string> out;
  for (const auto& s : impl_->program.scores) out.push_back(s.name);
  return out;
}

std::vector<std::string> Rules::grades() const {
  std::vector<std::string> out;
  for (const auto& g : impl_->program.grades) out.push_back(g.name);
  return out;
}

std::vector<std::string> Rules::segments() const {
  std::vector<std::string> out;
  for (const auto& s : impl_->program.segments) out.push_back(s.name);
  return out;
}

std::vector<std::string> Rules::event_types() const {
  std::vector<std::string> out;
  for (const auto& e : impl_->program.schema.events) out.push_back(e.name);
  return out;
}

std::vector<std::string> Rules::profile_attributes() const {
  std::vector<std::string> out;
  for (const auto& a : impl_->program.schema.profile) out.push_back(a.name);
  return out;
}

std::vector<std::string> Rules::columns() const {
  std::vector<std::string> out;
  for (const auto& s : impl_->program.scores) {
    out.push_back(s.name + "_raw");
    if (s.scale.kind != ir::ScaleKind::None) out.push_back(s.name);
    if (!s.tiers.empty()) out.push_back(s.name + "_tier");
  }
  for (const auto& g : impl_->program.grades) {
    out.push_back(g.name + "_points");
    out.push_back(g.name);
  }
  for (const auto& s : impl_->program.segments) out.push_back(s.name);
  return out;
}

bool Rules::has_native() const { return impl_->native != nullptr; }

const std::vector<Diagnostic>& Rules::warnings() const { return impl_->warnings; }

Result<Rules> Rules::from_aot(const scorec_aot_module& module) {
  auto loaded = native::load_aot(module);
  if (!loaded) return Error{loaded.error().str(), {}};
  auto impl = std::make_shared<detail::RulesImpl>();
  impl->program = std::move(loaded->program);
  impl->native = std::move(loaded->native);
  impl->label = module.name ? module.name : "";
  return Rules(std::move(impl));
}

uint32_t partition_of(std::string_view user_id, uint32_t n) { return runtime::partition_of(user_id, n); }

}  // namespace scorec
