#include "runtime/io/value_convert.h"

#include <cctype>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "support/text.h"
#include "support/time.h"

namespace scorec::runtime {
namespace {

// Does an ISO-8601 text name its zone? Only the part after the date (10 characters) can.
bool iso_names_zone(std::string_view t) {
  if (t.size() <= 10) return false;
  auto rest = t.substr(10);
  return rest.find_first_of("Zz+-") != std::string_view::npos || rest.find("UTC") != std::string_view::npos ||
         rest.find("GMT") != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Numbers parse to any finite value; only those in the range scorec represents are
// instants (support/time.h).
std::optional<double> in_range(double t) { return time_in_range(t) ? std::optional<double>(t) : std::nullopt; }

}  // namespace

TimeParser::TimeParser(const FieldMapping& m)
    : format_(m.time_format), pattern_(m.time_pattern), offset_(m.utc_offset_seconds) {}

std::optional<double> TimeParser::parse_uncached(std::string_view text, TimeFormat f) const {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  switch (f) {
    case TimeFormat::Auto: {
      if (auto n = parse_number(text)) return in_range(std::fabs(*n) > 1e11 ? *n / 1000.0 : *n);
      [[fallthrough]];
    }
    case TimeFormat::Iso8601: {
      auto t = parse_iso8601(text);
      if (t && offset_ != 0 && !iso_names_zone(text)) return in_range(*t - offset_);
      return t;
    }
    case TimeFormat::EpochSeconds: {
      auto n = parse_number(text);
      return n ? in_range(*n) : std::nullopt;
    }
    case TimeFormat::EpochMillis: {
      auto n = parse_number(text);
      return n ? in_range(*n / 1000.0) : std::nullopt;
    }
    case TimeFormat::Pattern:
      return parse_time_format(text, pattern_, offset_);
  }
  return std::nullopt;
}

std::optional<double> TimeParser::parse(std::string_view text) {
  if (have_last_ && text == last_text_) return last_value_;
  auto v = parse_uncached(text, format_);
  if (v) {
    last_text_.assign(text);
    last_value_ = *v;
    have_last_ = true;
  }
  return v;
}

std::optional<double> TimeParser::parse_value(std::string_view text) const {
  auto v = parse_uncached(text, format_);
  if (!v && format_ == TimeFormat::Pattern) v = parse_uncached(text, TimeFormat::Auto);
  return v;
}

std::string TimeParser::failure(std::string_view text) const {
  // A number that is not an instant is one outside the range: say so, rather than
  // that it is not a number.
  bool numeric = format_ == TimeFormat::Auto || format_ == TimeFormat::EpochSeconds || format_ == TimeFormat::EpochMillis;
  if (numeric && parse_number(text))
    return fmt::format("the time '{}' is outside the range scorec represents ({})", text, time_range_text());
  return fmt::format("cannot parse '{}' as a timestamp (expected {})", text, expected());
}

std::string TimeParser::expected() const {
  switch (format_) {
    case TimeFormat::Auto: return "ISO-8601 or epoch seconds/milliseconds";
    case TimeFormat::Iso8601: return "ISO-8601";
    case TimeFormat::EpochSeconds: return "epoch seconds";
    case TimeFormat::EpochMillis: return "epoch milliseconds";
    case TimeFormat::Pattern: return fmt::format("the format '{}'", pattern_);
  }
  return "a timestamp";
}

std::optional<bool> parse_bool(std::string_view t) {
  t = trim(t);
  if (t == "1" || iequals(t, "true") || iequals(t, "yes")) return true;
  if (t == "0" || iequals(t, "false") || iequals(t, "no")) return false;
  return std::nullopt;
}

std::string_view normalize_user_id(std::string_view id) {
  size_t i = 0, n = id.size();
  if (i < n && id[i] == '-') ++i;
  size_t digits = i;
  while (i < n && id[i] >= '0' && id[i] <= '9') ++i;
  if (i == digits || i >= n || id[i] != '.') return id;
  size_t dot = i++;
  if (i >= n) return id;  // "17850." is left alone: not how any exporter writes floats
  while (i < n && id[i] == '0') ++i;
  return i == n ? id.substr(0, dot) : id;
}

ValueConverter::ValueConverter(IngestContext& ctx, const FieldMapping& m)
    : ctx_(ctx), time_(m), list_sep_(m.list_separator) {}

uint32_t ValueConverter::intern_list(const std::vector<uint32_t>& ids) {
  // Lists repeat (tags, categories); one pool entry per distinct content keeps the pool
  // proportional to distinct lists rather than to rows.
  std::string key(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(uint32_t));
  auto it = lists_.find(key);
  if (it != lists_.end()) return it->second;
  uint32_t id = ctx_.lists.add(ids);
  lists_.emplace(std::move(key), id);
  return id;
}

bool ValueConverter::bad(std::string_view text, ir::Type type) {
  IngestStats& st = ctx_.stats;
  ++st.bad_values;
  auto by = st.bad_values_by_column.find(column_);
  if (by == st.bad_values_by_column.end()) by = st.bad_values_by_column.emplace(std::string(column_), 0).first;
  ++by->second;
  if (st.bad_value_samples.size() < IngestStats::kBadValueSamples) {
    // A long value is cut at a character boundary, so the report stays one valid line.
    size_t keep = text.size();
    if (keep > 60) {
      keep = 60;
      while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) --keep;
    }
    st.bad_value_samples.push_back({std::string(file_), line_, std::string(column_), ir::type_name(type),
                                    std::string(text.substr(0, keep)) + (keep < text.size() ? "..." : "")});
  }
  return false;
}

bool ValueConverter::from_text(std::string_view text, ir::Type type, double& out) {
  if (text.empty()) return false;
  switch (type) {
    case ir::Type::Number: {
      auto v = parse_number(text);
      if (!v) return bad(text, type);
      out = *v;
      return true;
    }
    case ir::Type::Bool: {
      auto b = parse_bool(text);
      if (!b) return bad(text, type);
      out = *b ? 1.0 : 0.0;
      return true;
    }
    case ir::Type::String:
      out = static_cast<double>(ctx_.strings.intern(text));
      return true;
    case ir::Type::Timestamp: {
      auto t = time_.parse_value(text);
      if (!t) return bad(text, type);
      out = *t;
      return true;
    }
    case ir::Type::Duration: {
      auto t = trim(text);
      auto v = parse_number(t);
      if (!v) v = parse_duration(t);
      if (!v || !std::isfinite(*v)) return bad(text, type);  // "nand", "1e308w": not a duration
      out = *v;
      return true;
    }
    case ir::Type::StringList: {
      // "a|b|c": items are trimmed and empty items dropped, so "a| b|" is [a, b].
      ids_.clear();
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find(list_sep_, start);
        if (end == std::string_view::npos) end = text.size();
        auto item = trim(text.substr(start, end - start));
        if (!item.empty()) ids_.push_back(ctx_.strings.intern(item));
        start = end + 1;
      }
      out = static_cast<double>(intern_list(ids_));
      return true;
    }
    case ir::Type::Null:
      return false;
  }
  return false;
}

