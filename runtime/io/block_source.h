// An events file cut into large blocks at line boundaries, for parsing on several
// threads: each block is a self-contained input that the ordinary readers parse (a CSV
// block after the first starts with a copy of the header record), and carries what is
// needed to give its records their true line numbers in the whole file.
//
// A CSV quoted field may hold line breaks, so a cut at a line break can fall inside a
// record. The reader of such a block sees a quoted field run into the block's end
// (EventReader::record_open_at_end); the caller then joins the block with the next
// one and parses them again (BlockSource::join), so records never depend on where the
// cuts fell.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/io/field_mapping.h"
#include "runtime/io/input_stream.h"
#include "support/expected.h"

namespace scorec::runtime {

struct TextBlock {
  std::string text;          // prefix (a CSV header copy) + the block's own bytes
  size_t prefix_bytes = 0;
  uint64_t prefix_lines = 0;  // line breaks in the prefix
  uint64_t first_line = 1;    // the file's line number of the block's first own byte
  uint64_t breaks = 0;        // line breaks in the block's own bytes
};

class BlockSource {
 public:
  // Opens the file (any input open_event_reader takes) and decides its format.
  static Expected<std::unique_ptr<BlockSource>> open(const std::string& path, const FieldMapping& mapping,
                                                     size_t block_bytes);

  InputFormat format() const { return format_; }
  const std::string& name() const { return buf_->name(); }

  // The next block (the first holds the file's start, header included); false at the
  // end of input. An Error when the input cannot be read (gzip damage, a record over
  // ChunkBuffer::kMaxRecord).
  Expected<bool> next(TextBlock& out);

  // `next` appended to `block`: for a record that runs over the cut between them.
  static void join(TextBlock& block, const TextBlock& next);

 private:
  BlockSource(std::unique_ptr<ChunkBuffer> buf, InputFormat format, size_t block_bytes)
      : buf_(std::move(buf)), format_(format), block_bytes_(block_bytes) {}
  // The header record of a CSV file in the first bytes (after blank lines), to prefix
  // the later blocks with; empty when it cannot be split (the first block's reader then
  // reports why).
  void find_header();

  std::unique_ptr<ChunkBuffer> buf_;
  std::string dialect_path_;  // the file's name, which may say .tsv
  const FieldMapping* mapping_ = nullptr;
  InputFormat format_;
  size_t block_bytes_;
  std::string header_;
  uint64_t header_lines_ = 0;
  uint64_t next_line_ = 1;
  bool first_ = true;
};

// A BlockSource read on a thread of its own, a few blocks ahead, so that cutting and
// copying the next blocks overlaps with parsing and scoring the current ones. The
// blocks and the source's error come out exactly as from the source itself. The
// thread is stopped and joined on destruction; without a thread to be had, the
// source is read in the caller's thread.
class BlockReadAhead {
 public:
  BlockReadAhead(std::unique_ptr<BlockSource> source, size_t depth);
  ~BlockReadAhead();
  BlockReadAhead(const BlockReadAhead&) = delete;
  BlockReadAhead& operator=(const BlockReadAhead&) = delete;

  Expected<bool> next(TextBlock& out);
  // A block's text that is no longer needed: its memory holds a later block.
  void recycle(std::string&& text);

 private:
  struct State;
  std::unique_ptr<BlockSource> source_;
  std::unique_ptr<State> state_;
};

// Line breaks in `text` as the readers count them: LF, CRLF and a lone CR each one.
uint64_t count_line_breaks(std::string_view text);

}  // namespace scorec::runtime
