// Builds an ir::Program: allocates state slots, shares aggregate slots between rules
// that read the same aggregate, interns string constants and folds constant
// expressions. The checker drives it; it knows nothing about syntax.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "ir/program.h"

namespace scorec::ir {

class Builder {
 public:
  Program& program() { return prog_; }

  int intern_string(const std::string& s);
  int add_slot(std::string name, double init = 0);

  // The expression that reads an aggregate, allocating the slots and updates it needs.
  // `column` is the property's batch column, or -1 for count/first/last.
  Expr aggregate(AggKind kind, int event, int column, double window, const std::string& label);

  // Leaves and nodes; node() folds when every argument is a constant.
  static Expr constant(Type t, double v, bool valid = true);
  static Expr leaf(Op op, Type t, int index = -1);
  Expr node(Op op, Type t, std::vector<Expr> args);
  // The same for one or two operands, moved in: a braced list would copy them, and a
  // chain of n terms would copy O(n^2) nodes.
  Expr node(Op op, Type t, Expr a);
  Expr node(Op op, Type t, Expr a, Expr b);
  Expr call(builtins::Id fn, Type t, std::vector<Expr> args);

  // Fills the per-event indices and flags once every rule and aggregate is added.
  Program finish();

 private:
  int update_slot(UpdateKind kind, int event, int column, double window, const std::string& label, double init);

  Program prog_;
  std::map<std::string, int> strings_;
  std::map<std::tuple<int, int, int, double>, int> update_slots_;
};

}  // namespace scorec::ir
