#include "runtime/io/input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace scorec::runtime {
namespace {

// The bytes of a file descriptor, after any bytes already taken from it to sniff the
// format (which a pipe cannot give back).
class FdStream final : public InputStream {
 public:
  FdStream(int fd, std::string name, std::string sniffed = {}) : fd_(fd), sniffed_(std::move(sniffed)) {
    name_ = std::move(name);
  }
  ~FdStream() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Expected<size_t> read(char* dst, size_t n) override {
    if (sniffed_used_ < sniffed_.size()) {
      size_t k = std::min(n, sniffed_.size() - sniffed_used_);
      std::memcpy(dst, sniffed_.data() + sniffed_used_, k);
      sniffed_used_ += k;
      return k;
    }
    for (;;) {
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      return Error{fmt::format("cannot read: {}", std::strerror(errno)), name_};
    }
  }

 private:
  int fd_;
  std::string sniffed_;
  size_t sniffed_used_ = 0;
};

// Gzip (RFC 1952) with inflate rather than gzread: gzread reads concatenated members
// but silently ignores anything else after one, and this reader must not drop input.
class GzStream final : public InputStream {
 public:
  explicit GzStream(std::unique_ptr<FdStream> raw) : raw_(std::move(raw)), in_(256 * 1024) {
    name_ = raw_->name();
  }
  ~GzStream() override {
    if (ready_) inflateEnd(&zs_);
  }
  Status init() {
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) return Error{"cannot start gzip decompression", name_};
    ready_ = true;
    return Ok{};
  }

  Expected<size_t> read(char* dst, size_t n) override {
    if (done_) return size_t{0};
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    const uInt want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0 && !raw_eof_) {
        auto got = raw_->read(reinterpret_cast<char*>(in_.data()), in_.size());
        if (!got) return got.error();
        raw_eof_ = *got == 0;
        zs_.next_in = in_.data();
        zs_.avail_in = static_cast<uInt>(*got);
      }
      if (zs_.avail_in == 0 && raw_eof_) {
        if (member_bytes_ == 0) {  // the end falls between members: a clean end
          done_ = true;
          break;
        }
        if (members_ > 0 && member_bytes_ <= 2) return trailing_data();
        return Error{"cannot decompress: the gzip data ends early (a truncated file?)", name_};
      }
      uInt before = zs_.avail_in;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      member_bytes_ += before - zs_.avail_in;
      if (rc == Z_STREAM_END) {
        // Another member may follow; anything else is an error, reported where it starts.
        offset_ += member_bytes_;
        member_bytes_ = 0;
        members_ += 1;
        if (inflateReset(&zs_) != Z_OK) return Error{"cannot decompress: gzip reset failed", name_};
        continue;
      }
      // A member starts with 2 magic bytes; a bad header right after a member is not gzip.
      if (rc == Z_DATA_ERROR && members_ > 0 && member_bytes_ <= 2) return trailing_data();
      if (rc != Z_OK && rc != Z_BUF_ERROR)
        return Error{fmt::format("cannot decompress: {}", zs_.msg ? zs_.msg : "gzip error"), name_};
    }
    return static_cast<size_t>(want - zs_.avail_out);
  }

 private:
  Error trailing_data() const {
    return Error{fmt::format("data that is not gzip follows the compressed data at byte offset {} "
                             "(concatenated gzip files are read, other data is not)",
                             offset_),
                 name_};
  }

  std::unique_ptr<FdStream> raw_;
  std::vector<Bytef> in_;
  z_stream zs_{};
  bool ready_ = false, raw_eof_ = false, done_ = false;
  uint64_t offset_ = 0;        // compressed bytes of the members before the current one
  uint64_t member_bytes_ = 0;  // compressed bytes of the current member so far
  uint64_t members_ = 0;
};

bool is_gzip_magic(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b;
}

Expected<std::unique_ptr<InputStream>> open_fd(int fd, const std::string& name) {
  // The first two bytes say gzip or not. A regular file is peeked at; a pipe or a
  // terminal gives its bytes once, so they are taken and handed back through FdStream.
  struct stat st {};
  bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  std::string head(2, '\0');
  size_t got = 0;
  if (regular) {
    ssize_t r = ::pread(fd, head.data(), 2, 0);
    got = r > 0 ? static_cast<size_t>(r) : 0;
  } else {
    while (got < 2) {
      ssize_t r = ::read(fd, head.data() + got, 2 - got);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        int err = errno;
        ::close(fd);
        return Error{fmt::format("cannot read: {}", std::strerror(err)), name};
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
  }
  head.resize(got);
  auto raw = std::make_unique<FdStream>(fd, name, regular ? std::string() : head);
  if (!is_gzip_magic(head)) return std::unique_ptr<InputStream>(std::move(raw));
  auto gz = std::make_unique<GzStream>(std::move(raw));
  if (auto s = gz->init(); !s) return s.error();
  return std::unique_ptr<InputStream>(std::move(gz));
}

}  // namespace

Expected<std::unique_ptr<InputStream>> InputStream::open(const std::string& path) {
  if (path == "-") {
    int fd = ::dup(0);
    if (fd < 0) return Error{fmt::format("cannot read standard input: {}", std::strerror(errno)), "-"};
    return open_fd(fd, "<stdin>");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("cannot open: {}", std::strerror(errno)), path};
  return open_fd(fd, path);
}

bool can_read_twice(const std::string& path) {
  if (path == "-") return false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return true;  // opening it reports why it cannot be read
  return S_ISREG(st.st_mode);
}

ChunkBuffer::ChunkBuffer(std::unique_ptr<InputStream> in, size_t block_size)
    : in_(std::move(in)), block_(block_size == 0 ? kDefaultBlock : block_size) {
  buf_.assign(block_ + kReadPadding, '\0');
}

Expected<bool> ChunkBuffer::fill() {
  if (eof_) return false;
  // Compact: the unconsumed tail moves to the front.
  size_t live = end_ - begin_;
  if (begin_ > 0) {
    if (live > 0) std::memmove(buf_.data(), buf_.data() + begin_, live);
    begin_ = 0;
    end_ = live;
  }
  // Room for at least one block; growth happens only when one record outgrows it.
  size_t want = live + block_ + kReadPadding;
  if (buf_.size() < want) {
    if (live > kMaxRecord)
      return Error{fmt::format("a record is longer than {} MiB (unterminated quote or missing line break?)",
                               kMaxRecord >> 20),
                   in_->name()};
    buf_.resize(want, '\0');
  }
  size_t room = buf_.size() - kReadPadding - end_;
  size_t total = 0;
  // Read until the block is full or the input ends, so a slow pipe does not give tiny chunks.
  while (total < room) {
    auto got = in_->read(buf_.data() + end_ + total, room - total);
    if (!got) {
      input_failed_ = true;
      return got.error();
    }
    if (*got == 0) {
      eof_ = true;
      break;
    }
    total += *got;
  }
  end_ += total;
  std::memset(buf_.data() + end_, 0, kReadPadding);
  return total > 0;
}

}  // namespace scorec::runtime
