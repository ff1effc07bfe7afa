#include "runtime/io/csv_parser.h"

#include <cstring>

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

}  // namespace

CsvSplit split_csv_record(char* data, size_t size, bool eof, char delim, std::vector<std::string_view>& fields,
                          size_t& used, uint64_t& newlines) {
  fields.clear();
  const char* nl = static_cast<const char*>(std::memchr(data, '\n', size));
  size_t line_end = nl ? static_cast<size_t>(nl - data) : size;
  if (!nl && !eof) return CsvSplit::NeedMore;

  size_t end;  // end of the record's text, before its line break
  if (!std::memchr(data, '"', line_end)) {
    end = line_end;
    used = nl ? line_end + 1 : size;
    newlines = nl ? 1 : 0;
  } else {
    // Find the line break that is outside quotes. Quotes only open at a field start.
    bool in_quotes = false, field_start = true, found = false;
    newlines = 0;
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
        } else if (c == '\n') {
          ++newlines;
        }
        ++i;
        continue;
      }
      if (c == '\n') {
        found = true;
        break;
      }
      if (c == '"' && field_start) in_quotes = true;
      field_start = c == delim;
      ++i;
    }
    if (!found) {
      if (!eof) return CsvSplit::NeedMore;
      if (in_quotes) return CsvSplit::Unterminated;
    }
    end = i;
    used = found ? i + 1 : size;
    if (found) ++newlines;
  }
  if (end > 0 && data[end - 1] == '\r') --end;
  if (std::memchr(data, '"', end)) split_quoted(data, end, delim, fields);
  else split_plain(data, end, delim, fields);
  return CsvSplit::Done;
}

Expected<bool> CsvSource::next(CsvRecord& rec) {
  for (;;) {
    buf_.consume(pending_);
    pending_ = 0;
    if (buf_.size() == 0 && buf_.eof()) return false;
    if (!started_ && (buf_.size() >= 3 || buf_.eof())) {
      started_ = true;
      if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) buf_.consume(3);
    }
    size_t used = 0;
    uint64_t newlines = 0;
    CsvSplit s = started_ ? split_csv_record(buf_.data(), buf_.size(), buf_.eof(), delim_, rec.fields, used, newlines)
                          : CsvSplit::NeedMore;
    if (s == CsvSplit::NeedMore) {
      auto more = buf_.fill();
      if (!more) return Error{more.error().message, buf_.name(), static_cast<int64_t>(line_)};
      continue;
    }
    if (s == CsvSplit::Unterminated) {
      Error e{"unterminated quoted field (a \" opens a field that never closes)", buf_.name(),
              static_cast<int64_t>(line_)};
      buf_.consume(buf_.size());  // nothing after it can be read as records
      return e;
    }
    rec.line = line_;
    line_ += newlines;
    pending_ = used;
    // A blank line (or a lone CR) holds no record.
    if (rec.fields.size() == 1 && rec.fields[0].empty() && used <= 2 &&
        (used == 0 || buf_.data()[0] == '\n' || buf_.data()[0] == '\r'))
      continue;
    return true;
  }
}

}  // namespace scorec::runtime
