#include "runtime/io/read_progress.h"

namespace scorec::runtime {

void ReadProgress::watch(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  path_ = path;
  bytes_ = 0;
  events_ = 0;
  pass_ = 0;
}

bool ReadProgress::opened(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty() || path != path_) return false;
  bytes_ = 0;
  events_ = 0;
  ++pass_;
  return true;
}

ReadProgress& read_progress() {
  static ReadProgress progress;
  return progress;
}

}  // namespace scorec::runtime
