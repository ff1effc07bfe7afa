// Writing JSON: string escaping and a small ordered tree with a stable printer. Shared
// by every JSON the project writes (run output, diagnostics, diff, explain), so all of
// it escapes the same way and is always valid JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace scorec {

// Appends `s` as a JSON string literal, quotes included: control characters are
// \u-escaped and invalid UTF-8 bytes become U+FFFD.
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);

// A JSON value whose objects keep their keys in insertion order.
struct Json {
  struct Null {};
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;
  std::variant<Null, double, std::string, bool, Array, Object> v;

  Json() : v(Null{}) {}
  Json(double d) : v(d) {}
  Json(uint64_t n) : v(static_cast<double>(n)) {}
  Json(int64_t n) : v(static_cast<double>(n)) {}
  Json(int n) : v(static_cast<double>(n)) {}
  Json(const char* s) : v(std::string(s)) {}
  Json(std::string s) : v(std::move(s)) {}
  Json(bool b) : v(b) {}
  Json(Array a) : v(std::move(a)) {}
  Json(Object o) : v(std::move(o)) {}
  template <class T>
  Json(const std::optional<T>& o) : Json(o ? Json(*o) : Json()) {}

  bool scalar() const { return !std::holds_alternative<Array>(v) && !std::holds_alternative<Object>(v); }
};

struct JsonStyle {
  bool inline_scalar_arrays = false;  // [1, 2, 3] on one line when every element is a scalar
};

// Two-space indentation; numbers through format_number, non-finite numbers as null.
void print_json(std::string& out, const Json& j, JsonStyle style = {}, int indent = 0);

}  // namespace scorec
