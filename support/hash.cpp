#include "support/hash.h"

// Header-only use of xxHash: no shared library at run time.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace scorec {

uint64_t xxh3_64(const void* data, size_t size) { return XXH3_64bits(data, size); }

}  // namespace scorec
