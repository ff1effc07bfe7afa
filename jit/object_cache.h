// The on-disk cache of compiled rule sets. An entry is the object code for one key
// (the generated module, the scorec and LLVM versions, the CPU); it carries the key and
// a checksum, so a corrupt, truncated or stale entry is detected and rebuilt, never
// trusted.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scorec::jit {

class ObjectCache {
 public:
  // `dir` empty: $SCOREC_CACHE_DIR, else $XDG_CACHE_HOME/scorec, else ~/.cache/scorec.
  explicit ObjectCache(std::string dir = {});

  // The object stored for `key`, if a valid entry exists.
  std::optional<std::vector<char>> load(const std::string& key) const;
  // Stores atomically (write to a temporary file, then rename); failures are ignored:
  // a cache that cannot be written only costs a recompile next time.
  void store(const std::string& key, const std::vector<char>& object) const;
  // Where the entry for `key` lives.
  std::string path_for(const std::string& key) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace scorec::jit
