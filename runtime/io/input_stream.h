// Byte sources for the readers: a plain file, a gzip file (recognised by its magic
// bytes; concatenated members are all read, other data after them is an error;
// gzip_stream.h), a pipe, or standard input, read in blocks, and a ChunkBuffer that keeps
// only the unconsumed tail of the input plus one block in memory. Memory is bounded by
// the block size and the longest single record, never by the file size (gzip input adds
// its read-ahead blocks, read_ahead.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/expected.h"

namespace scorec::runtime {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to n bytes; 0 means end of input.
  virtual Expected<size_t> read(char* dst, size_t n) = 0;
  // Makes a read() waiting for a pipe or terminal, in another thread, return (with an
  // error) instead of waiting on, now and from then on. Safe to call from any thread.
  // For a thread reading ahead to be stopped when its reader is gone.
  virtual void interrupt() {}
  const std::string& name() const { return name_; }

  // "-" is standard input. Content starting with the gzip magic bytes is decompressed,
  // from a file or a pipe alike (a .gz name holding plain text is read as it is), on a
  // thread of its own that stays a few blocks ahead of the reader.
  static Expected<std::unique_ptr<InputStream>> open(const std::string& path);

 protected:
  std::string name_;
};

// Bytes already in memory (not owned: they must outlive the stream), under a name for
// messages, handed out at most `step` bytes per read (tests read in small steps).
class MemoryStream final : public InputStream {
 public:
  MemoryStream(std::string_view bytes, std::string name, size_t step = SIZE_MAX) : bytes_(bytes), step_(step) {
    name_ = std::move(name);
  }
  Expected<size_t> read(char* dst, size_t n) override;

 private:
  std::string_view bytes_;
  size_t step_, at_ = 0;
};

// Whether `path` can be opened and read a second time from its start: a regular file
// can; standard input, a pipe (process substitution), a FIFO or a device cannot.
bool can_read_twice(const std::string& path);

// Bytes past the data that stay readable, so that simdjson can parse a line in place
// (it reads up to this many bytes beyond a document's end).
constexpr size_t kReadPadding = 64;

class ChunkBuffer {
 public:
  static constexpr size_t kDefaultBlock = size_t{1} << 20;  // 1 MiB
  // A record (line) longer than this is an error rather than unbounded growth.
  static constexpr size_t kMaxRecord = size_t{64} << 20;

  ChunkBuffer(std::unique_ptr<InputStream> in, size_t block_size = kDefaultBlock);

  // Unconsumed bytes. data()[size()..size()+kReadPadding) is readable (zeros).
  char* data() { return buf_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  // Bytes readable from data()+offset, counting the padding: what simdjson calls capacity.
  size_t capacity_from(size_t offset) const { return buf_.size() - begin_ - offset; }
  void consume(size_t n) { begin_ += n; }
  bool eof() const { return eof_; }
  // Whether fill() failed because the input could not be read or decompressed (an
  // error of the input as a whole, at no line), rather than because a record is too long.
  bool input_failed() const { return input_failed_; }

  // Moves the unconsumed bytes to the front and reads at least one more block (or to
  // the end of input). Grows the buffer when it is full of one unfinished record.
  // Returns false when nothing more could be read (end of input).
  Expected<bool> fill();

  const std::string& name() const { return in_->name(); }

  // The line number of the first byte (1: the start of a file, where a byte order mark
  // is dropped). A block of a larger file, read on its own, starts further on.
  uint64_t first_line() const { return first_line_; }
  void set_first_line(uint64_t line) { first_line_ = line; }

 private:
  std::unique_ptr<InputStream> in_;
  std::vector<char> buf_;
  size_t block_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool input_failed_ = false;
  uint64_t first_line_ = 1;
};

}  // namespace scorec::runtime
