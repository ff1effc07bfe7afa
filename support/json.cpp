#include "support/json.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "support/text.h"

namespace scorec {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\u{:04x}", c);
      ++i;
      continue;
    }
    size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  out += '"';
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

void print_json(std::string& out, const Json& j, JsonStyle style, int indent) {
  std::string pad(static_cast<size_t>(indent + 2), ' '), close(static_cast<size_t>(indent), ' ');
  if (std::holds_alternative<Json::Null>(j.v)) out += "null";
  else if (auto* d = std::get_if<double>(&j.v)) out += std::isfinite(*d) ? format_number(*d) : "null";
  else if (auto* s = std::get_if<std::string>(&j.v)) append_json_string(out, *s);
  else if (auto* b = std::get_if<bool>(&j.v)) out += *b ? "true" : "false";
  else if (auto* a = std::get_if<Json::Array>(&j.v)) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    bool flat = style.inline_scalar_arrays && std::all_of(a->begin(), a->end(), [](const Json& e) { return e.scalar(); });
    out += "[";
    for (size_t i = 0; i < a->size(); ++i) {
      if (i) out += ",";
      out += flat ? (i ? " " : "") : "\n" + pad;
      print_json(out, (*a)[i], style, indent + 2);
    }
    out += flat ? "]" : "\n" + close + "]";
  } else {
    const auto& o = std::get<Json::Object>(j.v);
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{";
    for (size_t i = 0; i < o.size(); ++i) {
      out += i ? ",\n" : "\n";
      out += pad;
      append_json_string(out, o[i].first);
      out += ": ";
      print_json(out, o[i].second, style, indent + 2);
    }
    out += "\n" + close + "}";
  }
}

}  // namespace scorec
