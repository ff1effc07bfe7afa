// Event readers: NDJSON (plain events and Segment-spec `track` / `identify` messages)
// and CSV, optionally gzip-compressed, read in chunks so that any file size streams in
// bounded memory.
//
// Malformed input (a line that is not valid JSON, a CSV row with the wrong number of
// fields, a missing or unparseable timestamp, a missing event name) is an Error naming
// the file, the line and the field, unless IngestContext::skip_bad is set: then the
// line is skipped and counted in IngestStats::skipped_bad.
//
// Rows with an empty user id are counted in IngestStats::missing_user and skipped:
// they cannot belong to any user (the retail file has 135,080 of them).
//
// A property value that does not convert to its declared type becomes null and is
// counted in IngestStats::bad_values (a rule on it then counts a null weight). An empty
// CSV field, a JSON null, a missing field, and "" for a non-string JSON value are null
// without being bad.
//
// User ids are texts: JSON numbers keep their literal (12345 -> "12345"), and an id
// written as an integral float ("17850.0", as pandas writes integer columns with gaps)
// is the integer's text ("17850"), so the same customer matches across files.
//
// Events whose name (after alias.*) the schema does not declare are still returned,
// with type kUnknownEvent: they count in events_read and unknown_by_name and make their
// user part of the population.
#pragma once

#include <memory>
#include <string>

#include "runtime/event_batch.h"
#include "runtime/io/ingest.h"
#include "support/expected.h"

namespace scorec::runtime {

class EventReader {
 public:
  virtual ~EventReader() = default;
  // Clears `out` and fills it with up to `max_events` events. Returns false once the
  // input is exhausted and `out` is empty.
  virtual Expected<bool> next(EventBatch& out, size_t max_events) = 0;
  // Whether a record was still open at the end of the input (a CSV quoted field): read
  // as one block of a larger file, the block boundary then fell inside a record.
  virtual bool record_open_at_end() const { return false; }
};

// Knobs for tests and tools; the defaults suit production.
struct ReaderOptions {
  size_t block_size = size_t{1} << 20;  // bytes read per chunk (memory is about 2 blocks + the longest line)
};

// Opens an events file ("-" is standard input). Identify messages found in it update
// ctx.profiles as they are read.
Expected<std::unique_ptr<EventReader>> open_event_reader(const std::string& path, const FieldMapping& mapping,
                                                         IngestContext& ctx);
Expected<std::unique_ptr<EventReader>> open_event_reader(const std::string& path, const FieldMapping& mapping,
                                                         IngestContext& ctx, const ReaderOptions& options);

// Reads a whole profiles file (CSV or NDJSON rows keyed by user id, or Segment
// `identify` messages) into ctx.profiles. Later rows for the same user overwrite the
// attributes they set.
Status read_profiles(const std::string& path, const FieldMapping& mapping, IngestContext& ctx);
Status read_profiles(const std::string& path, const FieldMapping& mapping, IngestContext& ctx,
                     const ReaderOptions& options);

}  // namespace scorec::runtime
