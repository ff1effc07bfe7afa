// Columnar event batches: the unit the engines consume. One row per event; one column
// per declared event property (Schema::num_columns of them, indexed by
// PropDecl::column). A property column holds values only on rows of its event type;
// other rows are invalid (null).
#pragma once

#include <cstdint>
#include <vector>

namespace scorec::runtime {

// Event type code of an event whose name the rules do not declare. Such events count
// in the summary and make their user part of the population, and nothing else.
constexpr uint16_t kUnknownEvent = 0xFFFF;

struct Column {
  std::vector<double> values;
  std::vector<uint8_t> valid;  // 1 = has a value, 0 = null

  void push(double v, bool ok) {
    values.push_back(ok ? v : 0.0);
    valid.push_back(ok ? 1 : 0);
  }
  void clear() {
    values.clear();
    valid.clear();
  }
};

struct EventBatch {
  std::vector<uint32_t> user;   // UserIndex index
  std::vector<uint16_t> type;   // Schema event index, or kUnknownEvent
  std::vector<double> ts;       // epoch seconds
  std::vector<uint64_t> line;   // 1-based line (record) number in the source file
  std::vector<Column> columns;  // Schema::num_columns entries

  size_t size() const { return user.size(); }
  void reset(int num_columns) {
    user.clear();
    type.clear();
    ts.clear();
    line.clear();
    columns.resize(static_cast<size_t>(num_columns));
    for (auto& c : columns) c.clear();
  }
};

}  // namespace scorec::runtime
