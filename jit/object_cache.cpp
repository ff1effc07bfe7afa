#include "jit/object_cache.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "support/hash.h"

namespace scorec::jit {
namespace fs = std::filesystem;

namespace {

// Version 2 of the layout: magic, key length, key, object length, object, then the
// XXH3-64 of everything before it (so the checksum covers the key and the object).
constexpr char kMagic[8] = {'S', 'C', 'O', 'R', 'E', 'C', 'J', '2'};
// Far above any real rule set's object and key; a larger file is not read.
constexpr uint64_t kMaxEntryBytes = uint64_t{1} << 30;

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
bool get(const std::string& in, size_t& pos, size_t end, T& v) {
  if (pos > end || end - pos < sizeof v) return false;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

// Thread-safe, unlike strerror: rules may be compiled on several threads at once.
std::string error_name(int err) { return std::error_code(err, std::generic_category()).message(); }

// A folder of the user's own, or empty: never a shared one such as $TMPDIR/scorec-cache,
// where anyone could plant the code the next run executes. Relative XDG_CACHE_HOME and
// HOME are ignored, as the XDG base directory specification says.
std::string default_dir() {
  if (const char* d = std::getenv("SCOREC_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') return std::string(x) + "/scorec";
  if (const char* h = std::getenv("HOME"); h && *h == '/') return std::string(h) + "/.cache/scorec";
  return {};
}

// Creates the missing folders on the way to `dir`, each 0700. Returns errno, or 0.
int create_private(const std::string& dir) {
  fs::path prefix;
  for (const auto& part : fs::path(dir)) {
    prefix /= part;
    struct stat st {};
    if (::stat(prefix.c_str(), &st) == 0) continue;
    if (errno != ENOENT) return errno;
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return errno;
  }
  return 0;
}

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // ENOSPC, EIO, ...
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads an open file to its end; nothing when it fails or exceeds `limit` bytes.
std::optional<std::string> read_all(int fd, uint64_t limit) {
  std::string data;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;  // EISDIR, EIO, ...
    if (n == 0) return data;
    if (data.size() + static_cast<size_t>(n) > limit) return std::nullopt;
    data.append(buf, static_cast<size_t>(n));
  }
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Opens `dir`, creating it if missing, when it is private: owned by the effective user
// and writable by no one else. Otherwise -1, with the reason and the fix in `why`.
int open_private_dir(const std::string& dir, std::string& why) {
  if (int err = create_private(dir)) {
    why = fmt::format("cannot create '{}': {}; set SCOREC_CACHE_DIR to a folder of your own", dir, error_name(err));
    return -1;
  }
  const uid_t me = ::geteuid();
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    why = fmt::format("cannot open '{}': {}", dir, error_name(errno));
    return -1;
  }
  // A symlink to the folder is fine when the user (or root) made it; one planted by
  // someone else would choose where the cache lives.
  if (S_ISLNK(st.st_mode) && st.st_uid != me && st.st_uid != 0) {
    why = fmt::format("'{}' is a symlink owned by uid {}, not by you (uid {}); set SCOREC_CACHE_DIR to a folder of your own",
                      dir, st.st_uid, me);
    return -1;
  }
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  // The checks are made on the open folder, which every entry is then opened relative
  // to: renaming another folder into its place afterwards changes nothing.
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    why = fmt::format("cannot open '{}': {}", dir, error_name(errno));
    return -1;
  }
  if (st.st_uid != me) {
    why = fmt::format("'{}' belongs to uid {}, not to you (uid {}); set SCOREC_CACHE_DIR to a folder of your own", dir,
                      st.st_uid, me);
    return -1;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    why = fmt::format("'{}' is writable by other users (mode {:04o}); run 'chmod 700 {}' to use it", dir,
                      st.st_mode & 07777, dir);
    return -1;
  }
  return fd.release();
}

std::string entry_name(const std::string& key) {
  return fmt::format("{:016x}.scorec-obj", xxh3_64(key.data(), key.size()));
}

}  // namespace

ObjectCache::ObjectCache(std::string dir) : dir_(dir.empty() ? default_dir() : std::move(dir)) {
  if (dir_.empty()) return;  // no folder of the user's own: no cache, and nothing to fix
  std::string why;
  dir_fd_ = open_private_dir(dir_, why);
  if (dir_fd_ < 0) warning_ = "compiled-code cache disabled: " + why;
}

ObjectCache::~ObjectCache() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

std::string ObjectCache::path_for(const std::string& key) const { return (fs::path(dir_) / entry_name(key)).string(); }

std::optional<std::vector<char>> ObjectCache::load(const std::string& key) const {
  if (dir_fd_ < 0) return std::nullopt;
  // O_NOFOLLOW: a symlink is not an entry. O_NONBLOCK: a FIFO must not hang the run.
  Fd fd(::openat(dir_fd_, entry_name(key).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  if (st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) return std::nullopt;  // not written by us
  auto data = read_all(fd.get(), kMaxEntryBytes);
  if (!data || data->size() < sizeof kMagic + 8) return std::nullopt;
  if (std::memcmp(data->data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
  const size_t end = data->size() - 8;  // the checksum follows everything else
  uint64_t checksum = 0;
  std::memcpy(&checksum, data->data() + end, sizeof checksum);
  if (xxh3_64(data->data(), end) != checksum) return std::nullopt;  // corrupt or truncated
  size_t pos = sizeof kMagic;
  uint64_t key_len = 0, obj_len = 0;
  if (!get(*data, pos, end, key_len) || key_len != key.size() || end - pos < key_len) return std::nullopt;
  if (data->compare(pos, key_len, key) != 0) return std::nullopt;  // a hash collision or a stale entry
  pos += key_len;
  if (!get(*data, pos, end, obj_len) || end - pos != obj_len) return std::nullopt;
  return std::vector<char>(data->begin() + static_cast<long>(pos), data->begin() + static_cast<long>(end));
}

void ObjectCache::store(const std::string& key, const std::vector<char>& object) const {
  if (dir_fd_ < 0) return;
  std::string entry(kMagic, sizeof kMagic);
  put<uint64_t>(entry, key.size());
  entry += key;
  put<uint64_t>(entry, object.size());
  entry.append(object.data(), object.size());
  put<uint64_t>(entry, xxh3_64(entry.data(), entry.size()));
  if (entry.size() > kMaxEntryBytes) return;
  const std::string final_name = entry_name(key);
  // A new file under a random name (as mkstemp, but relative to the checked folder):
  // O_EXCL | O_NOFOLLOW never write through anything already there.
  std::string tmp;
  int raw = -1;
  for (int attempt = 0; attempt < 8 && raw < 0; ++attempt) {
    uint64_t r = 0;
    if (::getrandom(&r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) return;
    tmp = fmt::format("{}.tmp-{:016x}", final_name, r);
    raw = ::openat(dir_fd_, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (raw < 0 && errno != EEXIST) return;  // EACCES, ENOSPC, EROFS, ...
  }
  if (raw < 0) return;
  Fd fd(raw);
  bool ok = write_all(fd.get(), entry);
  ok = ::close(fd.release()) == 0 && ok;
  // rename replaces a symlink at the entry's path rather than following it, and fails
  // on a directory there, which then only costs a recompile on every run.
  if (!ok || ::renameat(dir_fd_, tmp.c_str(), dir_fd_, final_name.c_str()) != 0) ::unlinkat(dir_fd_, tmp.c_str(), 0);
}

}  // namespace scorec::jit
