// Serializes events and profiles as NDJSON, CSV or Segment-spec messages —
// the input shapes DESIGN.md §4 says scorec reads. Output is byte-for-byte
// determined by the values (fmt's shortest round-trip doubles, own ISO-8601).
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "civil_time.h"
#include "generator.h"

namespace scorec::gen {

// ndjson:  {"user_id":"u17","event":"email_open","timestamp":"…Z","campaign":"spring"}
// csv:     user_id,event,timestamp,<property columns>; lists joined with '|'
// segment: {"type":"track","userId":…,"event":…,"timestamp":…,"properties":{…}}
//          and {"type":"identify","userId":…,"timestamp":…,"traits":{…}}
enum class Format { ndjson, csv, segment };

std::optional<Format> parse_format(std::string_view name);
// By extension: .ndjson/.jsonl/.json -> ndjson, .csv -> csv.
std::optional<Format> format_from_path(std::string_view path);

// Accumulates output and hands it to a FILE* in large blocks (one fwrite per
// ~1 MiB instead of one per line). With no FILE*, keeps everything in memory
// (for tests and in-process use).
class Sink {
 public:
  explicit Sink(std::FILE* file = nullptr) : file_(file) {}
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  std::string& buffer() { return buf_; }
  void end_record() {
    if (file_ && buf_.size() >= kFlushAt) flush();
  }
  void flush();  // throws std::runtime_error on a write error
  const std::string& str() const { return buf_; }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  std::FILE* file_;
  std::string buf_;
};

class EventWriter {
 public:
  // CSV columns are the union of the properties of event types with a
  // positive weight in `mix`, in schema order; writes the header now.
  EventWriter(Format format, Sink& sink, const EventMix& mix = default_mix());
  void write(const Event& e);

  const std::vector<std::string_view>& csv_columns() const { return columns_; }

 private:
  void write_json(const Event& e, bool segment);
  void write_csv(const Event& e);

  Format format_;
  Sink& sink_;
  IsoFormatter iso_;
  std::vector<std::string_view> columns_;
  // column_of_[type][i]: CSV column of the i-th property of that type.
  std::array<std::array<uint8_t, kMaxEventProps>, kEventTypeCount> column_of_{};
  std::vector<const Value*> row_;
};

class ProfileWriter {
 public:
  ProfileWriter(Format format, Sink& sink);  // writes the CSV header now
  void write(const Profile& p);

 private:
  Format format_;
  Sink& sink_;
  IsoFormatter iso_;
};

// Building blocks, exposed for tests.
void append_json_string(std::string& out, std::string_view s);
void append_csv_field(std::string& out, std::string_view s);
void append_number(std::string& out, double v);

}  // namespace scorec::gen
