// Errors as values at library boundaries: a result is either a value or an Error that
// says what went wrong and where. Nothing in the library throws across its API.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace scorec {

struct Error {
  std::string message;
  std::string file;   // empty when the error has no file
  int64_t line = 0;   // 1-based; 0 when unknown
  int64_t column = 0; // 1-based; 0 when unknown

  // "file:line:col: message", leaving out the parts that are unknown.
  std::string str() const {
    std::string out;
    if (!file.empty()) {
      out += file;
      if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
      }
      out += ": ";
    }
    return out + message;
  }
};

template <class T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}
  Expected(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations with no value to return.
struct Ok {};
using Status = Expected<Ok>;

}  // namespace scorec
