// Files the tools write and read whole: written so that a reader (or a crash) never
// sees half a file, and compared by identity so that an output never replaces an input.
#pragma once

#include <string>
#include <string_view>

#include "support/expected.h"

namespace scorec {

// Writes `data` to `path`. A regular file (or a new one) is written beside it and
// renamed into place, so the old contents stay whole until the new ones are; a path
// that names something else (/dev/null, /dev/stdout, a FIFO) is written directly, never
// replaced.
Status write_file_atomically(const std::string& path, std::string_view data);

// Whether two paths name the same existing regular file: the same device and inode, so
// that "./x" and "x", a symbolic link and its target, and hard links all match. False
// when either does not exist or is not a regular file (a device or FIFO has no contents
// to overwrite).
bool same_file(const std::string& a, const std::string& b);

}  // namespace scorec
