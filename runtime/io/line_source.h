// Lines of an NDJSON file over a ChunkBuffer, each with the readable capacity behind it
// so that simdjson parses it in place (the buffer keeps kReadPadding spare bytes).
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/io/input_stream.h"
#include "support/expected.h"

namespace scorec::runtime {

// A line ends at LF, CRLF or a lone CR (old Mac line ends); line numbers count each.
struct Line {
  std::string_view text;  // without the line break (the CR of a CRLF is kept: JSON whitespace)
  size_t capacity = 0;    // readable bytes from text.data(), >= text.size() + kReadPadding
  uint64_t number = 0;    // physical 1-based line number
};

class LineSource {
 public:
  explicit LineSource(ChunkBuffer& buf) : buf_(buf) {}
  // The next line, blank or not; false at end of input. Valid until the next call.
  Expected<bool> next(Line& line);
  const std::string& name() const { return buf_.name(); }

 private:
  ChunkBuffer& buf_;
  uint64_t line_ = 0;
  size_t pending_ = 0;
  bool started_ = false;
};

}  // namespace scorec::runtime
