// How far the reading of one file has come, for a progress display (cli/progress_line.h):
// the bytes read from it (compressed bytes for a gzip file), counted where the file's
// bytes are read, and the events the run has taken from it. Each opening of the file
// starts a new pass (a run reads a file twice to stream, or to merge identities).
// Counters only: nothing reads them but a display, so relaxed atomics do.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace scorec::runtime {

class ReadProgress {
 public:
  // Follows the reads of `path` from now on (an empty path: none).
  void watch(const std::string& path);
  // An InputStream opening `path`: true when it is the watched file (then its reads are
  // to be counted with add_bytes); starts a pass.
  bool opened(const std::string& path);
  void add_bytes(uint64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  void add_events(uint64_t n) { events_.fetch_add(n, std::memory_order_relaxed); }

  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  uint64_t events() const { return events_.load(std::memory_order_relaxed); }
  uint32_t pass() const { return pass_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  std::string path_;
  std::atomic<uint64_t> bytes_{0}, events_{0};
  std::atomic<uint32_t> pass_{0};
};

// The process's: one run reads at a time.
ReadProgress& read_progress();

}  // namespace scorec::runtime
