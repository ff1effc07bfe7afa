#include "runtime/io/input_stream.h"
#include "runtime/io/read_progress.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "runtime/io/gzip_stream.h"
#include "runtime/io/read_ahead.h"

namespace scorec::runtime {
namespace {

// The bytes of a file descriptor, after any bytes already taken from it to sniff the
// format (which a pipe cannot give back).
class FdStream final : public InputStream {
 public:
  FdStream(int fd, std::string name, bool regular, std::string sniffed = {})
      : fd_(fd), sniffed_(std::move(sniffed)) {
    name_ = std::move(name);
    counted_ = read_progress().opened(name_);
    // A pipe or terminal can wait for ever; interrupt() wakes the wait through this pipe.
    // (A regular file never waits long: its reads need no waking.)
    if (!regular && ::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) wake_[0] = wake_[1] = -1;
  }
  ~FdStream() override {
    for (int fd : {fd_, wake_[0], wake_[1]})
      if (fd >= 0) ::close(fd);
  }
  void interrupt() override {
    interrupted_.store(true);
    if (wake_[1] >= 0) {
      char b = 1;
      [[maybe_unused]] ssize_t r = ::write(wake_[1], &b, 1);  // full (already woken) is fine
    }
  }
  Expected<size_t> read(char* dst, size_t n) override {
    if (sniffed_used_ < sniffed_.size()) {
      size_t k = std::min(n, sniffed_.size() - sniffed_used_);
      std::memcpy(dst, sniffed_.data() + sniffed_used_, k);
      sniffed_used_ += k;
      return k;
    }
    for (;;) {
      if (interrupted_.load()) return Error{"reading was stopped", name_};
      if (wake_[0] >= 0) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR)
          return Error{fmt::format("cannot read: {}", std::strerror(errno)), name_};
        if (fds[1].revents != 0) continue;  // interrupted: reported above
        if (fds[0].revents == 0) continue;
      }
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) {
        if (counted_) read_progress().add_bytes(static_cast<uint64_t>(got));
        return static_cast<size_t>(got);
      }
      if (errno == EINTR || errno == EAGAIN) continue;
      return Error{fmt::format("cannot read: {}", std::strerror(errno)), name_};
    }
  }

 private:
  int fd_;
  int wake_[2] = {-1, -1};
  std::atomic<bool> interrupted_{false};
  std::string sniffed_;
  size_t sniffed_used_ = 0;
  bool counted_ = false;  // the file a progress display follows (read_progress.h)
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
  auto raw = std::make_unique<FdStream>(fd, name, regular, regular ? std::string() : head);
  if (!is_gzip_magic(head)) return std::unique_ptr<InputStream>(std::move(raw));
  // Inflating runs ahead on a second core, overlapping the reader's parsing.
  return read_ahead(gzip_stream(std::move(raw)));
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

Expected<size_t> MemoryStream::read(char* dst, size_t n) {
  size_t k = std::min({n, step_, bytes_.size() - at_});
  if (k > 0) std::memcpy(dst, bytes_.data() + at_, k);
  at_ += k;
  return k;
}

}  // namespace scorec::runtime
