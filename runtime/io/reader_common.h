// What the event and profile readers share: opening the byte stream, deciding the
// format, finding mapped columns in a CSV header, and the skip-or-fail policy for
// malformed lines.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/io/csv_parser.h"
#include "runtime/io/event_reader.h"
#include "runtime/io/ingest_plan.h"
#include "runtime/io/input_stream.h"

namespace scorec::runtime {

Expected<std::unique_ptr<ChunkBuffer>> open_chunks(const std::string& path, const ReaderOptions& options);

// The mapping's format, else the file name's, else a look at the first byte: '{' is NDJSON.
Expected<InputFormat> detect_format(const std::string& path, const FieldMapping& mapping, ChunkBuffer& buf);

// The mapping's delimiter (a .tsv file with the default ',' uses tab) and quote mode.
CsvDialect csv_dialect(const std::string& path, const FieldMapping& mapping);

// The readers fill ctx.profiles with one column per declared attribute.
Status check_context(const IngestContext& ctx);

void add_warning(IngestStats& stats, std::string message);

// A CSV header: column names and where each is.
struct CsvHeader {
  std::vector<std::string> names;
  std::unordered_map<std::string, int> index;   // first column of each name
  std::unordered_map<std::string, int> repeat;  // second column of a name that appears twice

  void set(const std::vector<std::string_view>& fields);
  // The first of spec.names present, or -1. An Error when that name heads two columns:
  // which one is meant cannot be guessed (a name nothing reads may repeat).
  Expected<int> find(const FieldSpec& spec, const std::string& file, uint64_t line) const;
  // As find, but also an Error naming the columns (with a did-you-mean) when none is present.
  Expected<int> require(const FieldSpec& spec, const std::string& file, uint64_t line) const;
};

// A user id as read: edge spaces trimmed (counted in stats.trimmed_ids, since ids that
// differ only in them become one user), an integral float as the integer's text. Empty
// when there is no id. `bad` is set when the id is not valid UTF-8: such ids would
// merge or corrupt in the NDJSON output, so the line is malformed.
std::string_view read_user_id(std::string_view raw, IngestStats& stats, std::string& bad);

// Malformed lines: an Error by default; with ctx.skip_bad, counted and skipped.
class BadLinePolicy {
 public:
  explicit BadLinePolicy(IngestContext& ctx) : ctx_(ctx) {}
  // Ok when the line is to be skipped; the Error otherwise (and every later call fails).
  Status report(const std::string& file, uint64_t line, std::string message);
  // A stored failure: readers stop for good after the first Error.
  const std::optional<Error>& failed() const { return failed_; }
  Status fail(Error e) {
    failed_ = e;
    return e;
  }

 private:
  IngestContext& ctx_;
  std::optional<Error> failed_;
};

}  // namespace scorec::runtime
