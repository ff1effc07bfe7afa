// The C ABI's compile functions: only the full library has the frontend and the JIT
// behind them, so they live apart from c_api.cpp (which both libraries compile).
#include <string>

#include "api/c_api_internal.h"

namespace scorec::capi {
namespace {

CompileOptions to_options(const scorec_compile_options* in) {
  CompileOptions o;
  if (!in) return o;
  o.jit = in->no_jit == 0;
  o.use_cache = in->no_cache == 0;
  if (in->cache_dir) o.cache_dir = in->cache_dir;
  return o;
}

// Rules with errors come with their diagnostics (SCOREC_ERROR_RULES); a failure without
// any is the native-code step (LLVM) failing on rules that checked fine.
scorec_status finish(Result<Rules> rules, scorec_rules** out) {
  if (!rules)
    return fail(rules.error().diagnostics.empty() ? SCOREC_ERROR_INTERNAL : SCOREC_ERROR_RULES, rules.error());
  return make_rules(std::move(*rules), out);
}

}  // namespace
}  // namespace scorec::capi

extern "C" {

scorec_status scorec_compile_file(const char* path, const scorec_compile_options* options, scorec_rules** out) {
  return scorec::capi::guard(__func__, [&](const scorec::capi::Call& c) {
    if (!path) return c.null("path");
    if (!out) return c.null("out");
    if (auto st = scorec::capi::check_readable(path); st != SCOREC_OK) return st;
    return scorec::capi::finish(scorec::compile_file(path, scorec::capi::to_options(options)), out);
  });
}

scorec_status scorec_compile_string(const char* source, const char* name, const scorec_compile_options* options,
                                    scorec_rules** out) {
  return scorec::capi::guard(__func__, [&](const scorec::capi::Call& c) {
    if (!source) return c.null("source");
    if (!out) return c.null("out");
    return scorec::capi::finish(
        scorec::compile_string(source, name ? name : "<string>", scorec::capi::to_options(options)), out);
  });
}

}  // extern "C"
