#include "cli/progress_line.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "runtime/io/read_progress.h"
#include "support/text.h"

namespace scorec::cli {
namespace {

std::string megabytes(uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

std::string duration(double s) {
  auto t = static_cast<long>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60) : fmt::format("{}:{:02}", t / 60, t % 60);
}

}  // namespace

std::string ProgressLine::text(const std::string& name, uint64_t bytes, uint64_t total, uint64_t events,
                               double seconds, unsigned pass) {
  std::string out = fmt::format("reading {}: {}", name, megabytes(bytes));
  if (total > 0)
    out += fmt::format(" of {} ({}%)", megabytes(total), std::min<uint64_t>(100, bytes * 100 / total));
  out += fmt::format(", {} events", group_digits(events));
  if (seconds > 0.5) {
    const double rate = static_cast<double>(bytes) / seconds;
    out += fmt::format(", {}/s", megabytes(static_cast<uint64_t>(rate)));
    if (total > bytes && rate > 0) out += fmt::format(", {} left", duration(static_cast<double>(total - bytes) / rate));
  }
  if (pass > 1) out += fmt::format(" (pass {})", pass);
  return out;
}

ProgressLine::ProgressLine(const std::string& events_path, bool show) {
  if (!show || events_path.empty() || isatty(STDERR_FILENO) == 0) return;
  name_ = events_path == "-" ? "<stdin>" : events_path;
  struct stat st {};
  if (events_path != "-" && ::stat(events_path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    total_ = static_cast<uint64_t>(st.st_size);
  runtime::read_progress().watch(events_path == "-" ? "<stdin>" : events_path);
  thread_ = std::thread([this] { loop(); });
}

ProgressLine::~ProgressLine() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  runtime::read_progress().watch("");
  if (drawn_) std::fputs("\r\x1b[K", stderr);
}

void ProgressLine::loop() {
  const auto start = std::chrono::steady_clock::now();
  auto pass_start = start;
  unsigned pass = 0;
  std::unique_lock<std::mutex> lock(mu_);
  // Short runs print nothing: the first line after half a second.
  while (!cv_.wait_for(lock, std::chrono::milliseconds(drawn_ ? 250 : 500), [this] { return stop_; })) {
    const auto& p = runtime::read_progress();
    const auto now = std::chrono::steady_clock::now();
    if (p.pass() != pass) {
      pass = p.pass();
      pass_start = now;
    }
    const double seconds = std::chrono::duration<double>(now - pass_start).count();
    std::string line = text(name_, p.bytes(), total_, p.events(), seconds, pass);
    std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
}

}  // namespace scorec::cli
