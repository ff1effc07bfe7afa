// Running independent tasks on a few threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace scorec {

// Runs task(i) for every i in [0, n) on up to `threads` threads (the caller's among
// them) and returns when all are done. Tasks must not throw.
inline void parallel_for(size_t n, unsigned threads, const std::function<void(size_t)>& task) {
  if (n == 0) return;
  const size_t t = std::clamp<size_t>(threads, 1, n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) task(i);
  };
  std::vector<std::thread> pool;
  for (size_t k = 1; k < t; ++k) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
}

}  // namespace scorec
