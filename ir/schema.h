// The declared shape of the input: event types with typed properties, and typed
// profile attributes. Readers use it to know which fields to extract and how to
// convert them; rules refer to its entries by index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/types.h"

namespace scorec::ir {

struct PropDecl {
  std::string name;
  Type type = Type::Number;
  int column = -1;  // index of this property's column in an EventBatch
};

struct EventDecl {
  std::string name;
  std::vector<PropDecl> props;
  // Declared only by imported files (a tracking plan such as stdlib/segment_ecommerce),
  // not by the rules file itself: the run summary does not list it as absent from the
  // input. Not serialized: compiled programs count every event as the file's own.
  bool imported = false;

  const PropDecl* find_prop(std::string_view n) const {
    for (const auto& p : props)
      if (p.name == n) return &p;
    return nullptr;
  }
};

struct AttrDecl {
  std::string name;
  Type type = Type::String;
};

struct Schema {
  std::vector<EventDecl> events;   // index = event type code
  std::vector<AttrDecl> profile;   // index = profile column
  int num_columns = 0;             // event property columns, over all event types

  int find_event(std::string_view n) const {
    for (size_t i = 0; i < events.size(); ++i)
      if (events[i].name == n) return static_cast<int>(i);
    return -1;
  }
  // The declared type of each event property column (index = PropDecl::column).
  std::vector<Type> column_types() const {
    std::vector<Type> types(static_cast<size_t>(num_columns), Type::Number);
    for (const auto& e : events)
      for (const auto& p : e.props) types[static_cast<size_t>(p.column)] = p.type;
    return types;
  }
  int find_attr(std::string_view n) const {
    for (size_t i = 0; i < profile.size(); ++i)
      if (profile[i].name == n) return static_cast<int>(i);
    return -1;
  }
};

}  // namespace scorec::ir
