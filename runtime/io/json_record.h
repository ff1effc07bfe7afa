// One NDJSON line parsed with simdjson's on-demand API into "slots": the values at the
// key paths the mapping asks for ("userId", "properties.price", "traits.plan"). A
// single pass over the object's keys, with nested objects entered only when a wanted
// path goes through them; everything else is skipped unparsed. A key that appears twice
// on a wanted path ({"userId":"a","userId":"b"}) makes the line malformed: which value
// is meant cannot be told, and simdjson's on-demand API would silently keep the last.
//
// simdjson is used through its error-code API only; exceptions are compiled out.
#pragma once

#ifndef SIMDJSON_EXCEPTIONS
#define SIMDJSON_EXCEPTIONS 0
#endif
#include <simdjson.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/io/event_builder.h"
#include "runtime/io/ingest_plan.h"
#include "runtime/io/line_source.h"
#include "runtime/io/value_convert.h"

namespace scorec::runtime {

static_assert(kReadPadding >= simdjson::SIMDJSON_PADDING, "the chunk buffer must pad lines for simdjson");

enum class JsonKind : uint8_t { Missing, Null, Bool, Number, String, Array, Object };

struct JsonVal {
  JsonKind kind = JsonKind::Missing;
  bool boolean = false;
  bool array_ok = true;      // false when an array held objects or arrays
  std::string_view text;     // String (unescaped) or Number (its literal)
  uint32_t items_begin = 0;  // Array: its scalar items, in JsonRecord::items()
  uint32_t items_end = 0;
  bool present() const { return kind != JsonKind::Missing && kind != JsonKind::Null; }
};

class JsonRecord {
 public:
  JsonRecord();
  // Registers a dotted key path; returns its slot. The same path gets the same slot.
  int add_path(std::string_view path);
  std::vector<int> add_paths(const std::vector<std::string>& paths);

  // Parses one line. False with `error` set when it is not a valid JSON object, or a
  // wanted key appears twice.
  bool parse(const Line& line, std::string& error);

  const JsonVal& get(int slot) const { return vals_[static_cast<size_t>(slot)]; }
  // The first of `slots` holding a value other than null; nullptr when none does.
  const JsonVal* first(const std::vector<int>& slots) const;
  // A scalar as text: strings as they are, numbers as written, bools as true/false.
  static std::optional<std::string_view> scalar_text(const JsonVal& v);

  // Converts a slot's value to a declared type (false = null).
  bool convert(const JsonVal& v, ir::Type type, ValueConverter& conv, double& out);

 private:
  struct Entry {
    int slot = -1;   // a value is wanted at this path
    int child = -1;  // node of deeper wanted paths
  };
  using Node = NameMap<Entry>;

  bool walk(simdjson::ondemand::object obj, int node, std::string& error);
  bool capture(simdjson::ondemand::value v, JsonVal& out, std::string& error);

  simdjson::ondemand::parser parser_;
  std::vector<Node> nodes_;
  std::vector<JsonVal> vals_;
  std::vector<std::string> paths_;  // index = slot: the dotted path, for messages
  std::vector<std::string_view> items_;
  std::vector<std::string_view> item_scratch_;
};

// The slots an NDJSON reader needs, registered from an IngestPlan.
struct JsonSlots {
  int type = -1;  // Segment's "type"
  std::vector<int> user, event, time;
  std::vector<std::vector<int>> props;  // index = IngestPlan::props
  std::vector<std::vector<int>> attrs;  // index = schema attribute

  JsonSlots(JsonRecord& rec, const IngestPlan& plan);
};

// Page and screen calls are events named `page` and `screen`; alias messages link
// identities (runtime/io/identity_map.h); group messages are Other (counted and skipped).
enum class SegmentType { None, Track, Identify, Page, Screen, Alias, Other };
SegmentType segment_type(const JsonRecord& rec, const JsonSlots& slots);

// Applies a profile row / identify message: interns the user and sets the attributes
// it carries (null values leave earlier values in place); a user of another partition
// is skipped (counted). False when it has no user id; an Error (a malformed line) when
// the id is not valid UTF-8.
Expected<bool> apply_json_profile(JsonRecord& rec, const JsonSlots& slots, const IngestPlan& plan, ValueConverter& conv,
                                  IngestContext& ctx, std::string_view file, uint64_t line);

// The name of the field a value was found under: the first of the spec's names present
// in the record (the spec's first name when none is).
std::string_view present_name(const JsonRecord& rec, const std::vector<int>& slots, const FieldSpec& spec);

}  // namespace scorec::runtime
