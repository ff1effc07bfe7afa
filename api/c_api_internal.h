// The C ABI's handles and error plumbing, shared by c_api.cpp (both libraries) and
// c_api_compile.cpp (the full library only).
#pragma once

#include <array>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "scorec/scorec.h"
#include "scorec/scorec.hpp"

// The handles are the C++ objects plus whatever the C side hands out pointers into, so
// that every `const char*` returned lives exactly as long as its handle.
struct scorec_rules {
  explicit scorec_rules(scorec::Rules r);
  scorec::Rules rules;
  std::array<std::vector<std::string>, 6> names;  // by scorec_names
};

namespace scorec::capi {

// The status a failure maps to, with its message (and compile diagnostics) stored as
// this thread's last error. Never throws: when even the message cannot be stored, the
// last error says so instead.
scorec_status fail(scorec_status status, const std::string& message) noexcept;
scorec_status fail(scorec_status status, const Error& error) noexcept;

// Wraps Rules into a new handle in *out.
scorec_status make_rules(Rules rules, scorec_rules** out);

// The classification of an unreadable path, done before calling into C++ whose errors
// are plain messages: SCOREC_OK when the file opens for reading.
scorec_status check_readable(const char* path);

// Runs one C function's body, so that no exception crosses the ABI: running out of
// memory becomes SCOREC_ERROR_NO_MEMORY, anything else SCOREC_ERROR_INTERNAL.
struct Call {
  const char* fn;
  scorec_status null(const char* arg) const noexcept;  // a required argument was NULL
};
scorec_status out_of_memory(const char* fn) noexcept;
scorec_status internal(const char* fn, const char* what) noexcept;

template <class F>
scorec_status guard(const char* fn, F&& body) noexcept {
  try {
    return std::forward<F>(body)(Call{fn});
  } catch (const std::bad_alloc&) {
    return out_of_memory(fn);
  } catch (const std::exception& e) {
    return internal(fn, e.what());
  } catch (...) {
    return internal(fn, "an unknown exception");
  }
}

}  // namespace scorec::capi
