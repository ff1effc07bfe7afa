// The NDJSON reader on any bytes, as events (skipping bad lines and strictly) and as
// profiles: it reads or fails with an error, never crashes, and gives the same result
// whether the file arrives in one block or in blocks of a few bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/read_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = scorec::fuzz::scratch_path("input.ndjson");
  const auto& program = scorec::fuzz::fixed_program("schema.score");
  scorec::fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  scorec::fuzz::check_chunking_agrees(path, program);
  return 0;
}
