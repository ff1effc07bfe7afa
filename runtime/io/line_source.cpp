#include "runtime/io/line_source.h"

#include <cstring>

namespace scorec::runtime {

Expected<bool> LineSource::next(Line& line) {
  buf_.consume(pending_);
  pending_ = 0;
  size_t searched = 0;  // bytes already known to hold no line break (a long line spans fills)
  for (;;) {
    if (!started_ && (buf_.size() >= 3 || buf_.eof())) {
      started_ = true;
      if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) buf_.consume(3);
    }
    const char* data = buf_.data();
    size_t size = buf_.size();
    const void* nl = started_ && size > searched ? std::memchr(data + searched, '\n', size - searched) : nullptr;
    if (nl || (buf_.eof() && size > 0)) {
      size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
      line.text = std::string_view(data, len);
      line.capacity = buf_.capacity_from(0);
      line.number = ++line_;
      pending_ = nl ? len + 1 : len;
      return true;
    }
    if (buf_.eof()) return false;
    searched = started_ ? size : 0;
    auto more = buf_.fill();
    if (!more) return Error{more.error().message, buf_.name(), static_cast<int64_t>(line_ + 1)};
  }
}

}  // namespace scorec::runtime