bool ValueConverter::from_json_string(std::string_view text, ir::Type type, double& out) {
  if (type == ir::Type::String) {
    out = static_cast<double>(ctx_.strings.intern(text));
    return true;
  }
  if (type == ir::Type::StringList) {
    // JSON has real arrays; a lone string is a list of one, not something to split.
    ids_.assign(1, ctx_.strings.intern(text));
    out = static_cast<double>(intern_list(ids_));
    return true;
  }
  if (trim(text).empty()) return false;  // "" is how many exporters write a missing number
  return from_text(text, type, out);
}

bool ValueConverter::from_json_bool(bool b, ir::Type type, double& out) {
  switch (type) {
    case ir::Type::Bool:
      out = b ? 1.0 : 0.0;
      return true;
    case ir::Type::String:
    case ir::Type::StringList:
      return from_json_string(b ? "true" : "false", type, out);
    case ir::Type::Number:
    case ir::Type::Timestamp:
    case ir::Type::Duration:
    case ir::Type::Null: break;  // a JSON bool is not one of these
  }
  return bad(b ? "true" : "false", type);
}

bool ValueConverter::from_json_array(const std::vector<std::string_view>& items, bool ok, ir::Type type,
                                     double& out) {
  if (type != ir::Type::StringList || !ok) return bad("[...]", type);
  ids_.clear();
  for (auto item : items) ids_.push_back(ctx_.strings.intern(item));
  out = static_cast<double>(intern_list(ids_));
  return true;
}

}  // namespace scorec::runtime
