#include "support/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace scorec {

Status write_file_atomically(const std::string& path, std::string_view data) {
  struct stat st;
  bool replace = ::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode);
  // The process id keeps two writers of one path (and a file named like the temporary
  // of another) apart.
  std::string target = replace ? fmt::format("{}.tmp{}", path, getpid()) : path;
  {
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out) return Error{fmt::format("cannot write '{}': {}", target, std::strerror(errno))};
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) {
      int err = errno;
      if (replace) std::remove(target.c_str());
      return Error{fmt::format("cannot write '{}': {}", target, std::strerror(err))};
    }
  }
  if (replace && std::rename(target.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(target.c_str());
    return Error{fmt::format("cannot write '{}': {}", path, std::strerror(err))};
  }
  return Ok{};
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  // Devices and FIFOs hold no contents to lose (/dev/stdin and /dev/stdout may be one
  // terminal).
  if (!S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode)) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace scorec
