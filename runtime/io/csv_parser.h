// RFC 4180 CSV records over a ChunkBuffer: quoted fields may hold delimiters, doubled
// quotes and line breaks; CRLF and LF line ends; a UTF-8 byte order mark is dropped.
// Lenient where files in the wild are: a quote inside an unquoted field is a literal
// character, and text after a closing quote is kept.
//
// Fields are views into the buffer (quoted fields are unescaped in place), valid until
// the next record is read: no allocation per field.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/io/input_stream.h"
#include "support/expected.h"

namespace scorec::runtime {

struct CsvRecord {
  std::vector<std::string_view> fields;
  uint64_t line = 0;  // physical 1-based line the record starts on (the header is line 1)
};

enum class CsvSplit { Done, NeedMore, Unterminated };

// Splits the record at the start of data[0, size). Done: `used` is its length including
// the line break, `newlines` the line breaks it spans. NeedMore: the record may continue
// past `size` (only when !eof). Unterminated: a quoted field runs to the end of input.
CsvSplit split_csv_record(char* data, size_t size, bool eof, char delim, std::vector<std::string_view>& fields,
                          size_t& used, uint64_t& newlines);

class CsvSource {
 public:
  CsvSource(ChunkBuffer& buf, char delim) : buf_(buf), delim_(delim) {}
  // The next record (blank lines are skipped); false at end of input.
  Expected<bool> next(CsvRecord& rec);
  const std::string& name() const { return buf_.name(); }

 private:
  ChunkBuffer& buf_;
  char delim_;
  uint64_t line_ = 1;   // line of the next unread byte
  size_t pending_ = 0;  // bytes of the last record, consumed on the next call (its views live until then)
  bool started_ = false;
};

}  // namespace scorec::runtime
