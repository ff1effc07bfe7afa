// Any bytes as a .gz events file (corrupt, truncated or not gzip at all): read as
// events and as profiles, it reads or fails with an error naming the file, never
// crashes. Seeds are gzipped copies of the shipped event files.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/read_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = scorec::fuzz::scratch_path("input.gz");
  const auto& program = scorec::fuzz::fixed_program("schema.score");
  scorec::fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& mode : scorec::fuzz::read_modes()) scorec::fuzz::read_dump(path, program, mode);
  return 0;
}
