// The one registry of built-in functions, shared by the checker (names, signatures),
// the interpreter and the JIT (implementations). Like Gandiva's registry, each entry
// declares its null policy, so every backend treats nulls the same way.
//
// Implementations take and return doubles (the run-time value representation, see
// ir/types.h). A NaN result means null: log(-1), sqrt(-1), x / 0 are null, never NaN.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ir/types.h"

namespace scorec::runtime {
class StringPool;
class ListPool;
}  // namespace scorec::runtime

namespace scorec::builtins {

enum class Id : uint16_t {
  Min, Max, Clamp, Abs, Log, Log10, Sqrt, Round, Floor, Ceil, Pow, Exp,
  Contains, StartsWith, EndsWith, Lower, Upper, Len, ListLen,
  Count_  // number of builtins
};

enum class NullPolicy {
  NullInNullOut,  // any null argument makes the result null (the function is not called)
};

// The string pool and list pool of a run, for functions that look inside strings.
struct StringContext {
  runtime::StringPool* strings = nullptr;
  runtime::ListPool* lists = nullptr;
};

using Impl = double (*)(const double* args, int n, StringContext* ctx);

struct Signature {
  std::vector<ir::Type> params;
  ir::Type result;
  bool variadic = false;  // the last parameter repeats (min, max)
};

struct Info {
  Id id;
  std::string_view name;
  std::vector<Signature> signatures;
  NullPolicy nulls = NullPolicy::NullInNullOut;
  Impl impl = nullptr;
  std::string_view help;  // one line, for diagnostics
};

const std::vector<Info>& all();
const Info& info(Id id);
const Info* find(std::string_view name);

// Calls `id` on non-null arguments; NaN in the result means null.
inline double call(Id id, const double* args, int n, StringContext* ctx) { return info(id).impl(args, n, ctx); }

}  // namespace scorec::builtins
