// The on-disk cache of compiled rule sets. An entry is the object code for one key
// (the generated module, the scorec and LLVM versions, the CPU); it carries the key and
// a checksum of both, so a corrupt, truncated or stale entry is detected and rebuilt.
//
// What it trusts (docs/security.md): the code in an entry is run as is, and whoever can
// write the folder can forge an entry with a valid checksum. So the cache is only used
// in a private folder: a directory owned by the effective user and writable by no one
// else, created 0700 when missing. Entries must be regular files owned by that user;
// nothing is followed through a symlink. Any failure (a directory or a FIFO at an
// entry's path, an unreadable entry, a full disk) only costs a recompile.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scorec::jit {

class ObjectCache {
 public:
  // Opens the cache folder `dir`, or when empty the default one: $SCOREC_CACHE_DIR,
  // else $XDG_CACHE_HOME/scorec, else $HOME/.cache/scorec, else none (no shared folder
  // under /tmp: anyone could write it). Missing folders are created 0700. When there is
  // no folder or it is not private the cache is disabled: load finds nothing, store
  // writes nothing.
  explicit ObjectCache(std::string dir = {});
  ~ObjectCache();
  ObjectCache(const ObjectCache&) = delete;
  ObjectCache& operator=(const ObjectCache&) = delete;

  bool enabled() const { return dir_fd_ >= 0; }
  // Why the cache is disabled and how to fix it, one sentence; empty when it is enabled
  // or when no folder was found (no SCOREC_CACHE_DIR, XDG_CACHE_HOME or HOME).
  const std::string& warning() const { return warning_; }

  // The object stored for `key`, if a valid entry exists.
  std::optional<std::vector<char>> load(const std::string& key) const;
  // Stores atomically (a new file with a random name, then rename); failures are
  // ignored: a cache that cannot be written only costs a recompile next time.
  void store(const std::string& key, const std::vector<char>& object) const;
  // Where the entry for `key` lives.
  std::string path_for(const std::string& key) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int dir_fd_ = -1;  // the folder that was checked; entries are opened relative to it
  std::string warning_;
};

}  // namespace scorec::jit
