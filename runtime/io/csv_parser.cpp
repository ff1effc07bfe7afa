#include "runtime/io/csv_parser.h"

#include <cstring>

#include <fmt/format.h>

namespace scorec::runtime {
namespace {

// Splits an unquoted line: the hot path for most real files.
void split_plain(const char* data, size_t end, char delim, std::vector<std::string_view>& fields) {
  size_t i = 0;
  for (;;) {
    const void* hit = end > i ? std::memchr(data + i, delim, end - i) : nullptr;
    if (!hit) {
      fields.emplace_back(data + i, end - i);
      return;
    }
    size_t j = static_cast<size_t>(static_cast<const char*>(hit) - data);
    fields.emplace_back(data + i, j - i);
    i = j + 1;
  }
}

// Splits a record known to be complete in data[0, end), unescaping quoted fields in
// place (the unescaped text is never longer than the escaped one).
void split_quoted(char* data, size_t end, char delim, std::vector<std::string_view>& fields) {
  size_t i = 0;
  for (;;) {
    if (i < end && data[i] == '"') {
      size_t r = i + 1, w = i + 1, start = w;
      while (r < end) {
        char c = data[r];
        if (c == '"') {
          if (r + 1 < end && data[r + 1] == '"') {
            data[w++] = '"';
            r += 2;
            continue;
          }
          ++r;
          break;
        }
        data[w++] = c;
        ++r;
      }
      while (r < end && data[r] != delim) data[w++] = data[r++];  // `"a"b` keeps the b
      fields.emplace_back(data + start, w - start);
      i = r;
    } else {
      const void* hit = end > i ? std::memchr(data + i, delim, end - i) : nullptr;
      size_t j = hit ? static_cast<size_t>(static_cast<const char*>(hit) - data) : end;
      fields.emplace_back(data + i, j - i);
      i = j;
    }
    if (i >= end) return;
    ++i;  // the delimiter
    if (i == end) {
      fields.emplace_back(data + i, 0);  // "a,b," ends in an empty field
      return;
    }
  }
}

// The length of the line break at data[i] ('\n', '\r\n' or a lone '\r'), 0 when there
// is none; -1 when a '\r' ends the data and more could follow (a '\n' of the same break).
int line_break_at(const char* data, size_t i, size_t size, bool eof) {
  if (data[i] == '\n') return 1;
  if (data[i] != '\r') return 0;
  if (i + 1 < size) return data[i + 1] == '\n' ? 2 : 1;
  return eof ? 1 : -1;
}

// The text of data[from, ...) up to the line end, shortened for a message.
std::string_view rest_of_line(const char* data, size_t from, size_t size) {
  size_t end = from;
  while (end < size && end - from < 40 && data[end] != '\n' && data[end] != '\r') ++end;
  return {data + from, end - from};
}

}  // namespace

CsvSplit split_csv_record(char* data, size_t size, bool eof, const CsvDialect& dialect,
                          std::vector<std::string_view>& fields, CsvSplitInfo& info) {
  fields.clear();
  info = CsvSplitInfo{};
  const char delim = dialect.delim;
  // The first line end: the first '\n', or a '\r' before it.
  const char* nl = static_cast<const char*>(std::memchr(data, '\n', size));
  size_t line_end = nl ? static_cast<size_t>(nl - data) : size;
  if (const void* cr = std::memchr(data, '\r', line_end)) line_end = static_cast<size_t>(static_cast<const char*>(cr) - data);

  size_t end;  // end of the record's text, before its line break
  if (!std::memchr(data, '"', line_end)) {
    // The hot path: a line without quotes.
    int brk = line_end < size ? line_break_at(data, line_end, size, eof) : 0;
    if ((line_end == size && !eof) || brk < 0) return CsvSplit::NeedMore;
    end = line_end;
    info.used = line_end + static_cast<size_t>(brk);
    info.newlines = brk > 0 ? 1 : 0;
  } else {
    // Find the line break that is outside quotes. Quotes only open at a field start.
    bool in_quotes = false, field_start = true, found = false;
    size_t field = 1, open_at = 0;
    uint64_t newlines = 0, quoted_lines = 0;
    int brk = 0;
    auto problem = [&](CsvSplitInfo::Problem p) {
      info.problem = p;
      info.field = field;
      info.problem_line = newlines;
      return CsvSplit::Bad;
    };
    size_t i = 0;
    while (i < size) {
      char c = data[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 >= size && !eof) return CsvSplit::NeedMore;  // "" split across blocks?
          if (i + 1 < size && data[i + 1] == '"') {
            i += 2;
            continue;
          }
          in_quotes = false;
          ++i;
          // RFC 4180: a closing quote ends the field. Text after it is a stray quote's doing.
          if (!dialect.lenient_quotes && i < size && data[i] != delim && data[i] != '\n' && data[i] != '\r') {
            info.after_quote = rest_of_line(data, i, size);
            // The message quotes up to 40 characters of the line: read them all first, so
            // it does not depend on where a block ends (found by fuzz_csv).
            if (!eof && i + info.after_quote.size() == size && info.after_quote.size() < 40) return CsvSplit::NeedMore;
            return problem(CsvSplitInfo::Problem::TextAfterQuote);
          }
          continue;
        }
        int b = line_break_at(data, i, size, eof);
        if (b < 0) return CsvSplit::NeedMore;
        if (b > 0) {
          ++newlines;
          if (++quoted_lines >= kMaxQuotedLines && !dialect.lenient_quotes)
            return problem(CsvSplitInfo::Problem::TooManyLines);
          i += static_cast<size_t>(b);
        } else {
          ++i;
        }
        if (i - open_at > kMaxQuotedBytes && !dialect.lenient_quotes) return problem(CsvSplitInfo::Problem::TooManyBytes);
        continue;
      }
      brk = line_break_at(data, i, size, eof);
      if (brk < 0) return CsvSplit::NeedMore;
      if (brk > 0) {
        found = true;
        break;
      }
      if (c == '"' && field_start) {
        in_quotes = true;
        open_at = i;
        quoted_lines = 0;
      }
      field_start = c == delim;
      if (field_start) ++field;
      ++i;
    }
    if (!found) {
      if (!eof) return CsvSplit::NeedMore;
      if (in_quotes) return CsvSplit::Unterminated;
    }
    end = i;
    info.used = i + static_cast<size_t>(brk);
    info.newlines = newlines + (found ? 1 : 0);
  }
  info.text = end;
  if (std::memchr(data, '"', end)) split_quoted(data, end, delim, fields);
  else split_plain(data, end, delim, fields);
  return CsvSplit::Done;
}

