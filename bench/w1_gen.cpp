// scorec-w1-gen: the W1 workload of issue 12 (scorec run against DuckDB on the
// same file), written to a file or standard output. Same arguments, same bytes.
//
// W1: N events, U users. Event i has user floor(u^2 * U) for u uniform in
// [0, 1) (a few users very active, most nearly idle), a type drawn with odds out
// of 16 (email_open 4, email_click 2, push_click 1, site_visit 2, page_view 4,
// unsubscribe 1, purchase 1, app_open 1) and the time start + i * (180d / N),
// start being 180 days before 2025-01-01T00:00:00Z, in whole seconds. The file is
// in time order. Output is streamed through a fixed buffer: any N in O(1) memory.
//
// --head K writes only the first K events of the N-event stream (the same rows
// as the first K of the full file), so an NDJSON file can hold the head of the
// CSV's stream.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "civil_time.h"
#include "rng.h"

namespace gen = scorec::gen;

namespace {

constexpr int64_t kEnd = 1735689600;  // 2025-01-01T00:00:00Z
constexpr int64_t kSpan = 180 * gen::kSecondsPerDay;
constexpr int64_t kStart = kEnd - kSpan;

// Odds out of 16, in the order of the issue; kTypeOfDraw maps a draw in [0, 16).
constexpr std::array<std::string_view, 8> kTypeNames = {
    "email_open", "email_click", "push_click", "site_visit",
    "page_view",  "unsubscribe", "purchase",   "app_open"};
constexpr std::array<int, 8> kOdds = {4, 2, 1, 2, 4, 1, 1, 1};

constexpr std::array<uint8_t, 16> make_type_table() {
  std::array<uint8_t, 16> t{};
  int k = 0;
  for (uint8_t type = 0; type < kOdds.size(); ++type)
    for (int j = 0; j < kOdds[type]; ++j) t[k++] = type;
  return t;
}
constexpr auto kTypeOfDraw = make_type_table();
static_assert([] {
  int sum = 0;
  for (int o : kOdds) sum += o;
  return sum == 16;
}());

// Appends to a buffer and writes it out when it passes kFlushAt, so memory
// stays constant however many events are written.
class Output {
 public:
  explicit Output(std::FILE* f) : f_(f) { buf_.reserve(kFlushAt + 4096); }

  std::string& buf() { return buf_; }

  void maybe_flush() {
    if (buf_.size() >= kFlushAt) flush();
  }

  bool flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) return false;
    buf_.clear();
    return true;
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  std::FILE* f_;
  std::string buf_;
};

void append_uint(std::string& out, uint64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

void append_int(std::string& out, int64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"W1 benchmark events (issue 12): N events over U users, 8 event types, 180 days before 2025-01-01"};
  uint64_t events = 20'000'000;
  uint64_t users = 1'000'000;
  uint64_t seed = 1;
  uint64_t head = 0;
  std::string format = "csv";
  std::string out_path = "-";
  app.add_option("-n,--events", events, "Events in the stream (N)")->capture_default_str()->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("-u,--users", users, "Users (U)")->capture_default_str()->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--seed", seed, "Random seed")->capture_default_str();
  app.add_option("--head", head, "Write only the first K events of the N-event stream (0: all)")->capture_default_str();
  app.add_option("--format", format, "csv (user,event,ts with epoch seconds) or ndjson (Segment track messages)")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "ndjson"}));
  app.add_option("-o,--output", out_path, "Output file; - for standard output")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::FILE* f = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "scorec-w1-gen: cannot open '%s' for writing\n", out_path.c_str());
    return 1;
  }
  const bool csv = format == "csv";
  const uint64_t count = head == 0 ? events : std::min(head, events);

  gen::Rng rng(seed);
  gen::IsoFormatter iso;
  Output out(f);
  std::string& b = out.buf();
  if (csv) b.append("user,event,ts\n");
  for (uint64_t i = 0; i < count; ++i) {
    const double u = rng.uniform();
    const auto user = std::min(static_cast<uint64_t>(u * u * static_cast<double>(users)), users - 1);
    const std::string_view type = kTypeNames[kTypeOfDraw[rng.next() >> 60]];
    // In 128 bits: i * kSpan passes 2^64 for N near 2^40.
    const int64_t ts = kStart + static_cast<int64_t>(static_cast<unsigned __int128>(i) * kSpan / events);
    if (csv) {
      b.push_back('u');
      append_uint(b, user);
      b.push_back(',');
      b.append(type);
      b.push_back(',');
      append_int(b, ts);
      b.push_back('\n');
    } else {
      b.append(R"({"type":"track","userId":"u)");
      append_uint(b, user);
      b.append(R"(","event":")");
      b.append(type);
      b.append(R"(","timestamp":")");
      iso.append(b, ts);
      b.append(R"(","properties":{}})");
      b.push_back('\n');
    }
    out.maybe_flush();
  }
  const bool ok = out.flush() && std::fflush(f) == 0 && !std::ferror(f) && (f == stdout || std::fclose(f) == 0);
  if (!ok) {
    std::fprintf(stderr, "scorec-w1-gen: error writing '%s'\n", out_path.c_str());
    return 1;
  }
  return 0;
}
