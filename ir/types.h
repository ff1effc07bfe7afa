// The value types of the language. At run time every value is a double plus a
// validity flag (null = invalid): numbers are numbers, bools are 0/1, timestamps are
// epoch seconds, durations are seconds, and strings and string lists are ids into the
// run's StringPool / ListPool. One representation keeps columns, state and the JIT's
// code uniform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ir/kinds.h"

namespace scorec::ir {

enum class Type : uint8_t { Number, Bool, String, Timestamp, Duration, StringList, Null };

constexpr const char* type_name(Type t) {
  switch (t) {
    case Type::Number: return "number";
    case Type::Bool: return "bool";
    case Type::String: return "string";
    case Type::Timestamp: return "timestamp";
    case Type::Duration: return "duration";
    case Type::StringList: return "list<string>";
    case Type::Null: return "null";
  }
  return "?";
}

inline constexpr uint8_t kTypeCount = count_kinds<Type>([](Type t) { return std::string_view(type_name(t)) != "?"; });

// "number", "list<string>", ... as written in a schema.
inline std::optional<Type> type_from_name(std::string_view name) {
  if (name == "number") return Type::Number;
  if (name == "bool") return Type::Bool;
  if (name == "string") return Type::String;
  if (name == "timestamp") return Type::Timestamp;
  if (name == "duration") return Type::Duration;
  if (name == "list<string>") return Type::StringList;
  return std::nullopt;
}

}  // namespace scorec::ir
