// How fields of an input file map onto the schema: which field is the user id, the
// event name (or one constant name), the timestamp and its format, and where each
// declared property or profile attribute comes from. Given on the command line
// (`--map key=value`, repeatable) or in a mapping file of `key = value` lines.
//
// Keys:
//   format       csv | ndjson                        (default: from the file name, else '{' first = NDJSON)
//   user         field holding the user id           (default: user_id, then userId; NDJSON then anonymousId)
//   event        field holding the event name        (default: event, then event_type)
//   event_name   one constant event name for every row (instead of `event`)
//   time         field holding the timestamp         (default: timestamp, then time, then event_time)
//   time_format  iso | epoch_s | epoch_ms | a strftime pattern like %Y-%m-%d %H:%M:%S  (default: iso,
//                and plain numbers as epoch seconds, or milliseconds when > 1e11)
//   timezone     UTC | +hh:mm                        (for timestamps that name no zone)
//   delimiter    one character, or `tab`             (CSV; default , and tab for a .tsv file)
//   prop.NAME    field holding event property NAME   (default: NAME; NDJSON properties.NAME, then NAME)
//   attr.NAME    field holding profile attribute NAME (default: NAME; NDJSON traits.NAME, then NAME)
//   alias.EVENT  an input event name that means declared EVENT ("alias.email_open = Email Opened")
//   list_separator  separator of list<string> values in CSV (default |)
//   csv_quotes   strict | lenient: text after a closing quote, and quoted fields spanning
//                more than 100 lines or 1 MiB, are malformed (strict, default) or kept
//
// In NDJSON a field name with dots is a path into nested objects ("context.page.url").
// The first candidate field holding a non-null value is used.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "support/expected.h"

namespace scorec::runtime {

enum class InputFormat { Auto, Csv, Ndjson };
enum class TimeFormat { Auto, Iso8601, EpochSeconds, EpochMillis, Pattern };

struct FieldMapping {
  InputFormat format = InputFormat::Auto;
  std::optional<std::string> user_field;    // nullopt: the defaults above
  std::optional<std::string> event_field;
  std::optional<std::string> event_constant;
  std::optional<std::string> time_field;
  TimeFormat time_format = TimeFormat::Auto;
  std::string time_pattern;                 // for TimeFormat::Pattern
  double utc_offset_seconds = 0;
  char delimiter = ',';
  char list_separator = '|';
  bool csv_lenient_quotes = false;
  std::map<std::string, std::string> prop_fields;    // declared property -> input field
  std::map<std::string, std::string> attr_fields;    // declared attribute -> input field
  std::map<std::string, std::string> event_aliases;  // input event name -> declared event

  // Applies one `key=value` setting; the error names the key and why it is wrong.
  Status apply(std::string_view key, std::string_view value);
  // Applies "key=value" as given to --map.
  Status apply_option(std::string_view key_equals_value);
};

// The plain keys a mapping takes (besides prop.NAME, attr.NAME and alias.EVENT), for
// help texts and did-you-mean.
const std::vector<std::string>& mapping_keys();

// Reads a mapping file: `key = value` lines (ending in LF, CRLF or CR), `#` comments (a
// whole line, or after a space behind an unquoted value), blank lines; values may be
// double-quoted (with \" and \\ escapes) to keep spaces and '#'. Errors carry the file
// and line. A mapping file is small text: at most kMaxMappingFile bytes, read from a
// file or a pipe (not a device), without NUL bytes, with at least one setting.
constexpr size_t kMaxMappingFile = size_t{1} << 20;
Expected<FieldMapping> load_mapping_file(const std::string& path);

// The format a file name implies: .csv / .csv.gz / .tsv -> Csv, .ndjson / .jsonl /
// .json (+ .gz) -> Ndjson; Auto when it implies none.
InputFormat format_from_path(std::string_view path);

}  // namespace scorec::runtime
