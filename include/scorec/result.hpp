// Errors as values, shared by the library's public API and its internals: a result is
// either a value or an Error that says what went wrong and where. Nothing in scorec
// throws across its API.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace scorec {

// One finding of the rules compiler, as the public API reports it.
struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string code;  // stable code, e.g. "E010" (docs/diagnostics.md)
  std::string file;
  int line = 0, column = 0;  // 1-based; 0 when unknown
  std::string message;
  std::string hint;  // empty when there is none
};

struct Error {
  std::string message;
  std::string file;   // empty when the error has no file
  int64_t line = 0;   // 1-based; 0 when unknown
  int64_t column = 0; // 1-based; 0 when unknown
  // When compiling rules fails: every error found (message then holds them rendered).
  std::vector<Diagnostic> diagnostics;
  // What to do about it, when there is a usual remedy ("pass --skip-bad ..."); empty
  // otherwise.
  std::string hint;

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
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations with no value to return.
struct Ok {};
using Status = Expected<Ok>;

// The public API's name for Expected.
template <class T>
using Result = Expected<T>;

}  // namespace scorec
