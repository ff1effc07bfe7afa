// Columnar event batches: the unit the engines consume. One row per event; one column
// per declared event property (Schema::num_columns of them, indexed by
// PropDecl::column). A property column holds values only on rows of its event type;
// other rows are invalid (null).
#pragma once

#include <cstdint>
#include <span>
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
  void reserve(size_t rows) {
    user.reserve(rows);
    type.reserve(rows);
    ts.reserve(rows);
    line.reserve(rows);
    for (auto& c : columns) {
      c.values.reserve(rows);
      c.valid.reserve(rows);
    }
  }
  // Appends every row of `src`, or the given rows of it, in that order.
  void append(const EventBatch& src);
  void append(const EventBatch& src, std::span<const uint32_t> rows);
};

inline void EventBatch::append(const EventBatch& src) {
  user.insert(user.end(), src.user.begin(), src.user.end());
  type.insert(type.end(), src.type.begin(), src.type.end());
  ts.insert(ts.end(), src.ts.begin(), src.ts.end());
  line.insert(line.end(), src.line.begin(), src.line.end());
  if (columns.size() < src.columns.size()) columns.resize(src.columns.size());
  for (size_t c = 0; c < src.columns.size(); ++c) {
    columns[c].values.insert(columns[c].values.end(), src.columns[c].values.begin(), src.columns[c].values.end());
    columns[c].valid.insert(columns[c].valid.end(), src.columns[c].valid.begin(), src.columns[c].valid.end());
  }
}

inline void EventBatch::append(const EventBatch& src, std::span<const uint32_t> rows) {
  if (columns.size() < src.columns.size()) columns.resize(src.columns.size());
  for (uint32_t r : rows) {
    user.push_back(src.user[r]);
    type.push_back(src.type[r]);
    ts.push_back(src.ts[r]);
    line.push_back(src.line[r]);
    for (size_t c = 0; c < src.columns.size(); ++c) columns[c].push(src.columns[c].values[r], src.columns[c].valid[r]);
  }
}

}  // namespace scorec::runtime
