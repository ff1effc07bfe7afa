// A progress line on standard error while a command reads its events file: bytes of the
// file read (compressed bytes for gzip), events, rate and time left, redrawn a few times
// a second and erased at the end. Only on a terminal and without --quiet: a pipe, a log
// file or CI gets nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace scorec::cli {

class ProgressLine {
 public:
  // Follows `events_path` (runtime/io/read_progress.h) when `show` and stderr is a
  // terminal; standard input has no size, so only bytes, events and rate are shown.
  ProgressLine(const std::string& events_path, bool show);
  ~ProgressLine();  // erases the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The text shown for these counts (a pure function, for tests).
  static std::string text(const std::string& name, uint64_t bytes, uint64_t total, uint64_t events, double seconds,
                          unsigned pass);

 private:
  void loop();
  std::string name_;
  uint64_t total_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;
};

}  // namespace scorec::cli
