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
      line_ = buf_.first_line() - 1;
      if (buf_.first_line() == 1 && buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) buf_.consume(3);
    }
    const char* data = buf_.data();
    size_t size = buf_.size();
    // A line ends at LF (a CR before it stays in the text: JSON whitespace) or at a lone CR.
    const char* nl = started_ && size > searched
                         ? static_cast<const char*>(std::memchr(data + searched, '\n', size - searched))
                         : nullptr;
    size_t scan_end = nl ? static_cast<size_t>(nl - data) : size;
    const char* cr = started_ && scan_end > searched
                         ? static_cast<const char*>(std::memchr(data + searched, '\r', scan_end - searched))
                         : nullptr;
    size_t len = 0, brk = 0;
    bool found = false;
    if (cr) {
      size_t at = static_cast<size_t>(cr - data);
      if (at + 1 < size) {
        found = true;
        len = data[at + 1] == '\n' ? at + 1 : at;  // CRLF: the CR is kept, as before
        brk = 1;
      } else if (buf_.eof()) {
        found = true;
        len = at;
        brk = 1;
      }  // else: a CR ending the data may be half of a CRLF: read more
    } else if (nl) {
      found = true;
      len = scan_end;
      brk = 1;
    }
    if (found || (buf_.eof() && size > 0)) {
      if (!found) len = size;
      line.text = std::string_view(data, len);
      line.capacity = buf_.capacity_from(0);
      line.number = ++line_;
      pending_ = len + brk;
      return true;
    }
    if (buf_.eof()) return false;
    searched = started_ ? (cr ? static_cast<size_t>(cr - data) : size) : 0;
    auto more = buf_.fill();
    if (!more) {
      Error e = more.error();
      if (!buf_.input_failed()) e.line = static_cast<int64_t>(line_ + 1);
      return e;
    }
  }
}

}  // namespace scorec::runtime
