#include "writers.h"

#include <fmt/format.h>

#include <stdexcept>

namespace scorec::gen {

std::optional<Format> parse_format(std::string_view name) {
  if (name == "ndjson" || name == "jsonl") return Format::ndjson;
  if (name == "csv") return Format::csv;
  if (name == "segment") return Format::segment;
  return std::nullopt;
}

std::optional<Format> format_from_path(std::string_view path) {
  auto ends_with = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends_with(".ndjson") || ends_with(".jsonl") || ends_with(".json")) return Format::ndjson;
  if (ends_with(".csv")) return Format::csv;
  return std::nullopt;
}

void Sink::flush() {
  if (!file_ || buf_.empty()) return;
  if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) throw std::runtime_error("write failed");
  buf_.clear();
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  // Fast path: catalog values never need escaping.
  bool plain = true;
  for (char ch : s) plain &= static_cast<unsigned char>(ch) >= 0x20 && ch != '"' && ch != '\\';
  if (plain) {
    out += s;
    out += '"';
    return;
  }
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += ch;
    }
  }
  out += '"';
}

void append_csv_field(std::string& out, std::string_view s) {
  // RFC 4180: quote only when needed. '|' (the list separator) needs no
  // quoting: readers split on it only in columns declared as lists.
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void append_number(std::string& out, double v) {
  // Shortest representation that round-trips: 45 -> "45", 12.5 -> "12.5".
  char buf[32];
  char* end = fmt::format_to(buf, "{}", v);
  out.append(buf, end);
}

namespace {

void append_json_value(std::string& out, const Value& v) {
  if (const auto* s = std::get_if<std::string_view>(&v)) append_json_string(out, *s);
  else if (const auto* d = std::get_if<double>(&v)) append_number(out, *d);
  else if (const auto* b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
  else out += "null";
}

void append_csv_value(std::string& out, const Value& v) {
  if (const auto* s = std::get_if<std::string_view>(&v)) append_csv_field(out, *s);
  else if (const auto* d = std::get_if<double>(&v)) append_number(out, *d);
  else if (const auto* b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
  // null: empty field
}

// "name":value pairs, each preceded by a comma.
void append_json_props(std::string& out, std::span<const Property> props, bool leading_comma) {
  for (const auto& p : props) {
    if (leading_comma) out += ',';
    leading_comma = true;
    append_json_string(out, p.name);
    out += ':';
    append_json_value(out, p.value);
  }
}

// Profile fields in one place so JSON and CSV agree on names and order.
struct ProfileField {
  std::string_view name;
  Value value;
};
std::array<ProfileField, 8> scalar_fields(const Profile& p) {
  return {{{"plan", p.plan},
           {"signed_up", std::monostate{}},  // timestamp: formatted by the writer
           {"industry", p.industry ? Value(*p.industry) : Value(std::monostate{})},
           {"city", p.city},
           {"job_title", p.job_title},
           {"company_size", p.company_size},
           {"country", p.country},
           {"newsletter", p.newsletter}}};
}

}  // namespace

EventWriter::EventWriter(Format format, Sink& sink, const EventMix& mix) : format_(format), sink_(sink) {
  auto find_column = [&](std::string_view name) {
    size_t col = 0;
    while (col < columns_.size() && columns_[col] != name) ++col;
    return col;
  };
  for (size_t t = 0; t < kEventTypeCount; ++t)
    if (mix[t] > 0)
      for (const auto& p : event_spec(static_cast<EventType>(t)).props)
        if (find_column(p.name) == columns_.size()) columns_.push_back(p.name);
  // Every type gets a mapping; properties of types outside the mix land in
  // one hidden slot past the last column, so write() never indexes out of range.
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    const auto props = event_spec(static_cast<EventType>(t)).props;
    for (size_t i = 0; i < props.size(); ++i) column_of_[t][i] = static_cast<uint8_t>(find_column(props[i].name));
  }
  row_.resize(columns_.size() + 1);
  if (format_ == Format::csv) {
    std::string& out = sink_.buffer();
    out += "user_id,event,timestamp";
    for (auto c : columns_) {
      out += ',';
      out += c;
    }
    out += '\n';
    sink_.end_record();
  }
}

void EventWriter::write(const Event& e) {
  if (format_ == Format::csv) write_csv(e);
  else write_json(e, format_ == Format::segment);
  sink_.end_record();
}

void EventWriter::write_json(const Event& e, bool segment) {
  std::string& out = sink_.buffer();
  out += segment ? R"({"type":"track","userId":")" : R"({"user_id":")";
  append_user_id(out, e.user);
  out += R"(","event":")";
  out += e.name();  // schema names need no escaping
  out += R"(","timestamp":")";
  iso_.append(out, e.ts);
  out += '"';
  if (segment) {
    out += R"(,"properties":{)";
    append_json_props(out, e.properties(), false);
    out += "}}\n";
  } else {
    append_json_props(out, e.properties(), true);
    out += "}\n";
  }
}

void EventWriter::write_csv(const Event& e) {
  std::fill(row_.begin(), row_.end(), nullptr);
  const auto& cols = column_of_[static_cast<size_t>(e.type)];
  for (size_t i = 0; i < e.num_props; ++i) row_[cols[i]] = &e.props[i].value;

  std::string& out = sink_.buffer();
  append_user_id(out, e.user);
  out += ',';
  out += e.name();
  out += ',';
  iso_.append(out, e.ts);
  for (size_t c = 0; c < columns_.size(); ++c) {
    out += ',';
    if (row_[c]) append_csv_value(out, *row_[c]);
  }
  out += '\n';
}

ProfileWriter::ProfileWriter(Format format, Sink& sink) : format_(format), sink_(sink) {
  if (format_ == Format::csv) {
    sink_.buffer() += "user_id,plan,signed_up,industry,city,job_title,company_size,country,newsletter,tags\n";
    sink_.end_record();
  }
}

void ProfileWriter::write(const Profile& p) {
  std::string& out = sink_.buffer();
  const auto fields = scalar_fields(p);
  if (format_ == Format::csv) {
    append_user_id(out, p.user);
    for (const auto& f : fields) {
      out += ',';
      if (f.name == "signed_up") iso_.append(out, p.signed_up);
      else append_csv_value(out, f.value);
    }
    out += ',';
    std::string joined;  // a list is one field: items joined with '|'
    for (size_t i = 0; i < p.num_tags; ++i) {
      if (i) joined += '|';
      joined += p.tag_storage[i];
    }
    append_csv_field(out, joined);
    out += '\n';
  } else {
    const bool segment = format_ == Format::segment;
    out += segment ? R"({"type":"identify","userId":")" : R"({"user_id":")";
    append_user_id(out, p.user);
    out += '"';
    if (segment) {  // the identify happened at sign-up
      out += R"(,"timestamp":")";
      iso_.append(out, p.signed_up);
      out += R"(","traits":{)";
    } else {
      out += ',';
    }
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, f.name);
      out += ':';
      if (f.name == "signed_up") {
        out += '"';
        iso_.append(out, p.signed_up);
        out += '"';
      } else {
        append_json_value(out, f.value);
      }
    }
    out += R"(,"tags":[)";
    for (size_t i = 0; i < p.num_tags; ++i) {
      if (i) out += ',';
      append_json_string(out, p.tag_storage[i]);
    }
    out += segment ? "]}}\n" : "]}\n";
  }
  sink_.end_record();
}

}  // namespace scorec::gen
