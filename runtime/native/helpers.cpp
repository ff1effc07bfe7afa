#include "runtime/native/helpers.h"

#include <algorithm>

#include "runtime/value_pools.h"
#include "stdlib/builtins.h"

extern "C" double scorec_rt_call_builtin(uint32_t id, const double* args, int32_t n, void* strings) {
  return scorec::builtins::call(static_cast<scorec::builtins::Id>(id), args, n,
                                static_cast<scorec::builtins::StringContext*>(strings));
}

extern "C" double scorec_rt_list_contains(void* strings, double list_id, double string_id) {
  auto* ctx = static_cast<scorec::builtins::StringContext*>(strings);
  // Compiled code calls this before it knows whether the list is null (the result is
  // then discarded), so the id may name no list at all.
  if (!(list_id >= 0) || list_id >= static_cast<double>(ctx->lists->size())) return 0.0;
  const auto& items = ctx->lists->get(static_cast<uint32_t>(list_id));
  return std::find(items.begin(), items.end(), static_cast<uint32_t>(string_id)) != items.end() ? 1.0 : 0.0;
}
