// Turning field text into run-time values (double + valid flag) by declared type, and
// the timestamp rules shared by event times and timestamp properties.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/types.h"
#include "runtime/io/field_mapping.h"
#include "runtime/io/ingest.h"

namespace scorec::runtime {

// Timestamps by the mapping's time_format. Auto: ISO-8601, or a plain number as epoch
// seconds (milliseconds when > 1e11). The mapping's timezone applies to ISO texts and
// patterns that name no zone. A time outside the range scorec represents (years 0001 to
// 9999, support/time.h) does not parse.
class TimeParser {
 public:
  explicit TimeParser(const FieldMapping& m);
  // Event times repeat a lot in real files (the retail file stamps whole invoices with
  // one minute), so the last text and its value are remembered.
  std::optional<double> parse(std::string_view text);
  // For timestamp-typed properties: the event-time rules, and with a pattern also the
  // Auto rules as a fallback (a property need not be written like the event time).
  std::optional<double> parse_value(std::string_view text) const;
  // "ISO-8601 or epoch seconds/milliseconds", for error messages.
  std::string expected() const;
  // Why `text` is not a timestamp (after parse failed): "cannot parse 'x' as a timestamp
  // (expected ...)", or, for a number, that it is outside the range of instants.
  std::string failure(std::string_view text) const;

 private:
  std::optional<double> parse_uncached(std::string_view text, TimeFormat f) const;
  TimeFormat format_;
  std::string pattern_;
  double offset_;
  std::string last_text_;
  double last_value_ = 0;
  bool have_last_ = false;
};

// true/false, 1/0, yes/no (any case).
std::optional<bool> parse_bool(std::string_view text);

// A user id written as an integral float ("17850.0", as pandas exports integer columns
// with gaps) means the integer id "17850": the fraction is cut so that the same user
// written as 17850 in another file is the same user. Other texts are returned as is.
std::string_view normalize_user_id(std::string_view id);

// Converts field values to a declared type, counting values that do not convert in
// stats.bad_values. A return of false means null.
class ValueConverter {
 public:
  ValueConverter(IngestContext& ctx, const FieldMapping& m);

  // Where the next values come from, for the bad-value report: the reader's file, the
  // line, and the column or field name. The texts must outlive the conversions.
  void at(std::string_view file, uint64_t line, std::string_view column) {
    file_ = file;
    line_ = line;
    column_ = column;
  }

  // CSV text (and JSON numbers by their text). Empty text is null, not bad.
  bool from_text(std::string_view text, ir::Type type, double& out);
  // A JSON string: like from_text, except that "" is a valid empty string for type string
  // and a list<string> gets one item.
  bool from_json_string(std::string_view text, ir::Type type, double& out);
  bool from_json_bool(bool b, ir::Type type, double& out);
  // A JSON array of scalars (given as texts); `ok` false when it held objects or arrays.
  bool from_json_array(const std::vector<std::string_view>& items, bool ok, ir::Type type, double& out);
  // A value `text` that the type cannot hold: null, counted as bad (and the first few
  // kept with where they are).
  bool bad(std::string_view text, ir::Type type);

 private:
  uint32_t intern_list(const std::vector<uint32_t>& ids);

  IngestContext& ctx_;
  TimeParser time_;
  char list_sep_;
  std::vector<uint32_t> ids_;                          // scratch for list items
  std::unordered_map<std::string, uint32_t> lists_;    // list content (raw bytes) -> ListPool id
  std::string_view file_, column_;
  uint64_t line_ = 0;
};

}  // namespace scorec::runtime
