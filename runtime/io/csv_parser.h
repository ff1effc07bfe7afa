// RFC 4180 CSV records over a ChunkBuffer: quoted fields may hold delimiters, doubled
// quotes and line breaks; a line ends at LF, CRLF or a lone CR (old Mac and some Excel
// exports); a UTF-8 byte order mark is dropped. A quote inside an unquoted field is a
// literal character (`5" screen`): it cannot swallow lines.
//
// Strict by default where a stray quote would otherwise swallow the rows after it into
// one field: text after a closing quote (`"a"b`) is a malformed record, and so is a
// quoted field still open kMaxQuotedLines lines or kMaxQuotedBytes bytes after it
// opened. A malformed record is reported at the line it starts on, and reading resumes
// at the line after that one. CsvDialect::lenient_quotes keeps the text after a closing
// quote and lifts the span limit (only ChunkBuffer::kMaxRecord bounds a record).
//
// Fields are views into the buffer (quoted fields are unescaped in place), valid until
// the next record is read: no allocation per field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/io/input_stream.h"
#include "support/expected.h"

namespace scorec::runtime {

struct CsvDialect {
  char delim = ',';
  bool lenient_quotes = false;
};

// The span of a quoted field in strict mode: a field still open after this many line
// breaks, or this many bytes, is taken for a stray quote.
constexpr uint64_t kMaxQuotedLines = 100;
constexpr size_t kMaxQuotedBytes = size_t{1} << 20;

struct CsvRecord {
  std::vector<std::string_view> fields;
  uint64_t line = 0;  // physical 1-based line the record starts on (the header is line 1)
  // Non-empty when the record is malformed (fields is then empty): what is wrong, for
  // the reader to report at `line` (an error, or skipped and counted with --skip-bad).
  std::string bad;
};

enum class CsvSplit { Done, NeedMore, Unterminated, Bad };

// What split_csv_record found.
struct CsvSplitInfo {
  size_t used = 0;        // Done: the record's length including its line break
  size_t text = 0;        // Done: the record's length without its line break (0: a blank line)
  uint64_t newlines = 0;  // Done: the line breaks it spans
  // Bad: the 1-based field, the line breaks before the problem, and what it is.
  enum class Problem { None, TextAfterQuote, TooManyLines, TooManyBytes } problem = Problem::None;
  size_t field = 0;
  uint64_t problem_line = 0;
  std::string_view after_quote;  // TextAfterQuote: the text that follows, to the line end
};

// Splits the record at the start of data[0, size). NeedMore: the record may continue
// past `size` (only when !eof). Unterminated: a quoted field runs to the end of input.
CsvSplit split_csv_record(char* data, size_t size, bool eof, const CsvDialect& dialect,
                          std::vector<std::string_view>& fields, CsvSplitInfo& info);

class CsvSource {
 public:
  // Blank lines are skipped and counted in `blank_lines`.
  CsvSource(ChunkBuffer& buf, CsvDialect dialect, uint64_t& blank_lines)
      : buf_(buf), dialect_(dialect), blank_lines_(blank_lines) {}
  // The next record, or a malformed one (rec.bad); false at end of input.
  Expected<bool> next(CsvRecord& rec);
  const std::string& name() const { return buf_.name(); }
  // Whether a quoted field ran to the end of the input (an unterminated record): where
  // the input is one block of a larger file, the record may go on in the next block.
  bool ran_into_end() const { return ran_into_end_; }

 private:
  // Drops the first physical line of the buffer: where reading resumes after a malformed record.
  Status skip_line();
  // A fill() error, at the current line unless the input as a whole failed.
  Error located(Error e) const;

  ChunkBuffer& buf_;
  CsvDialect dialect_;
  uint64_t& blank_lines_;
  uint64_t line_ = 1;   // line of the next unread byte
  size_t pending_ = 0;  // bytes of the last record, consumed on the next call (its views live until then)
  bool started_ = false;
  bool ran_into_end_ = false;
};

}  // namespace scorec::runtime
