// What a scorec::Rules holds: the checked program and, when available, its native code.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/program.h"
#include "runtime/native/native_rules.h"
#include "scorec/scorec.hpp"

namespace scorec::detail {

struct RulesImpl {
  ir::Program program;
  std::shared_ptr<const native::NativeRules> native;  // null: interpreter only
  std::vector<Diagnostic> warnings;
  std::string label;  // the rules file (or string name), recorded in saved states
};

}  // namespace scorec::detail
