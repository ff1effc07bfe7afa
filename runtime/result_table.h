// The output of a run: one row per user, in user-index order, with typed columns:
// user id; per score raw, scaled, tier; per grade points and letter; per segment a bool.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scorec::runtime {

enum class ColumnKind { Text, Number, Bool };

struct ResultColumn {
  std::string name;
  ColumnKind kind = ColumnKind::Number;
  std::vector<double> numbers;      // Number and Bool (0/1)
  std::vector<std::string> texts;   // Text
  std::vector<uint8_t> valid;       // 0 = null (written as an empty CSV field / JSON null)
};

struct ResultTable {
  std::vector<std::string> user_ids;
  std::vector<ResultColumn> columns;
  size_t rows() const { return user_ids.size(); }
  // The column of that name, or null.
  const ResultColumn* column(std::string_view name) const {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
};

}  // namespace scorec::runtime
