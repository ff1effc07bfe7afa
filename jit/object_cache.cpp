#include "jit/object_cache.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <llvm/Support/xxhash.h>

namespace scorec::jit {
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'S', 'C', 'O', 'R', 'E', 'C', 'J', '1'};

uint64_t hash(const char* data, size_t n) {
  return llvm::xxh3_64bits(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(data), n));
}

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
bool get(const std::string& in, size_t& pos, T& v) {
  if (pos + sizeof v > in.size()) return false;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

std::string default_dir() {
  if (const char* d = std::getenv("SCOREC_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/scorec";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/scorec";
  return (fs::temp_directory_path() / "scorec-cache").string();
}

}  // namespace

ObjectCache::ObjectCache(std::string dir) : dir_(dir.empty() ? default_dir() : std::move(dir)) {}

std::string ObjectCache::path_for(const std::string& key) const {
  return (fs::path(dir_) / fmt::format("{:016x}.scorec-obj", hash(key.data(), key.size()))).string();
}

std::optional<std::vector<char>> ObjectCache::load(const std::string& key) const {
  std::ifstream in(path_for(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
  size_t pos = sizeof kMagic;
  uint64_t key_len = 0, obj_len = 0, checksum = 0;
  if (!get(data, pos, key_len) || key_len != key.size() || pos + key_len > data.size()) return std::nullopt;
  if (data.compare(pos, key_len, key) != 0) return std::nullopt;  // a hash collision or a stale entry
  pos += key_len;
  if (!get(data, pos, obj_len) || !get(data, pos, checksum)) return std::nullopt;
  if (pos + obj_len != data.size()) return std::nullopt;  // truncated or padded
  if (hash(data.data() + pos, obj_len) != checksum) return std::nullopt;  // corrupt
  return std::vector<char>(data.begin() + static_cast<long>(pos), data.end());
}

void ObjectCache::store(const std::string& key, const std::vector<char>& object) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return;
  std::string entry(kMagic, sizeof kMagic);
  put<uint64_t>(entry, key.size());
  entry += key;
  put<uint64_t>(entry, object.size());
  put<uint64_t>(entry, hash(object.data(), object.size()));
  entry.append(object.data(), object.size());
  std::string final_path = path_for(key);
  std::string tmp = fmt::format("{}.tmp.{}", final_path, static_cast<long>(getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(entry.data(), static_cast<std::streamsize>(entry.size()));
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, final_path, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace scorec::jit