namespace {

std::string describe(const CsvSplitInfo& info, uint64_t line) {
  const char* lift = "pass --map csv_quotes=lenient";
  switch (info.problem) {
    case CsvSplitInfo::Problem::TextAfterQuote:
      if (info.problem_line == 0)
        return fmt::format("field {}: text follows its closing quote ('{}'); quote the whole field and double the "
                           "quotes inside, or {}",
                           info.field, info.after_quote, lift);
      return fmt::format("field {}: a quoted field opened on this line closes on line {} and text follows its "
                         "closing quote ('{}'); a stray quote? (quote the whole field and double the quotes inside, "
                         "or {})",
                         info.field, line + info.problem_line, info.after_quote, lift);
    case CsvSplitInfo::Problem::TooManyLines:
    case CsvSplitInfo::Problem::TooManyBytes:
      return fmt::format("field {}: a quoted field opened on this line is still open {} (a stray quote? a quoted "
                         "field may span at most {} lines and {} MiB; {} to lift the limit)",
                         info.field,
                         info.problem == CsvSplitInfo::Problem::TooManyLines
                             ? fmt::format("{} lines later", kMaxQuotedLines)
                             : fmt::format("after {} MiB", kMaxQuotedBytes >> 20),
                         kMaxQuotedLines, kMaxQuotedBytes >> 20, lift);
    case CsvSplitInfo::Problem::None: break;
  }
  return "malformed record";
}

}  // namespace

Error CsvSource::located(Error e) const {
  if (!buf_.input_failed()) e.line = static_cast<int64_t>(line_);  // a record too long: where it starts
  return e;
}

Status CsvSource::skip_line() {
  size_t searched = 0;
  for (;;) {
    const char* data = buf_.data();
    size_t size = buf_.size();
    for (size_t i = searched; i < size; ++i) {
      int b = line_break_at(data, i, size, buf_.eof());
      if (b < 0) break;  // a CR at the end of the data: a LF may follow it
      if (b > 0) {
        buf_.consume(i + static_cast<size_t>(b));
        return Ok{};
      }
      searched = i + 1;
    }
    if (buf_.eof()) {
      buf_.consume(size);
      return Ok{};
    }
    auto more = buf_.fill();  // moves the data: `searched` is an offset, so it stays valid
    if (!more) return located(more.error());
  }
}

Expected<bool> CsvSource::next(CsvRecord& rec) {
  rec.bad.clear();
  for (;;) {
    buf_.consume(pending_);
    pending_ = 0;
    if (buf_.size() == 0 && buf_.eof()) return false;
    if (!started_ && (buf_.size() >= 3 || buf_.eof())) {
      started_ = true;
      line_ = buf_.first_line();
      if (buf_.first_line() == 1 && buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) buf_.consume(3);
    }
    CsvSplitInfo info;
    CsvSplit s = started_ ? split_csv_record(buf_.data(), buf_.size(), buf_.eof(), dialect_, rec.fields, info)
                          : CsvSplit::NeedMore;
    if (s == CsvSplit::NeedMore) {
      auto more = buf_.fill();
      if (!more) return located(more.error());
      continue;
    }
    rec.line = line_;
    if (s == CsvSplit::Unterminated) ran_into_end_ = true;
    if (s == CsvSplit::Unterminated || s == CsvSplit::Bad) {
      // Reported where the record starts; reading resumes on the next line, so a stray
      // quote costs one line, not every line up to the next quote.
      rec.bad = s == CsvSplit::Bad ? describe(info, line_) : "unterminated quoted field (a \" opens a field that never closes)";
      rec.fields.clear();
      if (auto st = skip_line(); !st) return st.error();
      ++line_;
      return true;
    }
    line_ += info.newlines;
    pending_ = info.used;
    if (info.text == 0) {  // a blank line holds no record
      ++blank_lines_;
      continue;
    }
    return true;
  }
}

}  // namespace scorec::runtime
