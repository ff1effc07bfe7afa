// `scorec ir`: the IR as readable text. Stable output, pinned by golden tests.
#pragma once

#include <string>

#include "ir/program.h"

namespace scorec::ir {

std::string print_program(const Program& p);
std::string print_expr(const Program& p, const Expr& e);

}  // namespace scorec::ir
