#include "runtime/io/read_ahead.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace scorec::runtime {
namespace {

class ReadAheadStream final : public InputStream {
 public:
  ReadAheadStream(std::unique_ptr<InputStream> src, size_t block_size, size_t blocks)
      : src_(std::move(src)), block_size_(std::max<size_t>(block_size, 1)) {
    name_ = src_->name();
    free_.resize(std::max<size_t>(blocks, 1));  // allocated when first filled
    next_size_ = std::min(block_size_, kFirstBlock);
  }

  // Started apart from the constructor so that a failure to start leaves src_ usable.
  bool start() {
    try {
      thread_ = std::thread([this] { produce(); });
      return true;
    } catch (const std::system_error&) {
      return false;
    }
  }
  std::unique_ptr<InputStream> take_source() { return std::move(src_); }

  ~ReadAheadStream() override {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    stopping_.store(true, std::memory_order_relaxed);
    space_.notify_all();
    src_->interrupt();  // a read waiting on a pipe returns now
    thread_.join();
  }

  void interrupt() override { src_->interrupt(); }

  Expected<size_t> read(char* dst, size_t n) override {
    if (pos_ == current_.size) {
      std::unique_lock lock(mu_);
      if (current_.data) {  // the block read out goes back to the producer
        current_.size = 0;
        free_.push_back(std::move(current_));
        current_ = Block{};
        pos_ = 0;
        space_.notify_one();
      }
      filled_.wait(lock, [&] { return !full_.empty() || done_; });
      if (full_.empty()) {
        if (error_) return *error_;
        return size_t{0};
      }
      current_ = std::move(full_.front());
      full_.pop_front();
      pos_ = 0;
    }
    size_t k = std::min(n, current_.size - pos_);
    std::memcpy(dst, current_.data.get() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t capacity = 0, size = 0;
  };
  // Blocks start small and double up to block_size_: a small file costs one small
  // block, and the reader gets its first bytes before a whole large block is inflated.
  static constexpr size_t kFirstBlock = size_t{64} << 10;

  // The thread: fills free blocks until the source ends or fails, or the reader is gone.
  void produce() {
    for (;;) {
      Block b;
      {
        std::unique_lock lock(mu_);
        space_.wait(lock, [&] { return stop_ || !free_.empty(); });
        if (stop_) return;
        b = std::move(free_.back());
        free_.pop_back();
      }
      if (b.capacity < next_size_) {
        b.data = std::make_unique_for_overwrite<char[]>(next_size_);
        b.capacity = next_size_;
      }
      next_size_ = std::min(next_size_ * 2, block_size_);
      std::optional<Error> error;
      bool end = false;
      while (b.size < b.capacity && !stopping_.load(std::memory_order_relaxed)) {
        auto got = src_->read(b.data.get() + b.size, b.capacity - b.size);
        if (!got) {
          error = std::move(got.error());
          break;
        }
        if (*got == 0) {
          end = true;
          break;
        }
        b.size += *got;
      }
      std::lock_guard lock(mu_);
      if (b.size > 0) {
        full_.push_back(std::move(b));
      } else {
        free_.push_back(std::move(b));
      }
      if (error || end) {
        error_ = std::move(error);
        done_ = true;
      }
      filled_.notify_one();
      if (done_ || stop_) return;
    }
  }

  std::unique_ptr<InputStream> src_;
  const size_t block_size_;
  size_t next_size_;  // the thread's: the size of the next block it allocates
  std::mutex mu_;
  std::condition_variable space_;   // a block is free, or stop_
  std::condition_variable filled_;  // a block is full, or done_
  std::deque<Block> full_;          // in input order
  std::vector<Block> free_;
  bool stop_ = false;                  // the reader is gone
  bool done_ = false;                  // the source ended or failed: no more blocks
  std::optional<Error> error_;         // why it failed, after the blocks in full_
  std::atomic<bool> stopping_{false};  // stop_, read without the lock inside a block's fill
  std::thread thread_;
  // The reader's side, touched by read() only.
  Block current_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<InputStream> read_ahead(std::unique_ptr<InputStream> src, size_t block_size, size_t blocks) {
  auto stream = std::make_unique<ReadAheadStream>(std::move(src), block_size, blocks);
  if (!stream->start()) return stream->take_source();
  return stream;
}

}  // namespace scorec::runtime
