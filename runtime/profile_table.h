// Profile attributes per user, one column per declared attribute, indexed by the
// user's dense index. Users with no profile row have null attributes.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/event_batch.h"

namespace scorec::runtime {

class ProfileTable {
 public:
  explicit ProfileTable(size_t num_attrs = 0) : columns_(num_attrs) {}

  void set(uint32_t user, size_t attr, double value) {
    grow(user + 1);
    columns_[attr].values[user] = value;
    columns_[attr].valid[user] = 1;
  }
  void clear_value(uint32_t user, size_t attr) {
    grow(user + 1);
    columns_[attr].valid[user] = 0;
  }
  // Makes room for `users` rows; new rows are null.
  void grow(size_t users) {
    if (users <= rows_) return;
    for (auto& c : columns_) {
      c.values.resize(users, 0.0);
      c.valid.resize(users, 0);
    }
    rows_ = users;
  }
  bool valid(uint32_t user, size_t attr) const { return user < rows_ && columns_[attr].valid[user]; }
  double value(uint32_t user, size_t attr) const { return columns_[attr].values[user]; }
  size_t rows() const { return rows_; }
  size_t num_attrs() const { return columns_.size(); }
  const Column& column(size_t attr) const { return columns_[attr]; }

 private:
  std::vector<Column> columns_;
  size_t rows_ = 0;
};

}  // namespace scorec::runtime
