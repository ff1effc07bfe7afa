// Hand-built result tables for the report tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/result_table.h"

namespace scorec::report::testing {

using runtime::ColumnKind;
using runtime::ResultColumn;
using runtime::ResultTable;

// A number column; NaN entries are nulls.
inline ResultColumn num_col(std::string name, std::vector<double> v) {
  ResultColumn c;
  c.name = std::move(name);
  c.kind = ColumnKind::Number;
  for (double x : v) c.valid.push_back(x == x);
  c.numbers = std::move(v);
  return c;
}

// A text column; nullopt entries are nulls.
inline ResultColumn text_col(std::string name, const std::vector<std::optional<std::string>>& v) {
  ResultColumn c;
  c.name = std::move(name);
  c.kind = ColumnKind::Text;
  for (const auto& x : v) {
    c.texts.push_back(x.value_or(""));
    c.valid.push_back(x.has_value());
  }
  return c;
}

inline ResultColumn bool_col(std::string name, const std::vector<int>& v) {
  ResultColumn c;
  c.name = std::move(name);
  c.kind = ColumnKind::Bool;
  for (int x : v) {
    c.numbers.push_back(x);
    c.valid.push_back(1);
  }
  return c;
}

inline ResultTable table(std::vector<std::string> users, std::vector<ResultColumn> columns) {
  ResultTable t;
  t.user_ids = std::move(users);
  t.columns = std::move(columns);
  return t;
}

}  // namespace scorec::report::testing
