#include "runtime/io/input_stream.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace scorec::runtime {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class FdStream final : public InputStream {
 public:
  FdStream(int fd, std::string name) : fd_(fd) { name_ = std::move(name); }
  ~FdStream() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Expected<size_t> read(char* dst, size_t n) override {
    for (;;) {
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) return static_cast<size_t>(got);
      if (errno == EINTR) continue;
      return Error{fmt::format("cannot read: {}", std::strerror(errno)), name_};
    }
  }

 private:
  int fd_;
};

class GzStream final : public InputStream {
 public:
  GzStream(gzFile f, std::string name) : f_(f) { name_ = std::move(name); }
  ~GzStream() override { gzclose(f_); }
  Expected<size_t> read(char* dst, size_t n) override {
    // gzread takes an unsigned length; blocks are far below 4 GiB anyway.
    int got = gzread(f_, dst, static_cast<unsigned>(std::min<size_t>(n, 1u << 30)));
    int code = Z_OK;
    const char* msg = got <= 0 ? gzerror(f_, &code) : nullptr;
    // A truncated file ends with Z_BUF_ERROR and a 0 return, which looks like a clean
    // end of input unless the error state is checked.
    if (got < 0 || (got == 0 && code != Z_OK))
      return Error{fmt::format("cannot decompress: {}", msg && *msg ? msg : "gzip error"), name_};
    return static_cast<size_t>(got);
  }

 private:
  gzFile f_;
};

Expected<std::unique_ptr<InputStream>> open_gz(int fd, const std::string& name) {
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    return Error{"cannot open gzip stream", name};
  }
  gzbuffer(f, 256 * 1024);  // fewer, larger reads of the compressed file
  return std::unique_ptr<InputStream>(new GzStream(f, name));
}

}  // namespace

Expected<std::unique_ptr<InputStream>> InputStream::open(const std::string& path) {
  if (path == "-") {
    // Standard input cannot be rewound after sniffing, so it always goes through zlib,
    // which passes data that is not gzip through unchanged ("transparent" mode).
    int fd = ::dup(0);
    if (fd < 0) return Error{fmt::format("cannot read standard input: {}", std::strerror(errno)), "-"};
    return open_gz(fd, "<stdin>");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("cannot open: {}", std::strerror(errno)), path};
  bool gz = ends_with(path, ".gz");
  if (!gz) {
    unsigned char magic[2] = {0, 0};
    ssize_t got = ::pread(fd, magic, 2, 0);
    gz = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  }
  if (gz) return open_gz(fd, path);
  return std::unique_ptr<InputStream>(new FdStream(fd, path));
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
    if (!got) return got.error();
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
