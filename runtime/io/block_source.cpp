#include "runtime/io/block_source.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "runtime/io/csv_parser.h"
#include "runtime/io/event_reader.h"
#include "runtime/io/reader_common.h"

namespace scorec::runtime {

uint64_t count_line_breaks(std::string_view text) {
  uint64_t n = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  // Almost every file has no CR but in CRLF pairs, or none at all: LFs are counted with
  // memchr, and CRs looked at only when there are any.
  for (const char* q = p; (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<size_t>(end - q))));) {
    ++n;
    ++q;
  }
  for (const char* q = p; (q = static_cast<const char*>(std::memchr(q, '\r', static_cast<size_t>(end - q))));) {
    if (q + 1 == end || q[1] != '\n') ++n;
    ++q;
  }
  return n;
}

Expected<std::unique_ptr<BlockSource>> BlockSource::open(const std::string& path, const FieldMapping& mapping,
                                                         size_t block_bytes) {
  auto buf = open_chunks(path, ReaderOptions{block_bytes});
  if (!buf) return buf.error();
  auto format = detect_format(path, mapping, **buf);
  if (!format) return format.error();
  auto src = std::unique_ptr<BlockSource>(new BlockSource(std::move(*buf), *format, block_bytes));
  src->dialect_path_ = path;
  src->mapping_ = &mapping;
  return src;
}

void BlockSource::find_header() {
  CsvDialect dialect = csv_dialect(dialect_path_, *mapping_);
  // split_csv_record unescapes in place: it works on a copy.
  std::vector<char> copy(buf_->data(), buf_->data() + buf_->size());
  copy.resize(copy.size() + kReadPadding, '\0');
  size_t at = 0;
  if (buf_->size() >= 3 && std::memcmp(copy.data(), "\xEF\xBB\xBF", 3) == 0) at = 3;
  std::vector<std::string_view> fields;
  while (at < buf_->size()) {
    CsvSplitInfo info;
    CsvSplit s = split_csv_record(copy.data() + at, buf_->size() - at, buf_->eof(), dialect, fields, info);
    if (s != CsvSplit::Done) return;
    if (info.text > 0) {
      header_.assign(buf_->data() + at, info.used);
      header_lines_ = info.newlines;
      return;
    }
    at += info.used;
  }
}

Expected<bool> BlockSource::next(TextBlock& out) {
  out.text.clear();
  out.prefix_bytes = 0;
  out.prefix_lines = 0;
  // A block is at least block_bytes_ (or the rest of the input), cut after its last line break.
  size_t cut = 0;
  while (true) {
    if (buf_->size() < block_bytes_ && !buf_->eof()) {
      auto more = buf_->fill();
      if (!more) return more.error();
    }
    const char* d = buf_->data();
    size_t n = buf_->size();
    if (buf_->eof()) {
      cut = n;
      break;
    }
    const void* lf = memrchr(d, '\n', n);
    if (lf) {
      cut = static_cast<size_t>(static_cast<const char*>(lf) - d) + 1;
      break;
    }
    // No LF (a file of lone-CR line ends): a CR that is not the last byte ends a line.
    const void* cr = n > 1 ? memrchr(d, '\r', n - 1) : nullptr;
    if (cr) {
      cut = static_cast<size_t>(static_cast<const char*>(cr) - d) + 1;
      break;
    }
    auto more = buf_->fill();  // one line longer than a block: read on
    if (!more) return more.error();
  }
  if (cut == 0) return false;
  if (first_ && format_ == InputFormat::Csv) find_header();
  if (!first_) {
    out.text = header_;
    out.prefix_bytes = header_.size();
    out.prefix_lines = header_lines_;
  }
  first_ = false;
  out.text.append(buf_->data(), cut);
  out.first_line = next_line_;
  out.breaks = count_line_breaks(std::string_view(buf_->data(), cut));
  next_line_ += out.breaks;
  buf_->consume(cut);
  return true;
}

struct BlockReadAhead::State {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<TextBlock> ready;
  std::vector<std::string> spare;  // recycled texts
  std::optional<Error> error;  // after the blocks in `ready`
  bool ended = false;          // no block after the ones in `ready`
  bool stop = false;
  size_t depth = 1;
  std::thread thread;
};

BlockReadAhead::BlockReadAhead(std::unique_ptr<BlockSource> source, size_t depth)
    : source_(std::move(source)), state_(std::make_unique<State>()) {
  State& st = *state_;
  st.depth = std::max<size_t>(depth, 1);
  try {
    st.thread = std::thread([this, &st] {
      while (true) {
        {
          std::unique_lock lock(st.mu);
          st.changed.wait(lock, [&] { return st.stop || st.ready.size() < st.depth; });
          if (st.stop) return;
        }
        TextBlock t;
        {
          std::lock_guard lock(st.mu);
          if (!st.spare.empty()) {
            t.text = std::move(st.spare.back());
            st.spare.pop_back();
          }
        }
        auto more = source_->next(t);
        std::lock_guard lock(st.mu);
        if (!more) st.error = more.error();
        else if (!*more) st.ended = true;
        else st.ready.push_back(std::move(t));
        st.changed.notify_all();
        if (st.error || st.ended) return;
      }
    });
  } catch (const std::system_error&) {
    // No thread: next() reads the source itself.
  }
}

BlockReadAhead::~BlockReadAhead() {
  if (!state_->thread.joinable()) return;
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
  }
  state_->changed.notify_all();
  state_->thread.join();
}

Expected<bool> BlockReadAhead::next(TextBlock& out) {
  State& st = *state_;
  if (!st.thread.joinable()) return source_->next(out);
  std::unique_lock lock(st.mu);
  st.changed.wait(lock, [&] { return !st.ready.empty() || st.error || st.ended; });
  if (!st.ready.empty()) {
    out = std::move(st.ready.front());
    st.ready.pop_front();
    st.changed.notify_all();
    return true;
  }
  if (st.error) return *st.error;
  return false;
}

void BlockReadAhead::recycle(std::string&& text) {
  std::lock_guard lock(state_->mu);
  if (state_->spare.size() < state_->depth) state_->spare.push_back(std::move(text));
}

void BlockSource::join(TextBlock& block, const TextBlock& next) {
  block.text.append(next.text, next.prefix_bytes, std::string::npos);
  block.breaks += next.breaks;
}

}  // namespace scorec::runtime
