// Which declared event an input event name is: the `alias.EVENT` mapping first, then
// the declared name as written, then the name in one spelling (support/text.h
// event_name_key: `Order Completed`, `order-completed` and `OrderCompleted` all read
// as a declared `order_completed`). The checker refuses two declared events with one
// key (E019), so the third step is never ambiguous for a compiled program; a schema
// built otherwise with such a pair matches neither by key.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "ir/schema.h"
#include "runtime/io/field_mapping.h"

namespace scorec::runtime {

class EventNames {
 public:
  EventNames(const ir::Schema& schema, const FieldMapping& mapping);

  struct Match {
    int type = -1;            // -1: no declared event
    bool by_key = false;      // found only in one spelling (the run summary lists these)
  };
  // Meant to be called once per distinct input name; callers cache the answer.
  Match resolve(std::string_view name) const;

 private:
  const ir::Schema& schema_;
  const FieldMapping& mapping_;
  std::unordered_map<std::string, int> by_key_;  // key -> type; -2 when two events share it
};

}  // namespace scorec::runtime
