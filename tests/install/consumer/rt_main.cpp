// Links the runtime library only and uses what needs no compiler: partition_of (checked
// against FNV-1a 64 computed here) and the C ABI's refusal of a bad AOT module.
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "scorec/aot.h"
#include "scorec/scorec.h"
#include "scorec/scorec.hpp"

namespace {

uint32_t fnv1a_partition(std::string_view id, uint32_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ull;
  return static_cast<uint32_t>(h % n);
}

}  // namespace

int main() {
  for (std::string_view id : {"u101", "u102", "anon-7f3a", ""}) {
    if (scorec::partition_of(id, 7) != fnv1a_partition(id, 7)) {
      std::fprintf(stderr, "partition_of(%.*s) disagrees\n", static_cast<int>(id.size()), id.data());
      return 1;
    }
  }
  scorec_aot_module bogus{};  // wrong magic: refused, not crashed on
  scorec_rules* rules = nullptr;
  if (scorec_rules_from_aot(&bogus, &rules) != SCOREC_ERROR_INPUT || rules != nullptr) {
    std::fprintf(stderr, "a bogus module was not refused\n");
    return 1;
  }
  std::printf("consumer_rt: partition_of(u101, 7) = %u; bogus module: %s\n", scorec::partition_of("u101", 7),
              scorec_last_error());
  return 0;
}
