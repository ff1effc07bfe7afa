// `scorec fmt` on any text: it formats or refuses with an error, never crashes, and
// what it formats keeps the properties the formatter tests check
// (tests/fmt/format_checks.h): idempotent, the same IR, the same comments.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fmt/format_checks.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Named inside the source tree, so `import "stdlib/..."` and the examples resolve.
  static const std::string name = scorec::fuzz::source_dir() + "/fuzz.score";
  std::string text(reinterpret_cast<const char*>(data), size);
  auto r = scorec::fmtcheck::check_format_properties(text, name);
  for (const auto& p : r.problems) scorec::fuzz::check(false, p);
  return 0;
}
